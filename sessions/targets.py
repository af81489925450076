"""Target evaluation: the one place that decides whether a goal's targets are met.

A target counts the completed, live sessions linked to its goal or the goal's subtree whose time
(started, else created) falls in its scope (all time, a date range or a program block, as local
days of the owner's zone). By kind, it is met when:

- threshold: a single instance of the activity (or a single set of it, on one split) meets every
  rule (metric, operator, threshold); the first such instance/set is the evidence;
- sum: each metric's values, summed in time order, reach its total; the evidence is the value whose
  running total crossed it (with several metrics, the crossing that came last);
- frequency: ``times`` sessions with the activity (an instance meeting every rule, if there are
  rules) in each of ``weeks`` weeks in a row (the owner's weeks); the evidence is the session (and
  its instance) that completed the run.

The evidence is kept as a TargetAchievement. Each evaluation runs a fixed number of queries, however
long the history: the work is done by the database (grouping, window sums, per-day counts).
"""

import datetime
import threading
import zoneinfo
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Count, Exists, F, Max, Min, OuterRef, Q, RowRange, Subquery, Sum, Window
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from activities.models import Target, TargetKind, TargetMetric, TargetOperator, TargetScope
from goals.dates import shift_day
from goals.models import CompletedBy, CompletionMode, Goal

from .models import ActivityInstance, MetricValue, PracticeSession, PracticeSessionGoal, TargetAchievement

WEEK = datetime.timedelta(weeks=1)


@dataclass
class GoalEvaluation:
    goal: Goal
    met: list = field(default_factory=list)  # targets met (newly or before)
    newly_met: list = field(default_factory=list)
    open: list = field(default_factory=list)
    completed_now: bool = False
    reopened_now: bool = False


def is_met():
    """A filter on targets: the met ones (a target is met while it has a live achievement)."""
    return Q(Exists(TargetAchievement.objects.filter(target_id=OuterRef("pk"))))


def target_counts(targets):
    """``{goal id: (targets, targets met)}`` over ``targets`` (a Target queryset), in one query.

    What the tree page, its rows, the progress-tree API and the analytics summary count.
    """
    rows = targets.order_by().values_list("goal_id").annotate(total=Count("id"), met=Count("id", filter=is_met()))
    return {goal_id: (total, met) for goal_id, total, met in rows}


# --- scope: which sessions a target counts -----------------------------------------------------


def owner_zone(target):
    """The time zone a target's dates mean: its fractal owner's preference (UTC when unknown)."""
    return owner_preferences(target.root_id)[0]


def scope_window(target, tz=None):
    """``(start, end)``: the aware half-open window of session times a target counts, or None for
    all time. A range's and a block's dates are whole local days (both included) in ``tz``
    (default: the owner's zone); a block's are read live, so moving the block moves the scope."""
    if target.scope == TargetScope.RANGE:
        first, last = target.starts_on, target.ends_on
    elif target.scope == TargetScope.BLOCK:
        block = target.block
        first, last = block.start_date, block.end_date
    else:
        return None
    tz = tz or owner_zone(target)
    start = datetime.datetime.combine(first, datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(shift_day(last, 1), datetime.time.min, tzinfo=tz)
    return start, end


def in_scope(target, session_path="", tz=None):
    """A filter on a queryset whose ``session_path`` (``""`` for sessions themselves, or e.g.
    ``"instance__session__"``) leads to a PracticeSession: the sessions the target counts, by
    the session's time (started, else created). Empty Q for all time."""
    window = scope_window(target, tz)
    if window is None:
        return Q()
    start, end = window
    started, created = f"{session_path}started_at", f"{session_path}created_at"
    return (Q(**{f"{started}__isnull": False, f"{started}__gte": start, f"{started}__lt": end})) | Q(
        **{f"{started}__isnull": True, f"{created}__gte": start, f"{created}__lt": end}
    )


# --- what each kind of target counts ---------------------------------------------------------

# A tree has seven levels: a linked goal is at most six levels below the target's goal.
MAX_DEPTH = 6
SESSION_TIME = ("started_at", "created_at")  # a session's time for scopes and weeks: started, else created


def owner_preferences(root_id):
    """``(zone, first weekday)`` of a fractal's owner, in one query (UTC and Monday when unset)."""
    row = Goal.all_objects.filter(pk=root_id).values_list("owner__profile__time_zone", "owner__profile__week_start")
    name, week_start = row.first() or (None, None)
    try:
        zone = zoneinfo.ZoneInfo(name or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = datetime.UTC
    return zone, week_start or 0


def subtree_goals(goal_id, root_id, depth=MAX_DEPTH):
    """A subquery: the ids of the live goal (of fractal ``root_id``) and of the live goals below it
    (at most ``depth`` levels), read by a recursive query down the parent index.

    It costs no query of its own and reads the subtree only, not every goal or link of the
    fractal. Both databases run a recursive ``WITH`` inside ``IN (...)`` once, as a set the outer
    query joins (a chain of nested ``IN`` levels was planned by PostgreSQL as a subquery re-run
    for every row)."""
    quote = connection.ops.quote_name
    table, pk, root, parent, deleted = (
        quote(Goal._meta.db_table),
        quote(Goal._meta.pk.column),
        quote(Goal._meta.get_field("root").column),
        quote(Goal._meta.get_field("parent").column),
        quote(Goal._meta.get_field("deleted_at").column),
    )
    sql = (
        f"WITH RECURSIVE subtree (goal_id, depth) AS ("
        f"SELECT {pk}, 0 FROM {table} WHERE {pk} = %s AND {root} = %s AND {deleted} IS NULL "
        f"UNION ALL SELECT child.{pk}, subtree.depth + 1 FROM {table} child "
        f"INNER JOIN subtree ON child.{parent} = subtree.goal_id "
        f"WHERE child.{deleted} IS NULL AND subtree.depth < %s"
        f") SELECT goal_id FROM subtree"
    )
    as_id = Goal._meta.pk.get_db_prep_value
    return RawSQL(sql, (as_id(goal_id, connection), as_id(root_id, connection), depth))


def subtree_sessions(goal_id, root_id, depth=MAX_DEPTH):
    """A subquery: ids of the sessions linked to the goal (of fractal ``root_id``) or to a live goal
    below it (at most ``depth`` levels). It costs no query of its own; the links are found through
    their goal index (the subtree is the fractal's, so its links are too)."""
    links = PracticeSessionGoal.objects.filter(goal_id__in=subtree_goals(goal_id, root_id, depth))
    return links.values("session_id")


def counted_values(target, sessions, tz):
    """Live values of the target's activity in the completed, live ``sessions`` within its scope."""
    return MetricValue.objects.filter(
        instance__activity_id=target.activity_id,
        instance__deleted_at__isnull=True,
        instance__session__completed=True,
        instance__session__deleted_at__isnull=True,
        instance__session_id__in=sessions,
    ).filter(in_scope(target, "instance__session__", tz))


def _hit(session_id, instance_id, set_number, split_id, ended_at, created_at):
    """The evidence an achievement records."""
    return {
        "session_id": session_id,
        "instance_id": instance_id,
        "set_number": set_number,
        "split_id": split_id,
        "achieved_at": ended_at or created_at,
    }


def _meeting_every_rule(thresholds):
    """A filter on values: those meeting one of the rules (a set meets the target with all of them)."""
    condition = Q()
    for threshold in thresholds:
        condition |= threshold.values_meeting()
    return condition


def first_occurrence(target, thresholds, sessions, tz):
    """Threshold: the earliest instance (or set, on one split) in scope meeting every rule, or None."""
    if not thresholds:
        return None
    session = "instance__session__"
    row = (
        counted_values(target, sessions, tz)
        .filter(_meeting_every_rule(thresholds))
        .values("instance_id", f"{session}id", f"{session}ended_at", f"{session}created_at", "set_number", "split_id")
        .annotate(hits=Count("metric_id", distinct=True))
        .filter(hits=len(thresholds))
        .order_by(f"{session}ended_at", f"{session}created_at", "set_number")
        .first()
    )
    if row is None:
        return None
    return _hit(
        row[f"{session}id"],
        row["instance_id"],
        row["set_number"],
        row["split_id"],
        row[f"{session}ended_at"],
        row[f"{session}created_at"],
    )


# Time order of the values a sum adds up: by session end, then within a session by instance and set.
RUNNING_ORDER = (
    "instance__session__ended_at",
    "instance__session__created_at",
    "instance__session_id",
    "instance__sort_order",
    "instance__created_at",
    "instance_id",
    "set_number",
    "created_at",
    "id",
)


def _running_key(row):
    session_end = row["instance__session__ended_at"] or row["instance__session__created_at"]
    return (
        session_end,
        row["instance__session__created_at"],
        str(row["instance__session_id"]),
        row["instance__sort_order"] or 0,
        row["instance__created_at"],
        str(row["instance_id"]),
        row["set_number"] or 0,
        row["created_at"],
        str(row["id"]),
    )


def sum_crossing(target, thresholds, sessions, tz):
    """Sum: the value whose running total (in time order) first reaches each metric's total, or None.

    With several metrics every total must be reached; the achievement is the crossing that came
    last (the moment the target as a whole was reached). One query per metric (three at most)."""
    if not thresholds:
        return None
    crossings = []
    for threshold in thresholds:
        running = Window(
            Sum("value"), order_by=[F(name).asc() for name in RUNNING_ORDER], frame=RowRange(start=None, end=0)
        )
        row = (
            counted_values(target, sessions, tz)
            .filter(metric_id=threshold.metric_id)
            .annotate(running=running)
            .filter(running__gte=threshold.threshold)
            .order_by(*RUNNING_ORDER)
            .values(*RUNNING_ORDER, "split_id")
            .first()
        )
        if row is None:
            return None
        crossings.append(row)
    last = max(crossings, key=_running_key)
    return _hit(
        last["instance__session_id"],
        last["instance_id"],
        last["set_number"],
        last["split_id"],
        last["instance__session__ended_at"],
        last["instance__session__created_at"],
    )


def _instances_counting(target, thresholds):
    """Correlated on a session: its live instances of the activity (meeting every rule in one set,
    if the target has rules)."""
    instances = ActivityInstance.objects.filter(session_id=OuterRef("pk"), activity_id=target.activity_id)
    if thresholds:
        meeting = (
            MetricValue.objects.filter(_meeting_every_rule(thresholds), instance_id=OuterRef("pk"))
            .values("set_number", "split_id")
            .annotate(hits=Count("metric_id", distinct=True))
            .filter(hits=len(thresholds))
        )
        instances = instances.filter(Exists(meeting))
    return instances


def frequency_sessions(target, thresholds, sessions, tz):
    """Frequency: the completed, live sessions in scope that count as one practice of the activity."""
    return (
        PracticeSession.objects.filter(completed=True, pk__in=sessions)
        .filter(in_scope(target, "", tz))
        .filter(Exists(_instances_counting(target, thresholds)))
    )


def week_of(day, week_start=0):
    """The first day of ``day``'s week, weeks starting on ``week_start`` (0 Monday … 6 Sunday)."""
    return day - datetime.timedelta(days=(day.weekday() - week_start) % 7)


def weekly_counts(target, thresholds, sessions, tz, week_start):
    """``{first day of a week: sessions that count}``: one query, grouped by local day in SQL."""
    rows = (
        frequency_sessions(target, thresholds, sessions, tz)
        .annotate(day=TruncDate(Coalesce(*SESSION_TIME), tzinfo=tz))
        .order_by()
        .values("day")
        .annotate(sessions=Count("id"))
    )
    counts = Counter()
    for row in rows:
        counts[week_of(row["day"], week_start)] += row["sessions"]
    return counts


def completing_week(counts, times, weeks):
    """The week that first completes ``weeks`` weeks in a row of ``times`` sessions each, or None."""
    run, previous = 0, None
    for week in sorted(week for week, count in counts.items() if count >= times):
        run = run + 1 if previous is not None and week - previous == WEEK else 1
        previous = week
        if run >= weeks:
            return week
    return None


def current_run(counts, times, this_week):
    """Weeks in a row with ``times`` sessions, up to ``this_week`` (still counting while this week
    has not reached ``times`` yet: the run is then the one up to last week)."""
    week = this_week if counts.get(this_week, 0) >= times else this_week - WEEK
    run = 0
    while counts.get(week, 0) >= times:
        run += 1
        week -= WEEK
    return run


def frequency_run(target, thresholds, sessions, tz, week_start):
    """Frequency: the session (and its instance) that completed the run of weeks, or None. Two queries."""
    if not target.times or not target.weeks:
        return None
    counts = weekly_counts(target, thresholds, sessions, tz, week_start)
    week = completing_week(counts, target.times, target.weeks)
    if week is None:
        return None
    start = datetime.datetime.combine(week, datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(shift_day(week, 7), datetime.time.min, tzinfo=tz)
    first_instance = _instances_counting(target, thresholds).order_by("sort_order", "created_at").values("pk")[:1]
    rows = (
        frequency_sessions(target, thresholds, sessions, tz)
        .annotate(moment=Coalesce(*SESSION_TIME), counted_instance=Subquery(first_instance))
        .filter(moment__gte=start, moment__lt=end)
        .order_by("moment", "created_at", "pk")
        .values_list("pk", "counted_instance", "ended_at", "created_at")
    )
    row = list(rows[target.times - 1 : target.times])
    if not row:
        return None
    session_id, instance_id, ended_at, created_at = row[0]
    return _hit(session_id, instance_id, None, None, ended_at, created_at)


def evaluate_target(target, thresholds, sessions, tz, week_start):
    """The evidence that meets ``target`` (see ``_hit``), or None. A fixed number of queries."""
    if target.kind == TargetKind.SUM:
        return sum_crossing(target, thresholds, sessions, tz)
    if target.kind == TargetKind.FREQUENCY:
        return frequency_run(target, thresholds, sessions, tz, week_start)
    return first_occurrence(target, thresholds, sessions, tz)


def evaluate_goal(goal, trigger_session=None, targets_changed=False):
    """Re-evaluate every live target of ``goal``; auto-complete it when the last one is newly met
    (or, with ``targets_changed``, when its targets were edited, trashed or restored and all hold)."""
    result = GoalEvaluation(goal=goal)
    goals = getattr(_pending, "goals", None)
    if goals is not None:
        goals.discard(goal.pk)
    if not Target.objects.filter(goal=goal).exists():
        return result
    with transaction.atomic():
        # One evaluation of a goal at a time: two sessions completed at once must not both record
        # the first achievement of a target (a unique-constraint error) or complete the goal twice.
        locked = Goal.all_objects.select_for_update().get(pk=goal.pk)
        goal.completed, goal.completed_at, goal.completed_by = (
            locked.completed,
            locked.completed_at,
            locked.completed_by,
        )
        targets = list(Target.objects.filter(goal=goal).select_related("block").order_by("sort_order"))
        thresholds = {}
        for threshold in TargetMetric.objects.filter(target__in=targets):
            thresholds.setdefault(threshold.target_id, []).append(threshold)
        sessions = subtree_sessions(goal.pk, goal.root_id)
        tz, week_start = owner_preferences(goal.root_id)
        existing = {a.target_id: a for a in TargetAchievement.objects.filter(target__in=targets)}
        # When each met target was achieved: the goal's completion time is the latest of them.
        achieved = []
        for target in targets:
            current = existing.get(target.pk)
            rules = thresholds.get(target.pk, [])
            if not rules and target.kind != TargetKind.FREQUENCY:
                # Without any rule (its last one is in the trash) a threshold or sum target says
                # nothing: it stays as it was, so restoring the rule restores exactly that.
                if current is not None:
                    result.met.append(target)
                    achieved.append(current.achieved_at)
                else:
                    result.open.append(target)
                continue
            hit = evaluate_target(target, rules, sessions, tz, week_start)
            if hit is None:
                if current is not None:
                    current.hard_delete()
                result.open.append(target)
                continue
            if current is None or current.instance_id != hit["instance_id"] or current.set_number != hit["set_number"]:
                if current is not None:
                    current.hard_delete()
                revived_at = _revive(target, hit)
                if revived_at is not None:
                    if current is None:
                        result.newly_met.append(target)
                    result.met.append(target)
                    achieved.append(revived_at)
                    continue
                TargetAchievement(
                    target=target,
                    session_id=hit["session_id"],
                    instance_id=hit["instance_id"],
                    set_number=hit["set_number"],
                    split_id=hit["split_id"],
                    achieved_at=hit["achieved_at"],
                ).save()
                achieved.append(hit["achieved_at"])
                if current is None:
                    result.newly_met.append(target)
            else:
                achieved.append(current.achieved_at)
            result.met.append(target)
        if goal.completion_mode != CompletionMode.TARGETS:
            # Achievements are facts about sessions and stay recorded; only a goal in the targets
            # mode is completed or reopened by them (goals.models.CompletionMode).
            return result
        if result.open:
            # Its targets completed it and no longer all hold: the completion has nothing behind it.
            # A goal completed by hand stays completed.
            if goal.completed_by_targets:
                goal.reopen(by=CompletedBy.TARGETS)
                result.reopened_now = True
            return result
        when = max(achieved, default=None)
        # Newly met, or met again after they reopened it (evidence restored from the trash).
        if not goal.completed and (result.newly_met or targets_changed or goal.completed_by == CompletedBy.TARGETS):
            if trigger_session is not None and trigger_session.ended_at:
                when = max(when, trigger_session.ended_at) if when else trigger_session.ended_at
            goal.complete(when=when, by=CompletedBy.TARGETS)
            result.completed_now = True
        elif goal.completed_by_targets and when and goal.completed_at < when:
            # The evidence moved to a later session: the goal was completed when that one ended.
            goal.completed_at = when
            goal.save(update_fields=["completed_at"])
    return result


# --- re-evaluation when an input changes -----------------------------------------------------

_pending = threading.local()


@contextmanager
def batch():
    """Collect the sessions whose inputs change inside (and the goals whose targets are edited),
    and re-evaluate each once at the end.

    Bulk writers (recording a grid of values, completing a session, saving a target with its
    rules) use it so evaluation runs a fixed number of times, not once per saved row. Nested
    batches join the outermost one.
    """
    if getattr(_pending, "sessions", None) is not None:
        yield
        return
    _pending.sessions, _pending.goals = set(), set()
    try:
        yield
        pending, goals = _pending.sessions, _pending.goals
    finally:
        _pending.sessions = _pending.goals = None
    if goals:
        reevaluate_goals(Goal.objects.filter(pk__in=goals), targets_changed=True)
    if pending:
        reevaluate_sessions(pending)


def targets_changed(goal_id):
    """A target of the goal (or one of its rules) was edited, trashed or restored."""
    goals = getattr(_pending, "goals", None)
    if goals is not None:
        goals.add(goal_id)
        return []
    return reevaluate_goals(Goal.objects.filter(pk=goal_id), targets_changed=True)


def input_changed(session_id):
    """A value, instance, link or the session itself changed: its targets may be met or no longer."""
    if session_id is None:
        return
    sessions = getattr(_pending, "sessions", None)
    if sessions is not None:
        sessions.add(session_id)
    else:
        reevaluate_sessions({session_id})


def _evaluated(session_id):
    sessions = getattr(_pending, "sessions", None)
    if sessions is not None:
        sessions.discard(session_id)


def reevaluate_sessions(session_ids):
    """Re-evaluate the targets that sessions ``session_ids`` count for (linked goals and their
    ancestors). Sessions that are open and met no target cannot change anything: two queries."""
    session_ids = set(session_ids)
    counted = PracticeSession.objects.filter(pk__in=session_ids, completed=True).exists()
    if not counted and not TargetAchievement.all_objects.filter(session_id__in=session_ids).exists():
        return []
    return reevaluate_goals(_goals_counting(session_ids), include_ancestors=True)


def _goals_counting(session_ids):
    """Goals the sessions are linked to, and those whose targets they met (a link may be gone)."""
    linked = Q(session_links__session_id__in=session_ids) | Q(
        targets__achievements__session_id__in=session_ids, targets__achievements__deleted_at__isnull=True
    )
    return Goal.objects.filter(linked).distinct()


def reevaluate_goals(goals, include_ancestors=False, targets_changed=False):
    candidates = {}
    for goal in goals:
        candidates[goal.pk] = goal
        if include_ancestors:
            for ancestor in goal.ancestors():
                if ancestor.deleted_at is None:
                    candidates[ancestor.pk] = ancestor
    with_targets = set(Target.objects.filter(goal_id__in=candidates).values_list("goal_id", flat=True).distinct())
    # A fixed order, so two evaluations locking the same goals (see evaluate_goal) cannot deadlock.
    return [
        evaluate_goal(candidates[goal_id], targets_changed=targets_changed) for goal_id in sorted(with_targets, key=str)
    ]


def reevaluate_after_trash(obj):
    """After ``obj`` went to the trash or came back (with what the graph moved along with it)."""
    from .models import ActivityInstance, MetricValue, Program, ProgramBlock, SessionSection

    if isinstance(obj, PracticeSession):
        session_ids = {obj.pk}
    elif isinstance(obj, (ActivityInstance, SessionSection)):
        session_ids = {obj.session_id}
    elif isinstance(obj, MetricValue):
        session_ids = {obj.instance.session_id}
    elif isinstance(obj, Goal):
        # Sessions linked below a trashed goal stop counting for its ancestors' targets (and count
        # again on restore): rare, so every target of the fractal.
        return reevaluate_goals(Goal.objects.filter(root_id=obj.root_id, targets__isnull=False).distinct())
    elif isinstance(obj, (Program, ProgramBlock)):
        # The targets scoped to a block go to the trash (and come back) with it: the goal's others decide.
        scoped = Target.all_objects.filter(Q(block=obj) if isinstance(obj, ProgramBlock) else Q(block__program=obj))
        return reevaluate_goals(Goal.objects.filter(pk__in=scoped.values("goal_id")), targets_changed=True)
    elif isinstance(obj, (Target, TargetMetric)):
        # A target (or one of its rules) left or came back: the goal's other targets decide now.
        # A trashed target's achievement goes and comes back with it through the soft-delete graph.
        return targets_changed(obj.goal_id if isinstance(obj, Target) else obj.target.goal_id)
    else:
        return []
    # A soft-deleted session still names the goals it counted for.
    return reevaluate_goals(_goals_counting(session_ids), include_ancestors=True)


def _revive(target, hit):
    """Bring back the trashed achievement of this very evidence (its session was restored), so a
    delete and restore leave the achievement exactly as it was. Its achieved_at when there was one,
    else None."""
    trashed = TargetAchievement.all_objects.filter(
        target=target,
        instance_id=hit["instance_id"],
        set_number=hit["set_number"],
        split_id=hit["split_id"],
        deleted_at__isnull=False,
    )
    row = trashed.values_list("pk", "achieved_at").first()
    if row is None or not TargetAchievement.all_objects.filter(pk=row[0]).update(deleted_at=None):
        return None
    return row[1]


def evaluate_for_session(session):
    """After a session completes: evaluate the targets its linked goals (and their ancestors) carry."""
    from .models.session import CompletionResult

    _evaluated(session.pk)
    linked = list(Goal.objects.filter(session_links__session=session))
    candidates = {}
    for goal in linked:
        candidates[goal.pk] = goal
        for ancestor in goal.ancestors():
            if ancestor.deleted_at is None:
                candidates[ancestor.pk] = ancestor
    with_targets = set(Target.objects.filter(goal_id__in=candidates).values_list("goal_id", flat=True).distinct())
    result = CompletionResult(session=session)
    # A fixed order, so two sessions locking the same goals (see evaluate_goal) cannot deadlock.
    for goal_id in sorted(with_targets, key=str):
        evaluation = evaluate_goal(candidates[goal_id], trigger_session=session)
        result.targets_met.extend(
            target for target in evaluation.met if target.pk in _achieved_in(session, evaluation.met)
        )
        if evaluation.completed_now:
            result.goals_completed.append(evaluation.goal)
    return result


def _achieved_in(session, targets):
    return set(
        TargetAchievement.objects.filter(session=session, target__in=targets).values_list("target_id", flat=True)
    )


# --- progress, for pages ---------------------------------------------------------------------


def rule_percent(rule, value):
    """How far ``value`` has come towards ``rule`` (0–100; 100 only when it meets it)."""
    if value is None:
        return 0
    if rule.is_met_by(value):
        return 100
    threshold = rule.threshold
    if rule.lower_is_better:
        ratio = threshold / value if value > 0 and threshold > 0 else 0
    elif rule.operator == TargetOperator.EQ:
        ratio = 1 - abs(value - threshold) / abs(threshold) if threshold else 0
    else:
        ratio = value / threshold if value > 0 and threshold > 0 else 0
    return max(0, min(99, int(ratio * 100)))


@dataclass
class ThresholdProgress:
    metric: object
    threshold: float
    # Threshold and frequency: the best value recorded in scope (the largest for ≥ and >, the
    # smallest for ≤ and <, the closest for =). Sum: the total so far.
    best: float | None
    rule: TargetMetric  # the (metric, operator, threshold) row, which says what "reached" means
    kind: str = TargetKind.THRESHOLD

    @property
    def reached(self):
        if self.kind == TargetKind.SUM:
            return self.best is not None and self.best >= self.threshold
        return self.rule.is_met_by(self.best)

    @property
    def percent(self):
        if self.kind == TargetKind.SUM:
            if self.reached:
                return 100
            return max(0, min(99, int((self.best or 0) / self.threshold * 100))) if self.threshold > 0 else 0
        return rule_percent(self.rule, self.best)

    @property
    def operator(self):
        return self.rule.get_operator_display()


@dataclass
class CountProgress:
    """A frequency target's count against its goal: weeks in a row, or this week's sessions."""

    label: str
    value: int
    of: int

    @property
    def percent(self):
        return 100 if self.value >= self.of else max(0, int(self.value / self.of * 100)) if self.of else 0


@dataclass
class TargetProgress:
    target: Target
    thresholds: list
    achievement: TargetAchievement | None
    counts: list = field(default_factory=list)  # frequency: weeks in a row, then this week

    @property
    def met(self):
        return self.achievement is not None

    @property
    def percent(self):
        """The whole target: 100 once met; else its furthest-behind figure (the run for frequency)."""
        if self.met:
            return 100
        if self.target.kind == TargetKind.FREQUENCY:
            figures = self.counts[:1]
        else:
            figures = self.thresholds
        return min(99, min((figure.percent for figure in figures), default=0))

    @property
    def scope_label(self):
        target = self.target
        if target.scope == TargetScope.RANGE:
            return f"{target.starts_on:%Y-%m-%d} – {target.ends_on:%Y-%m-%d}"
        if target.scope == TargetScope.BLOCK and target.block is not None:
            block = target.block
            return f"{block.name} ({block.start_date:%Y-%m-%d} – {block.end_date:%Y-%m-%d})"
        return "All time"


def _best_aggregate(target, rule, condition):
    if target.kind == TargetKind.SUM:
        return {"": Sum("value", filter=condition)}
    if rule.lower_is_better:
        return {"": Min("value", filter=condition)}
    if rule.operator == TargetOperator.EQ:
        return {
            "below": Max("value", filter=condition & Q(value__lte=rule.threshold)),
            "above": Min("value", filter=condition & Q(value__gte=rule.threshold)),
        }
    return {"": Max("value", filter=condition)}


def _best_of(rule, parts):
    if "" in parts:
        return parts[""]
    candidates = [value for value in (parts["below"], parts["above"]) if value is not None]
    return min(candidates, key=lambda value: abs(value - rule.threshold), default=None)


def _load_blocks(targets):
    """Fill the block of block-scoped targets in one query (none when no target has a block)."""
    from .models import ProgramBlock

    missing = [t for t in targets if t.block_id and not Target.block.is_cached(t)]
    if missing:
        blocks = ProgramBlock.all_objects.in_bulk({t.block_id for t in missing})
        for target in missing:
            target.block = blocks.get(target.block_id)


def target_progress(targets, today=None):
    """Progress of each target, in order, read from completed, live sessions linked to the
    target's goal or its subtree within its scope (as the evaluation counts); "met" is the stored
    TargetAchievement.

    - threshold: per rule the best value in scope vs the threshold (the smallest for ≤ and <);
    - sum: per metric the total so far vs the total to reach;
    - frequency: the current run of weeks vs ``weeks`` and this week's sessions vs ``times``
      (plus the best value per rule, if it has rules).

    A fixed number of queries, whatever the history: the thresholds, the owner's preferences (per
    fractal), every best value and total in one aggregate, the achievements, and one per-day count
    per frequency target (plus the blocks, when a target is scoped to one).
    """
    targets = list(targets)
    if not targets:
        return []
    _load_blocks(targets)
    thresholds = {}
    for row in TargetMetric.objects.filter(target__in=targets).select_related("metric").order_by("created_at"):
        thresholds.setdefault(row.target_id, []).append(row)
    preferences = {root_id: owner_preferences(root_id) for root_id in {t.root_id for t in targets}}

    aggregates, keys = {}, {}
    for index, target in enumerate(targets):
        tz = preferences[target.root_id][0]
        counted = Q(
            instance__activity_id=target.activity_id,
            instance__session_id__in=subtree_sessions(target.goal_id, target.root_id),
        ) & in_scope(target, "instance__session__", tz)
        for number, rule in enumerate(thresholds.get(target.pk, [])):
            parts = _best_aggregate(target, rule, counted & Q(metric_id=rule.metric_id))
            keys[index, number] = {part: f"t{index}_{number}_{part}" for part in parts}
            aggregates.update({keys[index, number][part]: expression for part, expression in parts.items()})
    values = {}
    if aggregates:
        goals = Q()
        for goal_id, root_id in {(t.goal_id, t.root_id) for t in targets}:
            goals |= Q(instance__session_id__in=subtree_sessions(goal_id, root_id))
        values = MetricValue.objects.filter(
            goals,
            metric_id__in={rule.metric_id for rules in thresholds.values() for rule in rules},
            instance__deleted_at__isnull=True,
            instance__session__completed=True,
            instance__session__deleted_at__isnull=True,
        ).aggregate(**aggregates)
    achievements = {a.target_id: a for a in TargetAchievement.objects.filter(target__in=targets)}

    result = []
    for index, target in enumerate(targets):
        rows = []
        for number, rule in enumerate(thresholds.get(target.pk, [])):
            best = _best_of(rule, {part: values.get(key) for part, key in keys[index, number].items()})
            rows.append(ThresholdProgress(rule.metric, rule.threshold, best, rule=rule, kind=target.kind))
        progress = TargetProgress(target, rows, achievements.get(target.pk))
        if target.kind == TargetKind.FREQUENCY and target.times and target.weeks:
            progress.counts = _frequency_counts(target, thresholds.get(target.pk, []), preferences, today, progress.met)
        result.append(progress)
    return result


def _frequency_counts(target, rules, preferences, today, met):
    tz, week_start = preferences[target.root_id]
    counts = weekly_counts(target, rules, subtree_sessions(target.goal_id, target.root_id), tz, week_start)
    today = today or timezone.localdate(timezone.now(), tz)
    this_week = week_of(today, week_start)
    reference = this_week
    window = scope_window(target, tz)
    if window is not None:
        last_day = timezone.localdate(window[1], tz) - datetime.timedelta(days=1)
        reference = min(this_week, week_of(last_day, week_start))
    run = target.weeks if met else min(current_run(counts, target.times, reference), target.weeks)
    return [
        CountProgress("Weeks in a row", run, target.weeks),
        CountProgress("Sessions this week", counts.get(this_week, 0), target.times),
    ]
