"""Target evaluation: the one place that decides whether a goal's targets are met.

A target is met when, in one completed session linked to its goal or the goal's subtree, a
single instance of the target's activity (or a single set of it, on one split) has every target
metric at or above its threshold. The first such occurrence is kept as a TargetAchievement.
"""

import datetime
import threading
import zoneinfo
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, Exists, Max, OuterRef, Q

from activities.models import Target, TargetMetric, TargetScope
from goals.dates import shift_day
from goals.models import CompletedBy, CompletionMode, Goal, Profile

from .models import MetricValue, PracticeSession, PracticeSessionGoal, TargetAchievement


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
    name = Profile.objects.filter(user_id=target.root.owner_id).values_list("time_zone", flat=True).first()
    try:
        return zoneinfo.ZoneInfo(name or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return datetime.UTC


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


def first_occurrence(target, thresholds, goal_ids):
    """The earliest (instance, set, split) meeting every threshold, or None."""
    if not thresholds:
        return None
    condition = Q()
    for threshold in thresholds:
        condition |= threshold.values_meeting()
    sessions = PracticeSessionGoal.objects.filter(goal_id__in=goal_ids).values("session_id")
    rows = (
        MetricValue.objects.filter(condition)
        .filter(
            instance__activity_id=target.activity_id,
            instance__deleted_at__isnull=True,
            instance__session__completed=True,
            instance__session__deleted_at__isnull=True,
            instance__session_id__in=sessions,
        )
        .values(
            "instance_id",
            "instance__session_id",
            "instance__session__ended_at",
            "instance__session__created_at",
            "set_number",
            "split_id",
        )
        .annotate(hits=Count("metric_id", distinct=True))
        .filter(hits=len(thresholds))
        .order_by("instance__session__ended_at", "instance__session__created_at", "set_number")
    )
    return rows.first()


def evaluate_goal(goal, trigger_session=None):
    """Re-evaluate every live target of ``goal``; auto-complete it when the last one is newly met."""
    result = GoalEvaluation(goal=goal)
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
        targets = list(Target.objects.filter(goal=goal).order_by("sort_order"))
        thresholds = {}
        for threshold in TargetMetric.objects.filter(target__in=targets):
            thresholds.setdefault(threshold.target_id, []).append(threshold)
        goal_ids = goal.descendant_ids(include_self=True)
        existing = {a.target_id: a for a in TargetAchievement.objects.filter(target__in=targets)}
        for target in targets:
            hit = first_occurrence(target, thresholds.get(target.pk, []), goal_ids)
            current = existing.get(target.pk)
            if hit is None:
                if current is not None:
                    current.hard_delete()
                result.open.append(target)
                continue
            if current is None or current.instance_id != hit["instance_id"] or current.set_number != hit["set_number"]:
                if current is not None:
                    current.hard_delete()
                if _revive(target, hit):
                    if current is None:
                        result.newly_met.append(target)
                    result.met.append(target)
                    continue
                TargetAchievement(
                    target=target,
                    session_id=hit["instance__session_id"],
                    instance_id=hit["instance_id"],
                    set_number=hit["set_number"],
                    split_id=hit["split_id"],
                    achieved_at=hit["instance__session__ended_at"] or hit["instance__session__created_at"],
                ).save()
                if current is None:
                    result.newly_met.append(target)
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
        when = TargetAchievement.objects.filter(target__in=targets).aggregate(last=Max("achieved_at"))["last"]
        # Newly met, or met again after they reopened it (evidence restored from the trash).
        if not goal.completed and (result.newly_met or goal.completed_by == CompletedBy.TARGETS):
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
    """Collect the sessions whose inputs change inside, and re-evaluate each once at the end.

    Bulk writers (recording a grid of values, completing a session) use it so evaluation runs
    a fixed number of times, not once per saved row. Nested batches join the outermost one.
    """
    if getattr(_pending, "sessions", None) is not None:
        yield
        return
    _pending.sessions = set()
    try:
        yield
        pending = _pending.sessions
    finally:
        _pending.sessions = None
    if pending:
        reevaluate_sessions(pending)


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


def reevaluate_goals(goals, include_ancestors=False):
    candidates = {}
    for goal in goals:
        candidates[goal.pk] = goal
        if include_ancestors:
            for ancestor in goal.ancestors():
                if ancestor.deleted_at is None:
                    candidates[ancestor.pk] = ancestor
    with_targets = set(Target.objects.filter(goal_id__in=candidates).values_list("goal_id", flat=True).distinct())
    # A fixed order, so two evaluations locking the same goals (see evaluate_goal) cannot deadlock.
    return [evaluate_goal(candidates[goal_id]) for goal_id in sorted(with_targets, key=str)]


def reevaluate_after_trash(obj):
    """After ``obj`` went to the trash or came back (with what the graph moved along with it)."""
    from .models import ActivityInstance, MetricValue, SessionSection

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
    else:
        # Targets and their thresholds are evaluated when saved; their achievements go and come
        # back with them through the soft-delete graph.
        return []
    # A soft-deleted session still names the goals it counted for.
    return reevaluate_goals(_goals_counting(session_ids), include_ancestors=True)


def _revive(target, hit):
    """Bring back the trashed achievement of this very evidence (its session was restored), so a
    delete and restore leave the achievement exactly as it was. True when there was one."""
    trashed = TargetAchievement.all_objects.filter(
        target=target,
        instance_id=hit["instance_id"],
        set_number=hit["set_number"],
        split_id=hit["split_id"],
        deleted_at__isnull=False,
    )
    pk = trashed.values_list("pk", flat=True).first()
    return pk is not None and bool(TargetAchievement.all_objects.filter(pk=pk).update(deleted_at=None))


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


@dataclass
class ThresholdProgress:
    metric: object
    threshold: float
    best: float | None  # best value recorded in a completed session of the goal's subtree
    rule: TargetMetric  # the (metric, threshold) row, which says what "reached" means

    @property
    def reached(self):
        return self.rule.is_met_by(self.best)


@dataclass
class TargetProgress:
    target: Target
    thresholds: list
    achievement: TargetAchievement | None

    @property
    def met(self):
        return self.achievement is not None


def target_progress(targets):
    """Progress of each target, in order: per metric the best recorded value vs the threshold.

    "Best" reads completed, live sessions linked to the target's goal or its subtree (as the
    evaluation does); "met" is the stored TargetAchievement. Three queries for any list of targets.
    """
    targets = list(targets)
    if not targets:
        return []
    thresholds = {}
    for row in TargetMetric.objects.filter(target__in=targets).select_related("metric").order_by("created_at"):
        thresholds.setdefault(row.target_id, []).append(row)
    metric_ids = {row.metric_id for rows in thresholds.values() for row in rows}
    # Sessions link to short-term and immediate goals, at most four levels below a root: each
    # row carries its linked goal's ancestors, so subtrees need no walk over the whole fractal.
    link = "instance__session__goal_links__goal"
    chain_fields = [f"{link}_id"] + [f"{link}__{'parent__' * hops}parent_id" for hops in range(4)]
    best = {}  # (metric_id, linked goal_id) -> best value
    lineage = {}  # linked goal_id -> the goal and its ancestors
    rows = (
        MetricValue.objects.filter(
            metric_id__in=metric_ids,
            instance__deleted_at__isnull=True,
            instance__session__completed=True,
            instance__session__deleted_at__isnull=True,
        )
        .order_by()
        .values_list("metric_id", *chain_fields)
        .annotate(best=Max("value"))
    )
    for metric_id, goal_id, *ancestors, value in rows:
        if goal_id is not None:
            best[metric_id, goal_id] = value
            lineage[goal_id] = {goal_id, *(ancestor for ancestor in ancestors if ancestor is not None)}
    achievements = {a.target_id: a for a in TargetAchievement.objects.filter(target__in=targets)}

    result = []
    for target in targets:
        rows = []
        for threshold in thresholds.get(target.pk, []):
            values = [
                value
                for (metric_id, goal_id), value in best.items()
                if metric_id == threshold.metric_id and target.goal_id in lineage[goal_id]
            ]
            best_value = max(values) if values else None
            rows.append(ThresholdProgress(threshold.metric, threshold.threshold, best_value, rule=threshold))
        result.append(TargetProgress(target, rows, achievements.get(target.pk)))
    return result
