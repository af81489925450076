"""The fractal-wide figures of the analytics pages: practice calendar, where the time goes,
template usage, goals over time and an activity's weekly progress.

Each function runs a fixed number of queries whatever the history: the database returns one
row per session, instance, link or goal of the asked range, and Python puts each in its local
day, week or month (``tz`` is the user's zone, ``week_start`` their first weekday, 0 Monday to
6 Sunday). Only live rows count, and only completed sessions, as in the weekly figures.
"""

import datetime
import statistics

from django.db.models import Count, Sum
from django.db.models.functions import Coalesce

from activities.models import ActivityDefinition, ActivityGroup, Target
from goals.models import Goal, GoalLevel
from sessions.models import (
    ActivityInstance,
    PracticeSession,
    PracticeSessionGoal,
    SessionSection,
    SessionTemplate,
    TargetAchievement,
    TemplateSection,
)

from . import periods

HEATMAP_WEEKS = 53


def _root_id(root):
    return getattr(root, "pk", root)


def completed_sessions(root, start=None, end=None, tz=None):
    """Completed live sessions of ``root`` with ``x`` (started, else created), from local day
    ``start`` to ``end`` inclusive."""
    sessions = PracticeSession.objects.filter(root_id=_root_id(root), completed=True).annotate(
        x=Coalesce("started_at", "created_at")
    )
    if start is not None:
        sessions = sessions.filter(x__gte=periods.day_start(start, tz))
    if end is not None:
        sessions = sessions.filter(x__lt=periods.day_start(end + datetime.timedelta(days=1), tz))
    return sessions


# --- practice calendar -----------------------------------------------------------------------


def practice_calendar(root, today, tz=None, week_start=0, weeks=HEATMAP_WEEKS):
    """Minutes and sessions per local day over the last ``weeks`` weeks, as a week-by-day grid.

    The grid starts on the user's first weekday, so row 0 of every column is that weekday;
    days after ``today`` are left out. Returns ``{"first_day", "last_day", "days": [...]}``.
    """
    first = periods.week_of(today, week_start) - datetime.timedelta(weeks=weeks - 1)
    days = {first + datetime.timedelta(days=index): [0, 0] for index in range((today - first).days + 1)}
    for moment, seconds in completed_sessions(root, first, today, tz).values_list("x", "total_duration_seconds"):
        cell = days.get(periods.local_day(moment, tz))
        if cell is not None:
            cell[0] += 1
            cell[1] += seconds or 0
    return {
        "first_day": first,
        "last_day": today,
        "days": [
            {"date": day, "sessions": sessions, "seconds": seconds, "minutes": round(seconds / 60, 1)}
            for day, (sessions, seconds) in days.items()
        ],
    }


# --- where the time goes -------------------------------------------------------------------


def time_per_goal(root, start=None, end=None, tz=None):
    """Practice seconds per goal: each session's time shared equally among its live linked
    goals, then added to every ancestor. Goals with time, in tree order (depth-first, by sort
    order), each with its depth, its own share and the rolled-up total."""
    root_id = _root_id(root)
    sessions = completed_sessions(root, start, end, tz)
    seconds_of = dict(sessions.values_list("pk", "total_duration_seconds"))
    links = {}
    for session_id, goal_id in PracticeSessionGoal.objects.filter(
        session_id__in=sessions.values("pk"), goal__deleted_at__isnull=True
    ).values_list("session_id", "goal_id"):
        links.setdefault(session_id, []).append(goal_id)
    goals = {
        row["pk"]: row
        for row in Goal.objects.filter(root_id=root_id).values("pk", "parent_id", "name", "level", "sort_order")
    }
    own = {}
    total = {}
    for session_id, goal_ids in links.items():
        share = (seconds_of.get(session_id) or 0) / len(goal_ids)
        for goal_id in goal_ids:
            own[goal_id] = own.get(goal_id, 0) + share
            seen = set()
            current = goal_id
            while current is not None and current in goals and current not in seen:
                seen.add(current)
                total[current] = total.get(current, 0) + share
                current = goals[current]["parent_id"]
    children = {}
    for row in goals.values():
        children.setdefault(row["parent_id"], []).append(row)
    result = []

    def walk(parent_id, depth):
        for row in sorted(children.get(parent_id, []), key=lambda goal: (goal["sort_order"], goal["name"])):
            if total.get(row["pk"]):
                result.append(
                    {
                        "id": row["pk"],
                        "name": row["name"],
                        "level": row["level"],
                        "level_label": GoalLevel(row["level"]).label,
                        "parent_id": row["parent_id"],
                        "depth": depth,
                        "own_seconds": round(own.get(row["pk"], 0)),
                        "seconds": round(total[row["pk"]]),
                    }
                )
                walk(row["pk"], depth + 1)

    walk(None, 0)
    return result


def time_per_activity(root, start=None, end=None, tz=None):
    """Timed seconds and instances per activity and per activity group, most time first."""
    root_id = _root_id(root)
    rows = (
        ActivityInstance.objects.filter(
            root_id=root_id, session__in=completed_sessions(root, start, end, tz).values("pk")
        )
        .values("activity_id")
        .annotate(seconds=Coalesce(Sum("duration_seconds"), 0), instances=Count("id"))
        .order_by()
    )
    figures = {row["activity_id"]: row for row in rows}
    activities = ActivityDefinition.all_objects.filter(pk__in=figures).values("pk", "name", "group_id")
    groups = dict(ActivityGroup.objects.filter(root_id=root_id).values_list("pk", "name"))
    per_activity = []
    per_group = {}
    for activity in activities:
        figure = figures[activity["pk"]]
        group_name = groups.get(activity["group_id"])
        per_activity.append(
            {
                "id": activity["pk"],
                "name": activity["name"],
                "group": group_name,
                "seconds": figure["seconds"],
                "instances": figure["instances"],
            }
        )
        key = activity["group_id"] if group_name else None
        group = per_group.setdefault(key, {"id": key, "name": group_name or "No group", "seconds": 0, "instances": 0})
        group["seconds"] += figure["seconds"]
        group["instances"] += figure["instances"]
    order = lambda row: (-row["seconds"], row["name"])  # noqa: E731
    return sorted(per_activity, key=order), sorted(per_group.values(), key=order)


def template_usage(root, start=None, end=None, tz=None):
    """Per live template: completed sessions made from it, mean and median duration (seconds),
    most used first; templates never used are listed with zero."""
    durations = {}
    for template_id, seconds in (
        completed_sessions(root, start, end, tz)
        .filter(template__isnull=False)
        .values_list("template_id", "total_duration_seconds")
    ):
        durations.setdefault(template_id, []).append(seconds or 0)
    result = []
    for template_id, name in SessionTemplate.objects.filter(root_id=_root_id(root)).values_list("pk", "name"):
        values = durations.get(template_id, [])
        result.append(
            {
                "id": template_id,
                "name": name,
                "sessions": len(values),
                "mean_seconds": round(statistics.fmean(values)) if values else None,
                "median_seconds": round(statistics.median(values)) if values else None,
            }
        )
    return sorted(result, key=lambda row: (-row["sessions"], row["name"]))


def sections_planned_vs_actual(root, start=None, end=None, tz=None):
    """Per template and section (by name, in the template's order): planned minutes of the
    template, and the mean planned and actual (timed) minutes of its sessions' sections."""
    root_id = _root_id(root)
    sessions = completed_sessions(root, start, end, tz).filter(template__isnull=False)
    sections = SessionSection.objects.filter(session__in=sessions.values("pk")).values(
        "pk", "name", "planned_minutes", "session__template_id"
    )
    timed = dict(
        ActivityInstance.objects.filter(root_id=root_id, section__in=sections.values("pk"))
        .values("section_id")
        .annotate(seconds=Coalesce(Sum("duration_seconds"), 0))
        .values_list("section_id", "seconds")
        .order_by()
    )
    actual = {}
    for section in sections:
        key = (section["session__template_id"], section["name"])
        entry = actual.setdefault(key, {"count": 0, "seconds": 0, "planned": []})
        entry["count"] += 1
        entry["seconds"] += timed.get(section["pk"], 0)
        if section["planned_minutes"] is not None:
            entry["planned"].append(section["planned_minutes"])
    result = []
    template_sections = TemplateSection.objects.filter(root_id=root_id, template__deleted_at__isnull=True).values(
        "template_id", "template__name", "name", "planned_minutes", "sort_order"
    )
    for section in template_sections.order_by("template__name", "template_id", "sort_order"):
        entry = actual.get((section["template_id"], section["name"]), {"count": 0, "seconds": 0, "planned": []})
        result.append(
            {
                "template_id": section["template_id"],
                "template": section["template__name"],
                "section": section["name"],
                "template_planned_minutes": section["planned_minutes"],
                "sessions": entry["count"],
                "mean_planned_minutes": round(statistics.fmean(entry["planned"]), 1) if entry["planned"] else None,
                "mean_actual_minutes": round(entry["seconds"] / 60 / entry["count"], 1) if entry["count"] else None,
            }
        )
    return result


# --- goals over time -------------------------------------------------------------------------

AGE_BANDS = (
    ("under a week", 7),
    ("1–4 weeks", 28),
    ("1–3 months", 91),
    ("3–12 months", 365),
    ("over a year", None),
)


def goals_completed_per_month(root, today, tz=None, months=12):
    """Goals completed per local month and level over the last ``months`` months, oldest first."""
    first = periods.month_of(today)
    for _ in range(months - 1):
        first = periods.month_of(first - datetime.timedelta(days=1))
    starts = periods.periods_between(first, today, periods.MONTH)
    counts = {start: {} for start in starts}
    rows = Goal.objects.filter(
        root_id=_root_id(root), completed=True, completed_at__gte=periods.day_start(first, tz)
    ).values_list("completed_at", "level")
    for moment, level in rows:
        month = periods.month_of(periods.local_day(moment, tz))
        if month in counts:
            counts[month][level] = counts[month].get(level, 0) + 1
    return [
        {
            "month": start,
            "total": sum(counts[start].values()),
            "levels": {level.value: counts[start].get(level.value, 0) for level in GoalLevel},
        }
        for start in starts
    ]


def open_goals_by_age(root, today, tz=None):
    """Open live goals per age band (days since created, in local days) and level."""
    bands = [{"band": label, "total": 0, "levels": {level.value: 0 for level in GoalLevel}} for label, _ in AGE_BANDS]
    for created_at, level in Goal.objects.filter(root_id=_root_id(root), completed=False).values_list(
        "created_at", "level"
    ):
        age = (today - periods.local_day(created_at, tz)).days
        index = next(index for index, (_, limit) in enumerate(AGE_BANDS) if limit is None or age < limit)
        bands[index]["total"] += 1
        bands[index]["levels"][level] += 1
    return bands


def target_progress(root, today, tz=None, months=12):
    """Every live target of a live goal (met or open, when first met) and targets first met
    per local month over the last ``months`` months."""
    root_id = _root_id(root)
    first_met = {}
    for target_id, moment in (
        TargetAchievement.objects.filter(root_id=root_id)
        .values_list("target_id", "achieved_at")
        .order_by("achieved_at")
    ):
        first_met.setdefault(target_id, moment)
    targets = [
        {
            "id": row["pk"],
            "name": row["name"] or row["activity__name"],
            "goal": row["goal__name"],
            "met": row["pk"] in first_met,
            "met_on": periods.local_day(first_met[row["pk"]], tz) if row["pk"] in first_met else None,
        }
        for row in Target.objects.filter(root_id=root_id, goal__deleted_at__isnull=True)
        .values("pk", "name", "activity__name", "goal__name")
        .order_by("goal__name", "sort_order", "pk")
    ]
    start = periods.month_of(today)
    for _ in range(months - 1):
        start = periods.month_of(start - datetime.timedelta(days=1))
    per_month = dict.fromkeys(periods.periods_between(start, today, periods.MONTH), 0)
    for target in targets:
        if target["met_on"] is not None:
            month = periods.month_of(target["met_on"])
            if month in per_month:
                per_month[month] += 1
    return {
        "targets": targets,
        "met": sum(1 for target in targets if target["met"]),
        "open": sum(1 for target in targets if not target["met"]),
        "met_per_month": [{"month": month, "met": count} for month, count in per_month.items()],
    }


# --- an activity's weekly progress ----------------------------------------------------------


ACTIVITY_PERIODS = 60


def activity_period_for_span(first, last, max_periods=ACTIVITY_PERIODS):
    """Week, or month, quarter or year when the local days span more than ``max_periods`` weeks."""
    return periods.period_for_span(first, last, max_periods, finest=periods.WEEK)


def activity_periods(points, tz=None, week_start=0, max_periods=ACTIVITY_PERIODS):
    """Volume (sum over sessions) and best (top set, best product) per week, or per month,
    quarter or year when the points span more than ``max_periods`` weeks; every period between the first and the last
    point is listed, empty ones with zero sessions. Returns ``(period, rows)``."""
    if not points:
        return periods.WEEK, []
    first = periods.local_day(points[0]["x"], tz)
    last = periods.local_day(points[-1]["x"], tz)
    period = activity_period_for_span(first, last, max_periods)
    rows = {
        start: {"start": start, "sessions": 0, "volume": None, "best": None, "best_product": None}
        for start in periods.periods_between(first, last, period, week_start)
    }
    for point in points:
        row = rows[periods.period_start(periods.local_day(point["x"], tz), period, week_start)]
        row["sessions"] += 1
        if point.get("volume") is not None:
            row["volume"] = (row["volume"] or 0) + point["volume"]
        for key, field in (("best", "top_set"), ("best_product", "product")):
            if point[field] is not None and (row[key] is None or point[field] > row[key]):
                row[key] = point[field]
    return period, list(rows.values())
