"""One target's history: the sessions it counts, what each recorded, and the figures of its kind.

What the target page, its API endpoint and its CSV download show. A target counts completed,
live sessions linked to its goal or the goal's subtree that have a live instance of its activity,
within its scope (all time, a date range or a program block, in the user's zone). Whatever the
length of the history (or the size of the subtree) the database is asked four questions: the
target's rules, its stored achievement, one row per counted session with its values aggregated
in SQL, and the sets meeting every rule (threshold and frequency kinds). Only the target's
activity's instances are read, through its (activity, session) index.

- threshold: per session the best value of each rule's metric (the highest, the lowest for ≤
  and <, the closest for =) and whether one set (or one instance) met every rule;
- sum: per session what it adds to each metric's total, and the running totals;
- frequency: per week (the user's first weekday) the sessions that count (those meeting the
  rules, when the target has any), and the runs of weeks reaching ``times``.

The verdict of record stays the evaluation's TargetAchievement (sessions.targets); the figures
here are read-only and never write.
"""

import datetime
import functools
from dataclasses import dataclass, field

from django.db.models import Case, Count, F, Max, Min, Q, Sum, When
from django.db.models.functions import Coalesce

from activities.models import Target, TargetKind, TargetMetric, TargetOperator, TargetScope
from goals.dates import shift_day
from goals.models import GoalLevel
from sessions.models import ActivityInstance, MetricValue, TargetAchievement
from sessions.targets import in_scope, scope_window, subtree_sessions

from . import bucketing, periods
from .charts import format_number

UTC = datetime.UTC
MAX_BARS = bucketing.MAX_POINTS


# --- the rule in words ---------------------------------------------------------------------------


def _amount(value, unit):
    return f"{format_number(value)} {unit}".strip()


def _plural(count, word):
    return f"{count} {word}" + ("" if count == 1 else "s")


def condition_text(rule):
    """``weight ≥ 100 kg``: one (metric, operator, threshold) rule."""
    return f"{rule.metric.name} {rule.get_operator_display()} {_amount(rule.threshold, rule.metric.unit)}"


def _date_span(first, last):
    if first == last:
        return f"{first.day} {first:%b %Y}"
    if first.year == last.year:
        return f"{first.day} {first:%b} – {last.day} {last:%b %Y}"
    return f"{first.day} {first:%b %Y} – {last.day} {last:%b %Y}"


def scope_text(target):
    """The scope named: ``all time``, ``1 Mar – 31 May 2026`` or ``Strength block (…)``."""
    if target.scope == TargetScope.RANGE and target.starts_on and target.ends_on:
        return _date_span(target.starts_on, target.ends_on)
    if target.scope == TargetScope.BLOCK and target.block_id:
        block = target.block
        return f"{block.name} ({_date_span(block.start_date, block.end_date)})"
    return "all time"


def rule_text(target, rules):
    """The target's rule in words, prefixed by its activity.

    ``Squat: weight ≥ 100 kg and reps ≥ 5 in one set``; ``Run: distance summed ≥ 50 km``;
    ``Run: 3 sessions a week for 4 weeks in a row``.
    """
    conditions = " and ".join(condition_text(rule) for rule in rules)
    if target.kind == TargetKind.SUM:
        text = " and ".join(
            f"{rule.metric.name} summed {rule.get_operator_display()} {_amount(rule.threshold, rule.metric.unit)}"
            for rule in rules
        )
        text = text or "no totals set yet"
    elif target.kind == TargetKind.FREQUENCY:
        times, weeks = target.times or 0, target.weeks or 0
        text = _plural(times, "session") + " a week"
        if conditions:
            text += f" with {conditions}"
            if len(rules) > 1:
                text += " in one set" if target.activity.has_sets else " in one entry"
        text += " for 1 week" if weeks == 1 else f" for {weeks} weeks in a row"
    else:
        text = conditions or "no thresholds set yet"
        if len(rules) > 1:
            text += " in one set" if target.activity.has_sets else " in one entry"
    return f"{target.activity.name}: {text}"


# --- the figures -----------------------------------------------------------------------------


@dataclass
class RuleFigures:
    """One rule of the target and what the history says about it."""

    index: int
    rule: TargetMetric
    text: str
    best: float | None = None  # threshold and frequency: the best value in scope (TargetMetric.better)
    total: float | None = None  # sum: the total in scope
    reached: bool = False

    @property
    def metric(self):
        return self.rule.metric

    @property
    def lower_is_better(self):
        return self.rule.lower_is_better

    @property
    def best_word(self):
        return self.rule.best_word

    @property
    def best_text(self):
        return "—" if self.best is None else _amount(self.best, self.metric.unit)

    @property
    def total_text(self):
        return _amount(self.total or 0, self.metric.unit)

    @property
    def threshold_text(self):
        return _amount(self.rule.threshold, self.metric.unit)


@dataclass
class TargetHistory:
    target: Target
    rules: list
    rule_text: str
    scope_text: str
    window: tuple | None  # aware (start, end) of the scope, None for all time
    tz: object
    week_start: int
    achievement: TargetAchievement | None
    sessions: list = field(default_factory=list)  # oldest first, one dict per counted session
    weeks: list = field(default_factory=list)  # frequency: one dict per week of the span
    longest_run: dict | None = None
    current_run: int = 0
    achieved_run: dict | None = None  # frequency: the first run reaching ``weeks``
    met: bool = False  # what the history says (the achievement is the verdict of record)
    first_met: dict | None = None  # the session where the rule was first met, by this history

    @property
    def kind(self):
        return self.target.kind

    @property
    def scope_days(self):
        """``(first, last)`` local days of the scope (both included), or ``(None, None)``."""
        if self.window is None:
            return None, None
        start, end = self.window
        return start.astimezone(self.tz).date(), shift_day(end.astimezone(self.tz).date(), -1)

    @property
    def scope_start(self):
        return self.scope_days[0]

    @property
    def scope_end(self):
        return self.scope_days[1]

    @property
    def met_sessions(self):
        return sum(1 for row in self.sessions if row["met"])


def _subtree_sessions(target):
    """The sessions linked to the target's goal or a goal below it, as a subquery.

    A child is exactly one level below its parent, so the subtree has no more levels than there
    are below the target's goal (``sessions.targets.subtree_sessions`` reads them level by level).
    """
    goal = target.goal
    levels_below = len(GoalLevel) - 1 - GoalLevel(goal.level).depth
    return subtree_sessions(goal.pk, goal.root_id, depth=levels_below)


def _session_rows(target, rules, linked, tz):
    """One row per counted session (oldest first): time, name, instances and per rule the
    highest, lowest and summed value, aggregated by the database."""

    def of(rule, aggregate):
        return aggregate(
            Case(
                When(values__metric_id=rule.metric_id, values__deleted_at__isnull=True, then=F("values__value")),
            )
        )

    def nearest(rule, aggregate, side):
        # "=": the recorded values nearest the threshold from below and from above.
        return aggregate(
            Case(
                When(
                    Q(values__metric_id=rule.metric_id, values__deleted_at__isnull=True)
                    & Q(**{f"values__value__{side}": rule.threshold}),
                    then=F("values__value"),
                ),
            )
        )

    aggregates = {}
    for index, rule in enumerate(rules):
        aggregates[f"high_{index}"] = of(rule, Max)
        aggregates[f"low_{index}"] = of(rule, Min)
        aggregates[f"sum_{index}"] = of(rule, Sum)
        if rule.operator == TargetOperator.EQ:
            aggregates[f"below_{index}"] = nearest(rule, Max, "lte")
            aggregates[f"above_{index}"] = nearest(rule, Min, "gte")
    return (
        # Through the activity's (activity, session) index: only this activity's instances are read.
        ActivityInstance.objects.filter(
            activity_id=target.activity_id,
            session__completed=True,
            session__deleted_at__isnull=True,
            session_id__in=linked,
        )
        .filter(in_scope(target, "session__", tz))
        .annotate(x=Coalesce("session__started_at", "session__created_at"))
        .values("session_id", "session__name", "x")
        .annotate(instances=Count("id", distinct=True), **aggregates)
        .order_by("x", "session_id")
    )


def _meeting_sessions(target, rules, linked, tz):
    """Ids of the sessions where one set (or one instance, on one split) met every rule."""
    if not rules:
        return set()
    condition = Q()
    for rule in rules:
        condition |= rule.values_meeting()
    rows = (
        MetricValue.objects.filter(condition)
        .filter(
            instance__activity_id=target.activity_id,
            instance__deleted_at__isnull=True,
            instance__session__completed=True,
            instance__session__deleted_at__isnull=True,
            instance__session_id__in=linked,
        )
        .filter(in_scope(target, "instance__session__", tz))
        .values("instance__session_id", "instance_id", "set_number", "split_id")
        .annotate(hits=Count("metric_id", distinct=True))
        .filter(hits=len(rules))
        .order_by()
        .values_list("instance__session_id", flat=True)
    )
    return set(rows)


def _session_value(rule, row, index):
    """A session's best value for one rule (``TargetMetric.better``: lowest, closest or highest)."""
    if rule.lower_is_better:
        return row[f"low_{index}"]
    if rule.operator == TargetOperator.EQ:
        return rule.better(row[f"below_{index}"], row[f"above_{index}"])
    return row[f"high_{index}"]


def target_history(target, *, tz=None, week_start=0, today=None):
    """The history of ``target`` (a live Target, its goal, activity and block at hand)."""
    tz = tz or UTC
    rules = list(TargetMetric.objects.filter(target_id=target.pk).select_related("metric").order_by("created_at"))
    history = TargetHistory(
        target=target,
        rules=[RuleFigures(index, rule, condition_text(rule)) for index, rule in enumerate(rules)],
        rule_text=rule_text(target, rules),
        scope_text=scope_text(target),
        window=scope_window(target, tz),
        tz=tz,
        week_start=week_start,
        achievement=TargetAchievement.objects.filter(target_id=target.pk).select_related("session").first(),
    )
    linked = _subtree_sessions(target)
    rows = list(_session_rows(target, rules, linked, tz))
    checks_sets = target.kind == TargetKind.THRESHOLD or (target.kind == TargetKind.FREQUENCY and rules)
    meeting = _meeting_sessions(target, rules, linked, tz) if checks_sets else set()
    totals = [None] * len(rules)
    for row in rows:
        x = row["x"].astimezone(UTC)
        values = [_session_value(rule, row, i) for i, rule in enumerate(rules)]
        sums = [row[f"sum_{i}"] for i in range(len(rules))]
        session = {
            "session_id": row["session_id"],
            "name": row["session__name"],
            "x": x,
            "local_date": periods.local_day(x, tz),
            "instances": row["instances"],
            "values": values,
            "sums": sums,
            "totals": [],
            "met": False,
            "week_start": None,
        }
        if target.kind == TargetKind.SUM:
            totals = [
                total if amount is None else (total or 0) + amount for total, amount in zip(totals, sums, strict=True)
            ]
            session["totals"] = list(totals)
            session["met"] = bool(rules) and all(
                rule.is_met_by(total) for rule, total in zip(rules, totals, strict=True)
            )
        elif target.kind == TargetKind.FREQUENCY:
            session["met"] = session["session_id"] in meeting if rules else True
            session["week_start"] = periods.week_of(session["local_date"], week_start)
        else:
            session["met"] = session["session_id"] in meeting
        if session["met"] and history.first_met is None and target.kind != TargetKind.FREQUENCY:
            history.first_met = session
        history.sessions.append(session)

    for figures in history.rules:
        if target.kind == TargetKind.SUM:
            figures.total = totals[figures.index]
            figures.reached = figures.rule.is_met_by(figures.total)
        else:
            for session in history.sessions:
                figures.best = figures.rule.better(figures.best, session["values"][figures.index])
            figures.reached = figures.rule.is_met_by(figures.best)
    if target.kind == TargetKind.FREQUENCY:
        _weeks(history, today or datetime.datetime.now(tz).date())
        history.met = history.achieved_run is not None
    else:
        history.met = history.first_met is not None
    return history


def _weeks(history, today):
    """Sessions that count per week over the scope (all time: from the first session to this
    week), and the runs of consecutive weeks reaching ``times``."""
    target, week_start = history.target, history.week_start
    times, needed = target.times or 1, target.weeks or 1
    if history.window is not None:
        first, last = history.scope_days
        last = min(last, today)
    elif history.sessions:
        first, last = history.sessions[0]["local_date"], max(today, history.sessions[-1]["local_date"])
    else:
        return
    counts = {}
    for session in history.sessions:
        if session["met"]:
            counts[session["week_start"]] = counts.get(session["week_start"], 0) + 1
    run = 0
    this_week = periods.week_of(today, week_start)
    for start in periods.periods_between(first, last, periods.WEEK, week_start):
        sessions = counts.get(start, 0)
        met = sessions >= times
        run = run + 1 if met else 0
        week = {"start": start, "sessions": sessions, "met": met, "run": run, "in_run": False}
        history.weeks.append(week)
        if met and (history.longest_run is None or run >= history.longest_run["length"]):
            history.longest_run = {"length": run, "end": start}
        if run == needed and history.achieved_run is None:
            history.achieved_run = {"length": run, "end": start}
    for run_info in (history.longest_run, history.achieved_run):
        if run_info is not None:
            run_info["start"] = run_info["end"] - datetime.timedelta(weeks=run_info["length"] - 1)
    if history.weeks:
        last_week = history.weeks[-1]
        history.current_run = last_week["run"]
        if not last_week["met"] and last_week["start"] == this_week and len(history.weeks) > 1:
            history.current_run = history.weeks[-2]["run"]  # this week is still going
    shown = history.longest_run  # the run the chart shows (the latest of the longest)
    if shown is not None:
        for week in history.weeks:
            week["in_run"] = shown["start"] <= week["start"] <= shown["end"]


# --- what a chart can show -----------------------------------------------------------------------


def rule_points(history, figures):
    """The chart's points for one rule, oldest first: per session the best value (threshold and
    frequency kinds) or the running total (sum), whether the session met the rule and whether it
    is the achievement's session."""
    achieved = history.achievement.session_id if history.achievement else None
    points = []
    for session in history.sessions:
        if history.kind == TargetKind.SUM:
            if session["sums"][figures.index] is None:
                continue
            y = session["totals"][figures.index]
        else:
            y = session["values"][figures.index]
            if y is None:
                continue
        points.append(
            {
                "x": session["x"],
                "y": y,
                "count": 1,
                "met": session["met"],
                "achieved": session["session_id"] == achieved,
                "session_id": session["session_id"],
                "name": session["name"],
                "low": y,
                "high": y,
            }
        )
    return points


def bucket_rule_points(history, figures, points):
    """``(resolution, points)``: the points as they are, or one per day, week or month when there
    are more than a chart can show. A bucket keeps the best value (threshold) or the total at its
    end (sum), its lowest and highest, and whether any of its sessions met the rule."""
    resolution = bucketing.resolution_for(points, history.tz)
    if resolution == "session":
        return resolution, points
    groups = {}
    for point in points:
        start = periods.period_start(periods.local_day(point["x"], history.tz), resolution, history.week_start)
        groups.setdefault(start, []).append(point)
    buckets = []
    for start, members in groups.items():
        ys = [member["y"] for member in members]
        if history.kind == TargetKind.SUM:
            y = members[-1]["y"]
        else:
            y = functools.reduce(figures.rule.better, ys)
        buckets.append(
            {
                "x": periods.day_start(start, history.tz),
                "start": start,
                "end": periods.period_after(start, resolution) - datetime.timedelta(days=1),
                "y": y,
                "count": len(members),
                "met": any(member["met"] for member in members),
                "achieved": any(member["achieved"] for member in members),
                "session_id": None,
                "name": "",
                "low": min(ys),
                "high": max(ys),
            }
        )
    return resolution, buckets


def week_bars(history):
    """``(resolution, bars)`` for a frequency chart: one per week, or per month (quarter, year)
    when the weeks are more than a chart can show; a bucket shows its best week."""
    weeks = history.weeks
    if len(weeks) <= MAX_BARS:
        return periods.WEEK, [
            {**week, "end": week["start"] + datetime.timedelta(days=6), "weeks": 1, "weeks_met": int(week["met"])}
            for week in weeks
        ]
    resolution = periods.period_for_span(weeks[0]["start"], weeks[-1]["start"], MAX_BARS, finest=periods.MONTH)
    groups = {}
    for week in weeks:
        groups.setdefault(periods.period_start(week["start"], resolution), []).append(week)
    bars = []
    for start, members in groups.items():
        bars.append(
            {
                "start": start,
                "end": periods.period_after(start, resolution) - datetime.timedelta(days=1),
                "sessions": max(member["sessions"] for member in members),
                "met": any(member["met"] for member in members),
                "in_run": any(member["in_run"] for member in members),
                "weeks": len(members),
                "weeks_met": sum(1 for member in members if member["met"]),
                "total": sum(member["sessions"] for member in members),
            }
        )
    return resolution, bars
