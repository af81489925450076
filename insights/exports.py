"""Every chart's data as CSV: one table per chart, named as the download's address names it.

Each table is a header and an iterator of rows built from the same figures the pages and the
API use, written with the csv module and streamed (a series of years is never held as text).
"""

import csv
from dataclasses import dataclass, field

from activities.models import TargetKind
from goals.dates import safe_localtime
from goals.models import GoalLevel

from . import analytics, figures, progress


@dataclass
class ExportContext:
    """What a table is computed from: the fractal, the user's calendar and the request's choice."""

    fractal: object
    tz: object
    week_start: int
    today: object
    series: dict = field(default_factory=dict)
    range: tuple = (None, None)
    bucket: str = "auto"
    weeks: int = 12


class _Echo:
    """A file-like object whose write() returns what it was given, for a streamed csv.writer."""

    def write(self, value):
        return value


def stream(header, rows):
    writer = csv.writer(_Echo())
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow(row)


def _number(value):
    return "" if value is None else (int(value) if float(value).is_integer() else round(value, 4))


# --- one function per chart: (header, rows) ---------------------------------------------------


def series_points(context):
    """Every session's point of the activity series (never bucketed: the full data)."""
    result = progress.activity_progress(context.fractal, **context.series, tz=context.tz, bucket="none", periods=False)
    header = [
        "session_id",
        "session_name",
        "started_at",
        "local_date",
        "top_set",
        "average",
        "product",
        "volume",
        "sets",
    ]
    rows = (
        [
            point["session_id"],
            point["session_name"],
            point["x"].isoformat(),
            safe_localtime(point["x"], context.tz).date().isoformat(),
            _number(point["top_set"]),
            _number(point["average"]),
            _number(point["product"]),
            _number(point["volume"]),
            point["sets"],
        ]
        for point in result["points"]
    )
    return header, rows


def series_buckets(context):
    """The series as the chart draws it: per day, week or month when bucketed, else per session."""
    result = progress.activity_progress(
        context.fractal,
        **context.series,
        tz=context.tz,
        week_start=context.week_start,
        bucket=context.bucket,
        periods=False,
    )
    if result["buckets"] is None:
        return series_points(context)
    header = [
        "period",
        "start",
        "end",
        "sessions",
        "sets",
        "top_set_best",
        "top_set_min",
        "average_mean",
        "average_min",
        "average_max",
        "product_best",
        "product_min",
        "volume",
    ]
    rows = (
        [
            result["resolution"],
            bucket["start"].isoformat(),
            bucket["end"].isoformat(),
            bucket["count"],
            bucket["sets"],
            *(
                _number(bucket[key])
                for key in (
                    "top_set",
                    "top_set_min",
                    "average",
                    "average_min",
                    "average_max",
                    "product",
                    "product_min",
                    "volume",
                )
            ),
        ]
        for bucket in result["buckets"]
    )
    return header, rows


def activity_periods(context):
    result = progress.activity_progress(context.fractal, **context.series, tz=context.tz, week_start=context.week_start)
    header = ["period", "start", "sessions", "volume", "best", "best_product"]
    rows = (
        [
            result["period"],
            row["start"].isoformat(),
            row["sessions"],
            _number(row["volume"]),
            _number(row["best"]),
            _number(row["best_product"]),
        ]
        for row in result["periods"]
    )
    return header, rows


def records(context):
    """Every session that set a record of the charted metric (per split) or of the product, the
    first (the baseline) included, oldest first."""
    series = context.series
    histories = progress.record_histories(context.fractal, series["activity"], series["metric"], series.get("split"))
    header = [
        "kind",
        "series",
        "split",
        "session_id",
        "session_name",
        "achieved_at",
        "local_date",
        "value",
        "previous",
        "baseline",
    ]
    steps = sorted(
        ((history, step) for history in histories for step in history.steps),
        key=lambda item: (item[1].achieved_at, item[0].kind != "value"),
    )
    rows = (
        [
            history.kind,
            history.name,
            history.split.name if history.split else "",
            step.session_id,
            step.session_name,
            step.achieved_at.isoformat(),
            safe_localtime(step.achieved_at, context.tz).date().isoformat(),
            _number(step.value),
            _number(step.previous),
            "yes" if step.baseline else "no",
        ]
        for history, step in steps
    )
    return header, rows


def heatmap(context):
    calendar = figures.practice_calendar(context.fractal, context.today, tz=context.tz, week_start=context.week_start)
    rows = (
        [day["date"].isoformat(), day["sessions"], day["seconds"], _number(day["minutes"])] for day in calendar["days"]
    )
    return ["date", "sessions", "seconds", "minutes"], rows


def weekly(context):
    weeks = analytics.practice_weeks(context.fractal, weeks=context.weeks, tz=context.tz, week_start=context.week_start)
    return ["week_start", "sessions", "seconds"], (
        [week["week_start"].isoformat(), week["sessions"], week["seconds"]] for week in weeks
    )


def time_goals(context):
    rows = figures.time_per_goal(context.fractal, *context.range, tz=context.tz)
    header = ["goal_id", "goal", "level", "parent_id", "depth", "own_seconds", "seconds"]
    return header, (
        [row["id"], row["name"], row["level"], row["parent_id"] or "", row["depth"], row["own_seconds"], row["seconds"]]
        for row in rows
    )


def time_activities(context):
    per_activity, _ = figures.time_per_activity(context.fractal, *context.range, tz=context.tz)
    return ["activity_id", "activity", "group", "seconds", "instances"], (
        [row["id"], row["name"], row["group"] or "", row["seconds"], row["instances"]] for row in per_activity
    )


def time_groups(context):
    _, per_group = figures.time_per_activity(context.fractal, *context.range, tz=context.tz)
    return ["group_id", "group", "seconds", "instances"], (
        [row["id"] or "", row["name"], row["seconds"], row["instances"]] for row in per_group
    )


def templates(context):
    rows = figures.template_usage(context.fractal, *context.range, tz=context.tz)
    return ["template_id", "template", "sessions", "mean_seconds", "median_seconds"], (
        [row["id"], row["name"], row["sessions"], _number(row["mean_seconds"]), _number(row["median_seconds"])]
        for row in rows
    )


def sections(context):
    rows = figures.sections_planned_vs_actual(context.fractal, *context.range, tz=context.tz)
    header = [
        "template_id",
        "template",
        "section",
        "template_planned_minutes",
        "sessions",
        "mean_planned_minutes",
        "mean_actual_minutes",
    ]
    return header, (
        [
            row["template_id"],
            row["template"],
            row["section"],
            _number(row["template_planned_minutes"]),
            row["sessions"],
            _number(row["mean_planned_minutes"]),
            _number(row["mean_actual_minutes"]),
        ]
        for row in rows
    )


def goals_completed(context):
    months = figures.goals_completed_per_month(context.fractal, context.today, tz=context.tz)
    header = ["month", "total", *(level.value for level in GoalLevel)]
    return header, (
        [row["month"].strftime("%Y-%m"), row["total"], *(row["levels"][level.value] for level in GoalLevel)]
        for row in months
    )


def goals_open(context):
    bands = figures.open_goals_by_age(context.fractal, context.today, tz=context.tz)
    header = ["age", "total", *(level.value for level in GoalLevel)]
    return header, ([row["band"], row["total"], *(row["levels"][level.value] for level in GoalLevel)] for row in bands)


def targets(context):
    result = figures.target_progress(context.fractal, context.today, tz=context.tz)
    return ["target_id", "target", "goal", "met", "met_on"], (
        [
            row["id"],
            row["name"],
            row["goal"],
            "yes" if row["met"] else "no",
            row["met_on"].isoformat() if row["met_on"] else "",
        ]
        for row in result["targets"]
    )


# What each download needs from the request: an activity series, a range of days, or nothing.
TABLES = {
    "series": (series_points, "series"),
    "series-chart": (series_buckets, "series"),
    "activity-periods": (activity_periods, "series"),
    "records": (records, "series"),
    "heatmap": (heatmap, None),
    "weekly": (weekly, None),
    "time-goals": (time_goals, "range"),
    "time-activities": (time_activities, "range"),
    "time-groups": (time_groups, "range"),
    "templates": (templates, "range"),
    "sections": (sections, "range"),
    "goals-completed": (goals_completed, None),
    "goals-open": (goals_open, None),
    "targets": (targets, None),
}


# --- one target's history (the target page's download) -----------------------------------------


def target_sessions(history):
    """The sessions a target counted, oldest first: per rule the best value (threshold and
    frequency kinds) or what the session added and the running total (sum), and whether it met."""
    is_sum = history.kind == TargetKind.SUM
    header = ["session_id", "session_name", "started_at", "local_date"]
    if history.kind == TargetKind.FREQUENCY:
        header.append("week_start")
    for rule in history.rules:
        name = rule.metric.name
        if is_sum:
            header += [f"{name} added", f"{name} total"]
        else:
            header.append(f"{name} {rule.best_word}")
    header.append("met")

    def row(session):
        cells = [
            session["session_id"],
            session["name"],
            session["x"].isoformat(),
            session["local_date"].isoformat(),
        ]
        if history.kind == TargetKind.FREQUENCY:
            cells.append(session["week_start"].isoformat())
        for rule in history.rules:
            if is_sum:
                cells += [_number(session["sums"][rule.index]), _number(session["totals"][rule.index])]
            else:
                cells.append(_number(session["values"][rule.index]))
        cells.append("yes" if session["met"] else "no")
        return cells

    return header, (row(session) for session in history.sessions)


def target_weeks(history):
    """A frequency target's weeks: sessions that count, whether the week reached ``times``, and
    the run of weeks in a row it ends."""
    header = ["week_start", "sessions", "met", "run"]
    return header, (
        [week["start"].isoformat(), week["sessions"], "yes" if week["met"] else "no", week["run"]]
        for week in history.weeks
    )
