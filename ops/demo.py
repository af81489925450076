"""A realistic demo fractal for a first run: goals, a library, a template, two weeks of practice."""

import datetime
import random

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from activities.models import (
    ActivityDefinition,
    ActivityGroup,
    MetricDefinition,
    SplitDefinition,
    Target,
    TargetKind,
    TargetMetric,
    TargetOperator,
)
from goals.models import CompletionMode, Goal, GoalLevel
from sessions.models import Note, SessionTemplate
from sessions.services import complete_session

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "demo-password"


def _activity(root, group, name, *, metrics, has_sets=True, splits=(), multiplicative=False, description=""):
    activity = ActivityDefinition(
        name=name,
        description=description,
        group=group,
        has_sets=has_sets,
        has_metrics=True,
        has_splits=bool(splits),
        metrics_multiplicative=multiplicative,
    )
    activity.root = root
    activity.save()
    created = {}
    for metric_name, unit, top, mult, *lower in metrics:
        metric = MetricDefinition(
            activity=activity,
            name=metric_name,
            unit=unit,
            is_top_set_metric=top,
            is_multiplicative=mult,
            lower_is_better=bool(lower and lower[0]),
        )
        metric.save()
        created[metric_name] = metric
    split_rows = []
    for split_name in splits:
        split = SplitDefinition(activity=activity, name=split_name)
        split.save()
        split_rows.append(split)
    return activity, created, split_rows


def _target(goal, activity, name, thresholds, **fields):
    """A target with its rules: (metric, threshold) pairs (≥) or (metric, threshold, operator)."""
    target = Target(goal=goal, activity=activity, name=name, **fields)
    target.save()
    for metric, value, *operator in thresholds:
        TargetMetric(target=target, metric=metric, threshold=value, operator=operator[0] if operator else "gte").save()
    return target


@transaction.atomic
def seed_demo(now=None, rng=None):
    """Create the demo user and fractal; returns (user, root)."""
    now = now or timezone.now()
    rng = rng or random.Random(2026)
    user = get_user_model().objects.create_user(DEMO_USERNAME, email="demo@example.com", password=DEMO_PASSWORD)

    root = Goal.create_fractal(
        user,
        "Become a well-rounded athlete",
        GoalLevel.ULTIMATE,
        description="Strength, skill and endurance that last.",
    )
    calisthenics = root.add_child("Calisthenics mastery", description="Bodyweight strength and skills.")
    running = root.add_child("Run a half marathon", deadline=(now + datetime.timedelta(days=200)).date())
    levers = calisthenics.add_child("Levers and pulling strength")
    endurance = running.add_child("Aerobic base")
    front_lever = levers.add_child("Hold a front lever for 5 s", deadline=(now + datetime.timedelta(days=60)).date())
    pull_up = levers.add_child("Weighted pull-up: 5 reps with 10 kg")
    ten_k = endurance.add_child("Run 10 km comfortably", deadline=(now + datetime.timedelta(days=45)).date())
    tuck = front_lever.add_child("Tuck front lever 15 s")
    film = tuck.add_child("Scapular pull-ups every session").add_child("Film one hold per week")
    pull_up.add_child("Three pulling sessions a week")
    ten_k.add_child("Two easy runs a week")
    # A goal its children complete (both done), and a branch put on hold for the winter.
    handstand = calisthenics.add_child(
        "Handstand basics", description="Done once both drills are.", completion_mode=CompletionMode.CHILDREN
    )
    handstand.add_child("Wall handstand 30 s")
    handstand.add_child("Crow pose 20 s")
    trail = running.add_child("Trail running", description="On hold until the snow melts.")
    trail.add_child("Hill repeats once a week")
    # The plan was made over the last months, top-down: ages on the tree read like real use.
    for depth, goal in enumerate(Goal.objects.filter(root=root).order_by("created_at")):
        Goal.objects.filter(pk=goal.pk).update(created_at=now - datetime.timedelta(days=120 - 8 * depth))

    strength = ActivityGroup(name="Strength", description="Loaded and bodyweight strength work.")
    strength.root = root
    strength.save()
    cardio = ActivityGroup(name="Endurance")
    cardio.root = root
    cardio.save()

    pull, pull_metrics, _ = _activity(
        root,
        strength,
        "Weighted pull-up",
        metrics=[("Weight", "kg", True, True), ("Reps", "reps", False, True)],
        multiplicative=True,
        description="Strict pull-ups with added weight.",
    )
    lever, lever_metrics, _ = _activity(
        root, strength, "Front lever hold", metrics=[("Hold", "s", True, False)], description="Straight-body holds."
    )
    squat, squat_metrics, squat_splits = _activity(
        root, strength, "Single-leg squat", metrics=[("Reps", "reps", True, False)], splits=("Left", "Right")
    )
    run, run_metrics, _ = _activity(
        root,
        cardio,
        "Easy run",
        # A faster pace is a lower one: its records are the lowest values.
        metrics=[("Distance", "km", False, False), ("Pace", "min/km", False, False, True)],
        has_sets=False,
    )

    _target(pull_up, pull, "5 reps with 10 kg", [(pull_metrics["Weight"], 10), (pull_metrics["Reps"], 5)])
    _target(front_lever, lever, "5 s full hold", [(lever_metrics["Hold"], 5)])
    _target(ten_k, run, "10 km run", [(run_metrics["Distance"], 10)])
    # A time to beat (lower is better: the pace has been creeping down towards it) and a habit
    # (lever practice three times a week, four weeks in a row: the last two weeks are on the way).
    _target(ten_k, run, "Pace under 6 min/km", [(run_metrics["Pace"], 6.0, TargetOperator.LTE)])
    _target(
        front_lever,
        lever,
        "Lever practice three times a week for four weeks",
        [],
        kind=TargetKind.FREQUENCY,
        times=3,
        weeks=4,
    )

    template = SessionTemplate.create(
        root,
        "Pull day",
        [
            ("Warm-up", 10, [run]),
            ("Strength", 40, [pull, lever]),
            ("Legs", 15, [squat]),
        ],
        description="The regular strength session.",
    )

    # Before that, ten months of easy runs every few days, so the practice calendar, the time per
    # goal and template, and the monthly figures have a history to show.
    run_template = SessionTemplate.create(
        root, "Easy run", [("Warm-up", 5, []), ("Run", 30, [run])], description="An easy aerobic run."
    )
    first_run = (now - datetime.timedelta(days=300)).replace(hour=18, minute=0, second=0, microsecond=0)
    for index, day_offset in enumerate(range(0, 284, 4)):
        started = first_run + datetime.timedelta(days=day_offset + rng.randint(0, 1), minutes=rng.randint(0, 50))
        session = run_template.create_session([ten_k], name=f"Easy run {index + 1}", started_at=started)
        instance = session.instances.get()
        minutes = 25 + rng.randint(0, 15)
        instance.set_times(started, started + datetime.timedelta(minutes=minutes))
        instance.completed = True
        instance.save(update_fields=["completed"])
        instance.record_values(
            [
                {"metric": run_metrics["Distance"], "value": round(4 + (index % 5) * 0.8, 1)},
                {"metric": run_metrics["Pace"], "value": round(7 - index * 0.01, 2)},
            ]
        )
        complete_session(session, when=instance.time_stop)
    # Small steps done along the way, so goals completed per month shows them.
    for days_ago, goal in ((150, film), (60, pull_up.children.get())):
        Goal.objects.filter(pk=goal.pk).update(completed=True, completed_at=now - datetime.timedelta(days=days_ago))

    # Two weeks of practice, every other day, getting a little stronger each time.
    start_day = (now - datetime.timedelta(days=14)).replace(hour=7, minute=0, second=0, microsecond=0)
    for index, day_offset in enumerate(range(0, 14, 2)):
        started = start_day + datetime.timedelta(days=day_offset, minutes=rng.randint(0, 40))
        goals = [pull_up, front_lever, ten_k]
        session = template.create_session(goals, name=f"Pull day {index + 1}", started_at=started)
        clock = started
        for instance in session.instances.select_related("activity").order_by("section__sort_order", "sort_order"):
            minutes = {run.pk: 10, pull.pk: 15, lever.pk: 12, squat.pk: 10}[instance.activity_id]
            instance.set_times(clock, clock + datetime.timedelta(minutes=minutes, seconds=rng.randint(0, 50)))
            clock = instance.time_stop + datetime.timedelta(minutes=2)
            entries = []
            if instance.activity_id == pull.pk:
                for set_number in (1, 2, 3):
                    entries += [
                        {"metric": pull_metrics["Weight"], "set_number": set_number, "value": 4 + index},
                        {"metric": pull_metrics["Reps"], "set_number": set_number, "value": 5 - (set_number == 3)},
                    ]
            elif instance.activity_id == lever.pk:
                for set_number in (1, 2, 3):
                    entries.append(
                        {"metric": lever_metrics["Hold"], "set_number": set_number, "value": 2 + index * 0.3}
                    )
            elif instance.activity_id == squat.pk:
                for split in squat_splits:
                    for set_number in (1, 2):
                        entries.append(
                            {
                                "metric": squat_metrics["Reps"],
                                "split": split,
                                "set_number": set_number,
                                "value": 6 + index // 2 + (split.name == "Right"),
                            }
                        )
            else:
                entries += [
                    {"metric": run_metrics["Distance"], "value": round(5 + index * 0.6, 1)},
                    {"metric": run_metrics["Pace"], "value": round(6.4 - index * 0.05, 2)},
                ]
            instance.completed = True
            instance.save(update_fields=["completed"])
            instance.record_values(entries)
        # A short break, paused on the session clock (it is left out of the duration).
        session.pause(when=started + datetime.timedelta(minutes=11))
        session.resume(when=started + datetime.timedelta(minutes=13))
        complete_session(session, when=clock)

    for drill in Goal.objects.filter(parent=handstand).order_by("created_at"):
        drill.complete(when=now - datetime.timedelta(days=20))  # completes "Handstand basics" with them
    trail.pause(when=now - datetime.timedelta(days=30))

    # Notes: a pinned plan for the fractal, a goal journal entry, a cue on an activity, one on a set.
    last_lever = session.instances.get(activity=lever)
    for body, fields in [
        ("**This season:** strength first, then the half marathon build from March.", {"pinned": True}),
        ("Tuck holds feel solid now; next step is *advanced tuck*.", {"goal": front_lever}),
        ("Cue: squeeze glutes, push the bar down, ribs in.", {"activity": lever}),
        ("Set 3 was the best hold so far, hips level.", {"instance": last_lever, "set_number": 3}),
        ("Slept badly, kept the runs easy.", {"session": session}),
    ]:
        note = Note(root_id=root.pk, body=body, **fields)
        note.full_clean()
        note.save()
    return user, root
