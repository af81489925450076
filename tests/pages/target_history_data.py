"""Known histories for the target page tests (page, API, CSV): one builder per target kind."""

import datetime
import zoneinfo

from activities.models import Target, TargetKind, TargetMetric, TargetScope
from goals.models import GoalLevel, Profile
from sessions.models import PracticeSession
from tests.factories import (
    ActivityDefinitionFactory,
    ActivityInstanceFactory,
    GoalFactory,
    MetricDefinitionFactory,
    MetricValueFactory,
    PracticeSessionFactory,
)

UTC = datetime.UTC
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


def at(year, month, day, hour=12, minute=0, tz=UTC):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=tz)


def set_zone(user, zone="America/New_York", week_start=0):
    profile = Profile.for_user(user)
    profile.time_zone, profile.week_start = zone, week_start
    profile.save()
    user.refresh_from_db()  # forget the profile cached on the fixture's user (API clients reuse it)


def log(goal, activity, when, instances, *, name=None, completed=True, evaluate=False):
    """A session linked to ``goal`` at ``when`` with one instance of ``activity`` per item of
    ``instances``, each a list of sets ({metric: value}); completed (through ``complete()``,
    which evaluates the targets, when ``evaluate``)."""
    session = PracticeSessionFactory(
        root=goal.root, goals=[goal], started_at=when, name=name or f"Session {when:%d %b %H:%M}"
    )
    for sets in instances:
        instance = ActivityInstanceFactory(session=session, activity=activity)
        for number, row in enumerate(sets, start=1):
            for metric, value in row.items():
                MetricValueFactory(
                    instance=instance, metric=metric, set_number=number if activity.has_sets else None, value=value
                )
    if completed and evaluate:
        session.complete(when=when + datetime.timedelta(minutes=45))
    elif completed:
        ended = when + datetime.timedelta(minutes=45)
        PracticeSession.objects.filter(pk=session.pk).update(completed=True, completed_at=ended, ended_at=ended)
        session.refresh_from_db()
    return session


def target(goal, activity, rules, **fields):
    """A target on ``goal``; ``rules`` are (metric, operator, threshold)."""
    row = Target(goal=goal, activity=activity, **fields)
    row.full_clean()
    row.save()
    for metric, operator, threshold in rules:
        rule = TargetMetric(target=row, metric=metric, operator=operator, threshold=threshold)
        rule.full_clean()
        rule.save()
    return row


def squat_history(goal, stranger_goal=None):
    """Squat: weight ≥ 100 kg and reps ≥ 5 in one set, all time. Sessions S1–S3 on the goal, S6 on
    a goal below it, and others that do not count: open, on another goal, another activity,
    deleted. S2 is the only one with a single set meeting both."""
    squat = ActivityDefinitionFactory(root=goal.root, name="Squat", has_sets=True)
    weight = MetricDefinitionFactory(activity=squat, name="weight", unit="kg", is_top_set_metric=True)
    reps = MetricDefinitionFactory(activity=squat, name="reps", unit="")
    rule = target(goal, squat, [(weight, "gte", 100), (reps, "gte", 5)], name="Squat 100 × 5")
    child = GoalFactory(parent=goal, name="Squat technique", level=GoalLevel.IMMEDIATE)
    elsewhere = GoalFactory(parent=goal.parent, name="Another short-term goal")
    other = ActivityDefinitionFactory(root=goal.root, name="Bench", has_sets=True)
    other_weight = MetricDefinitionFactory(activity=other, name="weight", unit="kg")
    sessions = {
        "S1": log(goal, squat, at(2026, 3, 1), [[{weight: 90, reps: 5}, {weight: 100, reps: 3}]], name="S1"),
        "S2": log(goal, squat, at(2026, 3, 8), [[{weight: 100, reps: 5}]], name="S2", evaluate=True),
        "S3": log(goal, squat, at(2026, 3, 15), [[{weight: 105, reps: 2}]], name="S3"),
        "S6": log(child, squat, at(2026, 3, 20), [[{weight: 80, reps: 8}]], name="S6"),
    }
    log(goal, squat, at(2026, 3, 21), [[{weight: 120, reps: 10}]], name="open", completed=False)
    log(elsewhere, squat, at(2026, 3, 22), [[{weight: 130, reps: 10}]], name="elsewhere")
    log(goal, other, at(2026, 3, 23), [[{other_weight: 140}]], name="bench")
    log(goal, squat, at(2026, 3, 24), [[{weight: 150, reps: 10}]], name="deleted").delete()
    return rule, sessions, (weight, reps)


def pace_history(goal):
    """Run: pace ≤ 5 min/km from 1 to 31 March 2026 in New York. A (1 Mar 03:00 UTC) is still
    28 February there and D (1 Apr 05:00 UTC) is already April: only B and C are in scope."""
    run = ActivityDefinitionFactory(root=goal.root, name="Run", has_sets=False)
    pace = MetricDefinitionFactory(activity=run, name="pace", unit="min/km")
    rule = target(
        goal,
        run,
        [(pace, "lte", 5)],
        name="Sub-5 pace",
        scope=TargetScope.RANGE,
        starts_on=datetime.date(2026, 3, 1),
        ends_on=datetime.date(2026, 3, 31),
    )
    sessions = {
        "A": log(goal, run, at(2026, 3, 1, 3), [[{pace: 4.5}]], name="A"),
        "B": log(goal, run, at(2026, 3, 10), [[{pace: 5.8}], [{pace: 5.4}]], name="B"),
        "C": log(goal, run, at(2026, 4, 1, 2), [[{pace: 4.9}]], name="C"),
        "D": log(goal, run, at(2026, 4, 1, 5), [[{pace: 4.0}]], name="D"),
    }
    return rule, sessions, pace


def distance_history(goal):
    """Run: distance summed ≥ 50 km, 1 March – 31 May 2026: 20, then 15 + 10, then 10 km (the
    total passes 50 in the third session); June's 30 km is outside."""
    run = ActivityDefinitionFactory(root=goal.root, name="Run", has_sets=False)
    distance = MetricDefinitionFactory(activity=run, name="distance", unit="km")
    rule = target(
        goal,
        run,
        [(distance, "gte", 50)],
        name="50 km in spring",
        kind=TargetKind.SUM,
        scope=TargetScope.RANGE,
        starts_on=datetime.date(2026, 3, 1),
        ends_on=datetime.date(2026, 5, 31),
    )
    sessions = {
        "first": log(goal, run, at(2026, 3, 5), [[{distance: 20}]], name="first"),
        "double": log(goal, run, at(2026, 4, 2), [[{distance: 15}], [{distance: 10}]], name="double"),
        "third": log(goal, run, at(2026, 5, 20), [[{distance: 10}]], name="third"),
        "june": log(goal, run, at(2026, 6, 2), [[{distance: 30}]], name="june"),
    }
    return rule, sessions, distance


def frequency_history(goal, with_rule=False):
    """Run: 2 sessions a week for 2 weeks in a row, the four weeks from Monday 2 March 2026:
    2, 1, 2 and 3 sessions (with ``with_rule``, distance ≥ 5 km: one of week four's is 3 km, so
    it still has 2)."""
    run = ActivityDefinitionFactory(root=goal.root, name="Run", has_sets=False)
    distance = MetricDefinitionFactory(activity=run, name="distance", unit="km")
    rule = target(
        goal,
        run,
        [(distance, "gte", 5)] if with_rule else [],
        name="Run twice a week",
        kind=TargetKind.FREQUENCY,
        times=2,
        weeks=2,
        scope=TargetScope.RANGE,
        starts_on=datetime.date(2026, 3, 2),
        ends_on=datetime.date(2026, 3, 29),
    )
    days = [(3, 2, 6), (3, 5, 8), (3, 11, 6), (3, 16, 7), (3, 22, 9), (3, 23, 5), (3, 25, 3), (3, 28, 10)]
    sessions = {
        f"{month}-{day}": log(goal, run, at(2026, month, day), [[{distance: km}]], name=f"run {day} Mar")
        for month, day, km in days
    }
    log(goal, run, at(2026, 3, 30), [[{distance: 10}]], name="after the range")
    return rule, sessions, distance
