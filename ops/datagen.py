"""Synthetic fractals at a chosen size, for benchmarks and for trying the app with years of data.

Everything is built in memory and written with ``bulk_create`` in one transaction, so model
``save()`` never runs: roots, sort orders and timestamps are set here, and every row passes the
models' own rules before it is written (``validate_unsaved()``: level rule, same fractal, time
order, ...; they also derive the durations), read from the object graph in memory. For a given seed and
``now`` the content is the same every time; only the ids differ.

Growth model: practice happens at a steady rate (about ``SESSIONS_PER_DAY``), so more sessions
mean more years of history, and each activity is "in rotation" for a while, as in a real training
log. A ten times larger dataset is therefore ten times the history, not ten times denser days:
recent pages and a single activity's series keep a similar size while the totals grow.

The ``log`` shape is the shape of a real practice log instead (the old app's files): a fixed
library of ``LOG_LIBRARY_SIZE`` activities, every one in use over the whole history, so ten times
the history is ten times the instances of each activity.
"""

import bisect
import datetime
import math
import random
import uuid
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from activities.models import ActivityDefinition, ActivityGroup, MetricDefinition, SplitDefinition, Target, TargetMetric
from goals.models import Goal, GoalLevel
from sessions.models import (
    ActivityInstance,
    MetricValue,
    Note,
    PracticeSession,
    PracticeSessionGoal,
    SessionSection,
    SessionTemplate,
    TemplateActivity,
    TemplateSection,
)
from sessions.records import fill_set_products

BATCH_SIZE = 2000
SESSIONS_PER_DAY = 1.5
ROTATION_DAYS = 400  # how long an activity stays in use
SESSIONS_PER_ACTIVITY = 40  # library size grows with the history
MIN_GOALS = 5  # a root and one goal per level down to immediate
SHAPES = ("rotating", "log")
LOG_LIBRARY_SIZE = 40  # the log shape's fixed library, used across the whole history

# Share of the non-root goals at each level below an ultimate root (long-term … nano).
LEVEL_SHARES = [0.002, 0.01, 0.06, 0.2, 0.33, 0.398]
# Levels that must exist for sessions to have goals: long-term, mid-term, short-term, immediate.
REQUIRED_DEPTH = 4

GOAL_WORDS = {
    GoalLevel.LONG_TERM: ["Master", "Build", "Develop", "Reach", "Sustain", "Compete in"],
    GoalLevel.MID_TERM: ["Improve", "Strengthen", "Learn", "Consolidate", "Train"],
    GoalLevel.SHORT_TERM: ["Hit", "Complete", "Hold", "Run", "Lift", "Perform"],
    GoalLevel.IMMEDIATE: ["Practice", "Drill", "Repeat", "Work on", "Review"],
    GoalLevel.MICRO: ["Focus on", "Fix", "Film", "Time", "Count"],
    GoalLevel.NANO: ["Cue", "Note", "Check", "Breathe on", "Tighten"],
}
TOPICS = [
    "front lever", "handstand", "deadlift", "squat", "pull-ups", "planche", "5k run", "splits",
    "muscle-up", "bench press", "rowing", "scales", "sight reading", "improvisation", "vocabulary",
    "balance", "core strength", "grip", "endurance base", "mobility", "posture", "footwork",
    "breathing", "recovery", "technique", "speed", "accuracy", "consistency",
]  # fmt: skip
GROUP_NAMES = [
    "Strength", "Skills", "Mobility", "Endurance", "Technique", "Conditioning", "Balance",
    "Flexibility", "Power", "Recovery", "Music", "Study",
]  # fmt: skip
MOVEMENTS = [
    "Squat", "Deadlift", "Bench press", "Overhead press", "Pull-up", "Chin-up", "Dip", "Row",
    "Front lever", "Back lever", "Planche lean", "Handstand", "L-sit", "Hollow hold", "Lunge",
    "Pistol squat", "Push-up", "Hip thrust", "Calf raise", "Plank", "Side plank", "Run", "Bike",
    "Swim", "Jump rope", "Scales", "Arpeggios", "Sight reading", "Stretch", "Bridge",
]  # fmt: skip
VARIANTS = ["", "Tempo", "Paused", "Weighted", "Banded", "Single-arm", "Isometric", "Deficit", "Explosive", "Slow"]
NOTES = ["", "", "", "Felt strong.", "Short on sleep.", "Good focus today.", "Cut short.", "New personal best!"]
# Cues written on instances (shown beside the inputs the next times); about one instance in eight has one.
CUES = ["Squeeze the glutes.", "Slow on the way down.", "Breathe out on the effort.", "Elbows in.", "Relax the grip."]
CUE_SHARE = 0.125

# Activity kinds: (has_sets, has_splits, metrics as (name, unit, base, step, top_set, multiplicative)).
ACTIVITY_KINDS = [
    (True, False, [("Weight", "kg", 40.0, 2.5, True, True), ("Reps", "reps", 8.0, 1.0, False, True)]),
    (True, False, [("Reps", "reps", 10.0, 1.0, True, False)]),
    (True, True, [("Hold", "s", 20.0, 1.0, True, False)]),
    (True, False, [("Weight", "kg", 20.0, 2.5, True, True), ("Reps", "reps", 10.0, 1.0, False, True)]),
    (False, False, [("Duration", "min", 25.0, 1.0, False, False), ("Distance", "km", 5.0, 0.1, False, False)]),
    (False, True, [("Reach", "cm", 10.0, 0.5, False, False)]),
    (True, False, [("Weight", "kg", 60.0, 2.5, True, True), ("Reps", "reps", 5.0, 1.0, False, True),
           ("RPE", "", 7.0, 0.5, False, False)]),
]  # fmt: skip
SPLIT_NAMES = [["Left", "Right"], ["Left", "Right"], ["Front", "Middle", "Back"]]
SECTION_PLANS = [[("Warm-up", 10), ("Main", 40)], [("Warm-up", 10), ("Main", 35), ("Cool-down", 10)], [("Main", 45)]]


@dataclass
class GeneratedFractal:
    root: Goal
    counts: dict = field(default_factory=dict)


def level_counts(goals):
    """How many goals to create at each level (index 0 is the root) for ``goals`` in total."""
    if goals < MIN_GOALS:
        raise ValueError(f"A generated fractal needs at least {MIN_GOALS} goals.")
    rest = goals - 1
    counts = [1] + [
        max(1 if index < REQUIRED_DEPTH else 0, round(share * rest)) for index, share in enumerate(LEVEL_SHARES)
    ]
    # Trim from the bottom (keeping the required levels), or add nano goals, to hit the total.
    while sum(counts) > goals:
        for level in range(len(counts) - 1, 0, -1):
            if counts[level] > (1 if level <= REQUIRED_DEPTH else 0):
                counts[level] -= 1
                break
    counts[-1] += goals - sum(counts)
    return counts


def _uuid(rng):
    # Ids are random even for a fixed seed, so a seed can be generated twice into one database;
    # the seeded generator decides everything else.
    return uuid.uuid4()


class _Builder:
    def __init__(
        self, owner, goals, sessions, instances_per_session, values_per_instance, seed, now, progress, shape="rotating"
    ):
        self.owner = owner
        self.shape = shape
        self.goal_total = goals
        self.session_total = sessions
        self.instances_per_session = instances_per_session
        self.values_per_instance = values_per_instance
        self.rng = random.Random(seed)
        # Notes draw from a generator of their own, so every other row stays what it was before notes.
        self.note_rng = random.Random(f"notes-{seed}")
        self.now = now or timezone.now()
        self.progress = progress or (lambda stage, done, total: None)
        self.span_days = max(30, math.ceil(sessions / SESSIONS_PER_DAY))
        self.start = self.now - datetime.timedelta(days=self.span_days)
        self.counts = {}

    # --- writing -------------------------------------------------------------------------
    def write(self, model, rows, stage, check=True):
        if check:
            for row in rows:
                row.validate_unsaved()
        total = len(rows)
        step = max(BATCH_SIZE, math.ceil(total / 10))
        for offset in range(0, total, step):
            model.all_objects.bulk_create(rows[offset : offset + step], batch_size=BATCH_SIZE)
            self.progress(stage, min(offset + step, total), total)
        if not total:
            self.progress(stage, 0, 0)
        self.counts[stage] = self.counts.get(stage, 0) + total

    def stamp(self, obj, when, updated=None):
        obj.created_at = when
        obj.updated_at = updated or when
        return obj

    def moment(self, low, high):
        """A random aware datetime between ``low`` and ``high``."""
        seconds = max(0.0, (high - low).total_seconds())
        return low + datetime.timedelta(seconds=self.rng.uniform(0, seconds))

    # --- goals ---------------------------------------------------------------------------
    def build_goals(self):
        rng = self.rng
        root_created = self.start - datetime.timedelta(days=30)
        root_id = _uuid(rng)
        self.root = self.stamp(
            Goal(
                id=root_id,
                root_id=root_id,
                owner=self.owner,
                level=GoalLevel.ULTIMATE,
                name=f"Generated fractal ({self.goal_total} goals, {self.session_total} sessions)",
                description="Synthetic data from manage.py generate_data.",
                sort_order=self._next_root_order(),
            ),
            root_created,
        )
        levels = GoalLevel.ordered()
        counts = level_counts(self.goal_total)
        previous = [self.root]
        goals = [self.root]
        for depth in range(1, len(counts)):
            level = levels[depth]
            parents = self._assign_parents(previous, counts[depth])
            children_seen = {}
            current = []
            for parent in parents:
                order = children_seen.get(parent.pk, 0)
                children_seen[parent.pk] = order + 1
                current.append(self._goal(parent, level, order))
            goals.extend(current)
            previous = current
        self.goals = goals
        self.write(Goal, goals, "goals")
        self.session_goals = sorted(
            (goal for goal in goals if goal.level in (GoalLevel.SHORT_TERM, GoalLevel.IMMEDIATE)),
            key=lambda goal: goal.created_at,
        )
        self.session_goal_times = [goal.created_at for goal in self.session_goals]
        self.goals_by_id = {goal.pk: goal for goal in goals}

    def _next_root_order(self):
        top = Goal.all_objects.filter(parent__isnull=True, owner=self.owner).order_by("-sort_order").first()
        return 0 if top is None else top.sort_order + 1

    def _assign_parents(self, parents, count):
        """Each parent gets at least one child while there are enough, the rest go at random."""
        rng = self.rng
        if count >= len(parents):
            chosen = list(parents) + [rng.choice(parents) for _ in range(count - len(parents))]
        else:
            chosen = rng.sample(parents, count)
        chosen.sort(key=lambda goal: goal.created_at)
        return chosen

    def _goal(self, parent, level, order):
        rng = self.rng
        created = self.moment(parent.created_at, parent.created_at + (self.now - parent.created_at) * 0.35)
        goal = Goal(
            id=_uuid(rng),
            root_id=self.root.pk,
            parent=parent,
            level=level,
            name=f"{rng.choice(GOAL_WORDS[level])} {rng.choice(TOPICS)}",
            sort_order=order,
        )
        if rng.random() < 0.2:
            goal.description = f"Part of “{parent.name}”."
        if rng.random() < 0.5:
            goal.deadline = (created + datetime.timedelta(days=rng.randint(14, 540))).date()
        updated = created
        if (self.now - created).days > 60 and rng.random() < 0.3:
            goal.completed = True
            goal.completed_at = self.moment(created, self.now)
            updated = goal.completed_at
        return self.stamp(goal, created, updated)

    # --- activity library ----------------------------------------------------------------
    def build_library(self):
        rng = self.rng
        if self.shape == "log":
            activity_count = LOG_LIBRARY_SIZE
        else:
            activity_count = max(6, self.session_total // SESSIONS_PER_ACTIVITY)
        group_count = max(2, min(len(GROUP_NAMES), activity_count // 5))
        root_id = self.root.pk
        created = self.root.created_at
        self.groups = [
            self.stamp(
                ActivityGroup(id=_uuid(rng), root_id=root_id, name=name, sort_order=index),
                created,
            )
            for index, name in enumerate(GROUP_NAMES[:group_count])
        ]
        names = self._activity_names(activity_count)
        # Activities enter rotation evenly over the history (and a little before it starts),
        # so the number in use on any day stays about the same as the history grows.
        window = ROTATION_DAYS
        first = -window
        stride = (self.span_days + window) / activity_count
        self.activities, self.metrics, self.splits = [], [], []
        self.activity_metrics, self.activity_splits, self.rotation_starts = {}, {}, []
        group_orders = {}
        for index, name in enumerate(names):
            has_sets, has_splits, metric_specs = ACTIVITY_KINDS[index % len(ACTIVITY_KINDS)]
            group = self.groups[index % group_count] if rng.random() < 0.85 else None
            group_key = group.pk if group else None
            order = group_orders.get(group_key, 0)
            group_orders[group_key] = order + 1
            intro = first + stride * (index + rng.random() * 0.5)
            if self.shape == "log":
                intro = -window * rng.random()  # in use from before the history starts
            self.rotation_starts.append(intro)
            activity = self.stamp(
                ActivityDefinition(
                    id=_uuid(rng),
                    root_id=root_id,
                    name=name,
                    group=group,
                    has_sets=has_sets,
                    has_metrics=True,
                    has_splits=has_splits,
                    metrics_multiplicative=sum(1 for spec in metric_specs if spec[5]) >= 2,
                    sort_order=order,
                ),
                max(created, self.start + datetime.timedelta(days=intro)) if intro > 0 else created,
            )
            self.activities.append(activity)
            metrics = []
            for position, (metric_name, unit, base, step, top, multiplicative) in enumerate(metric_specs):
                metric = self.stamp(
                    MetricDefinition(
                        id=_uuid(rng),
                        root_id=root_id,
                        activity=activity,
                        name=metric_name,
                        unit=unit,
                        is_top_set_metric=top,
                        is_multiplicative=multiplicative,
                        sort_order=position,
                    ),
                    activity.created_at,
                )
                metric.base = base * rng.uniform(0.7, 1.3)
                metric.step = step
                metrics.append(metric)
            self.metrics.extend(metrics)
            self.activity_metrics[activity.pk] = metrics
            splits = []
            if has_splits:
                for position, split_name in enumerate(SPLIT_NAMES[index % len(SPLIT_NAMES)]):
                    splits.append(
                        self.stamp(
                            SplitDefinition(
                                id=_uuid(rng), root_id=root_id, activity=activity, name=split_name, sort_order=position
                            ),
                            activity.created_at,
                        )
                    )
            activity.validate_structure(metrics, splits)
            self.splits.extend(splits)
            self.activity_splits[activity.pk] = splits
        self.write(ActivityGroup, self.groups, "activity groups")
        self.write(ActivityDefinition, self.activities, "activities")
        # Their own rules count the stored rows; validate_structure() checked each activity's lists.
        self.write(MetricDefinition, self.metrics, "metrics", check=False)
        self.write(SplitDefinition, self.splits, "splits", check=False)

    def _activity_names(self, count):
        names = []
        seen = set()
        for variant in VARIANTS:
            for movement in MOVEMENTS:
                names.append(f"{variant} {movement.lower()}".strip().capitalize() if variant else movement)
        self.rng.shuffle(names)
        result = []
        for index in range(count):
            name = names[index % len(names)]
            if index >= len(names):
                name = f"{name} {index // len(names) + 1}"
            if name.lower() not in seen:
                seen.add(name.lower())
                result.append(name)
        return result

    def active_activities(self, day):
        """Indexes of the activities in rotation on ``day`` (days since the start of the history)."""
        if self.shape == "log":
            return list(range(len(self.activities)))
        low = bisect.bisect_left(self.rotation_starts, day - ROTATION_DAYS)
        high = bisect.bisect_right(self.rotation_starts, day)
        if high - low < 1:
            return list(range(len(self.activities)))
        return list(range(low, high))

    # --- templates -----------------------------------------------------------------------
    def build_templates(self):
        rng = self.rng
        count = max(2, min(60, self.session_total // 100))
        self.templates, self.template_days, self.template_plans = [], [], {}
        sections, entries = [], []
        for index in range(count):
            day = self.span_days * (index + 0.5) / count
            active = self.active_activities(day)
            template = self.stamp(
                SessionTemplate(
                    id=_uuid(rng),
                    root_id=self.root.pk,
                    name=f"{self.groups[index % len(self.groups)].name} day {index + 1}",
                    description="Generated template.",
                ),
                self.start + datetime.timedelta(days=max(0.0, day - 14)),
            )
            plan = []
            for position, (section_name, minutes) in enumerate(rng.choice(SECTION_PLANS)):
                section = self.stamp(
                    TemplateSection(
                        id=_uuid(rng),
                        root_id=template.root_id,
                        template=template,
                        name=section_name,
                        planned_minutes=minutes,
                        sort_order=position,
                    ),
                    template.created_at,
                )
                sections.append(section)
                picks = [self.activities[i] for i in rng.sample(active, min(len(active), rng.randint(1, 3)))]
                for order, activity in enumerate(picks):
                    entries.append(
                        self.stamp(
                            TemplateActivity(
                                id=_uuid(rng),
                                root_id=template.root_id,
                                section=section,
                                activity=activity,
                                sort_order=order,
                            ),
                            template.created_at,
                        )
                    )
                plan.append((section_name, minutes, picks))
            self.templates.append(template)
            self.template_days.append(day)
            self.template_plans[template.pk] = plan
        self.write(SessionTemplate, self.templates, "templates")
        self.write(TemplateSection, sections, "template sections")
        self.write(TemplateActivity, entries, "template activities")

    # --- sessions ------------------------------------------------------------------------
    def build_sessions(self):
        rng = self.rng
        total = self.session_total
        days = sorted(rng.uniform(0, self.span_days) for _ in range(total))
        sessions, links, sections, instances, values, notes = [], [], [], [], [], []
        note_rng = self.note_rng
        self.link_counts = {}
        for number, day in enumerate(days):
            started = self.start + datetime.timedelta(days=day)
            started = started.replace(hour=rng.randint(6, 20), minute=rng.choice([0, 15, 30, 45]), second=0)
            started = min(started, self.now - datetime.timedelta(hours=2))
            minutes = rng.randint(20, 110)
            open_session = number >= total - 2  # the two most recent are still in progress
            template, plan = self._template_for(day)
            session = PracticeSession(
                id=_uuid(rng),
                root_id=self.root.pk,
                name=(template.name if template else f"Practice {started:%Y-%m-%d}"),
                template=template,
                started_at=started,
                planned_minutes=sum(m or 0 for _, m, _ in plan) or None,
            )
            session_note = rng.choice(NOTES)
            ended = started + datetime.timedelta(minutes=minutes)
            if not open_session:
                session.ended_at = ended  # the duration is derived by the session's rules
                session.completed = True
                session.completed_at = ended
            self.stamp(session, started - datetime.timedelta(minutes=rng.randint(1, 30)), session.ended_at)
            sessions.append(session)
            if session_note:
                notes.append(self._note(note_rng, session_note, session.created_at, session=session))
            for goal in self._goals_for(started):
                links.append(
                    self.stamp(
                        PracticeSessionGoal(id=_uuid(rng), root_id=session.root_id, session=session, goal=goal),
                        session.created_at,
                    )
                )
                self.link_counts[goal.pk] = self.link_counts.get(goal.pk, 0) + 1
            session_sections = []
            for position, (section_name, planned, _) in enumerate(plan):
                section = self.stamp(
                    SessionSection(
                        id=_uuid(rng),
                        root_id=session.root_id,
                        session=session,
                        name=section_name,
                        planned_minutes=planned,
                        sort_order=position,
                    ),
                    session.created_at,
                )
                session_sections.append(section)
            sections.extend(session_sections)
            picks = self._activities_for(day, plan)
            per_instance = datetime.timedelta(minutes=minutes) / max(1, len(picks))
            orders = {}
            for index, (section_index, activity) in enumerate(picks):
                section = session_sections[section_index] if session_sections else None
                key = section.pk if section else None
                order = orders.get(key, 0)
                orders[key] = order + 1
                instance = ActivityInstance(
                    id=_uuid(rng),
                    root_id=session.root_id,
                    session=session,
                    section=section,
                    activity=activity,
                    sort_order=order,
                    time_start=started + per_instance * index,
                )
                # In a session still in progress, the last timer is running.
                if not (open_session and index == len(picks) - 1):
                    instance.time_stop = instance.time_start + per_instance * rng.uniform(0.6, 1.0)
                    instance.completed = not open_session or rng.random() < 0.5
                self.stamp(instance, session.created_at, instance.time_stop or instance.time_start)
                instances.append(instance)
                values.extend(self._values_for(instance, activity, day))
                if note_rng.random() < CUE_SHARE:
                    when = instance.time_stop or instance.time_start
                    notes.append(self._note(note_rng, note_rng.choice(CUES), when, instance=instance))
        self.sessions = sessions
        self.write(PracticeSession, sessions, "sessions")
        self.write(PracticeSessionGoal, links, "session goals")
        self.write(SessionSection, sections, "sections")
        self.write(ActivityInstance, instances, "instances")
        self.write(MetricValue, values, "values")
        self.write(Note, notes, "notes")

    def _note(self, rng, body, when, **context):
        note = Note(id=_uuid(rng), root_id=self.root.pk, body=body, pinned=rng.random() < 0.1, **context)
        note.cue_activity_id = note.derive_cue_activity_id()
        return self.stamp(note, when)

    def _template_for(self, day):
        if self.templates and self.rng.random() < 0.45:
            index = min(bisect.bisect_left(self.template_days, day), len(self.templates) - 1)
            template = self.templates[index]
            return template, self.template_plans[template.pk]
        plan = [(name, minutes, []) for name, minutes in self.rng.choice(SECTION_PLANS)]
        return None, plan

    def _activities_for(self, day, plan):
        """(section index, activity) pairs: the template's activities first, then others in rotation."""
        rng = self.rng
        wanted = self.instances_per_session
        picks = [(index, activity) for index, (_, _, activities) in enumerate(plan) for activity in activities]
        picks = picks[:wanted]
        active = self.active_activities(day)
        extra = wanted - len(picks)
        if extra > 0:
            chosen = rng.sample(active, extra) if extra <= len(active) else [rng.choice(active) for _ in range(extra)]
            main = len(plan) - 1 if len(plan) < 3 else 1  # the "Main" section
            picks.extend((main, self.activities[i]) for i in chosen)
        return picks

    def _goals_for(self, when):
        """One short-term or immediate goal that existed then (sometimes with its parent)."""
        rng = self.rng
        eligible = bisect.bisect_right(self.session_goal_times, when)
        if eligible == 0:
            goal = self.session_goals[0]
        else:
            goal = self.session_goals[rng.randrange(max(0, eligible - 60), eligible)]
        goals = [goal]
        if goal.level == GoalLevel.IMMEDIATE and rng.random() < 0.35:
            goals.append(self.goals_by_id[goal.parent_id])
        return goals

    def _values_for(self, instance, activity, day):
        """``values_per_instance`` cells in set order (the last set may be partial)."""
        rng = self.rng
        metrics = self.activity_metrics[activity.pk]
        splits = self.activity_splits[activity.pk] or [None]
        per_set = len(metrics) * len(splits)
        wanted = self.values_per_instance
        if not activity.has_sets:
            wanted = min(wanted, per_set)
        sets = math.ceil(wanted / per_set) if per_set else 0
        progress = 1 + 0.4 * (day / self.span_days)
        cells = []
        for set_number in range(1, sets + 1):
            for split in splits:
                for metric in metrics:
                    if len(cells) >= wanted:
                        break
                    raw = metric.base * progress * rng.uniform(0.85, 1.1) - (set_number - 1) * metric.step * 0.5
                    value = max(metric.step, round(raw / metric.step) * metric.step)
                    cells.append(
                        self.stamp(
                            MetricValue(
                                id=_uuid(rng),
                                root_id=instance.root_id,
                                instance=instance,
                                metric=metric,
                                split=split,
                                set_number=set_number if activity.has_sets else None,
                                value=round(value, 2),
                            ),
                            instance.updated_at,
                        )
                    )
        return fill_set_products(cells, activity, metrics)

    # --- targets -------------------------------------------------------------------------
    def build_targets(self):
        """Targets on some short-term and immediate goals; the most practised goal gets three."""
        rng = self.rng
        candidates = [goal for goal in self.session_goals if goal.level == GoalLevel.SHORT_TERM]
        busiest = max(candidates, key=lambda goal: (self.link_counts.get(goal.pk, 0), goal.created_at))
        targets, thresholds = [], []
        for goal in self.session_goals:
            if goal is busiest:
                count = 3
            elif rng.random() < (0.12 if goal.level == GoalLevel.SHORT_TERM else 0.03):
                count = rng.randint(1, 3)
            else:
                continue
            day = (goal.created_at - self.start).total_seconds() / 86400
            active = self.active_activities(day)
            for order in range(count):
                activity = self.activities[rng.choice(active)]
                target = self.stamp(
                    Target(
                        id=_uuid(rng),
                        root_id=goal.root_id,
                        goal=goal,
                        activity=activity,
                        name=f"{activity.name} target",
                        sort_order=order,
                    ),
                    goal.created_at,
                )
                targets.append(target)
                metrics = self.activity_metrics[activity.pk]
                for metric in rng.sample(metrics, min(len(metrics), rng.randint(1, 2))):
                    thresholds.append(
                        self.stamp(
                            TargetMetric(
                                id=_uuid(rng),
                                root_id=target.root_id,
                                target=target,
                                metric=metric,
                                threshold=round(metric.base * rng.uniform(1.0, 1.5) / metric.step) * metric.step,
                            ),
                            goal.created_at,
                        )
                    )
        self.write(Target, targets, "targets")
        self.write(TargetMetric, thresholds, "target metrics")


def generate_fractal(
    owner,
    goals,
    sessions,
    instances_per_session,
    values_per_instance,
    seed=0,
    now=None,
    progress=None,
    shape="rotating",
):
    """Write one synthetic fractal owned by ``owner`` (a user) and return it with row counts.

    ``shape`` is ``rotating`` (activities enter and leave use; the library grows with the
    history) or ``log`` (a fixed library used across the whole history).
    """
    if shape not in SHAPES:
        raise ValueError(f"Unknown shape {shape!r}; choose one of {', '.join(SHAPES)}.")
    if sessions < 1 or instances_per_session < 0 or values_per_instance < 0:
        raise ValueError("Sessions must be at least 1; instances and values cannot be negative.")
    level_counts(goals)  # validates the size before anything is written
    builder = _Builder(owner, goals, sessions, instances_per_session, values_per_instance, seed, now, progress, shape)
    with transaction.atomic():
        builder.build_goals()
        builder.build_library()
        builder.build_templates()
        builder.build_sessions()
        builder.build_targets()
    return GeneratedFractal(root=builder.root, counts=builder.counts)


def get_or_create_owner(username):
    """The user to own generated data; a new one gets an unusable password (set one to sign in)."""
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(username=username)
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user, created
