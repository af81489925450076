"""The target page: the rule in words, a chart per rule (or of the weeks), the sessions that
counted, and the same figures as a CSV download."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from activities.models import Target, TargetKind
from goals.access import get_fractal_for_user, get_scoped_or_404
from goals.dates import safe_localtime
from goals.models import Goal

from . import exports, periods
from .charts import format_number
from .target_charts import Mark, WeekBar, progress_chart, weeks_chart
from .target_history import bucket_rule_points, rule_points, target_history, week_bars
from .views import user_calendar

SESSIONS_PER_PAGE = 25


def get_target_or_404(fractal, target_id, goal=None):
    """A live target of ``fractal`` (of ``goal`` when given), its goal, activity and block at hand."""
    lookup = {"pk": target_id}
    if goal is not None:
        lookup["goal_id"] = goal.pk
    return get_scoped_or_404(Target.objects.select_related("goal", "activity", "block"), fractal, **lookup)


def history_for(request, target):
    tz, week_start = user_calendar(request.user)
    return target_history(target, tz=tz, week_start=week_start, today=timezone.localdate(timezone=tz))


def _session_url(fractal, session_id):
    return reverse("session-detail", kwargs={"root_id": fractal.pk, "session_id": session_id})


def _amount(value, unit):
    return "–" if value is None else f"{format_number(value)} {unit}".strip()


def _rule_charts(history, fractal):
    charts = []
    is_sum = history.kind == TargetKind.SUM
    for figures in history.rules:
        metric = figures.metric
        unit = metric.unit
        points = rule_points(history, figures)
        resolution, points = bucket_rule_points(history, figures, points)
        marks = []
        for point in points:
            if resolution == "session":
                what = "total" if is_sum else metric.name
                tooltip = (
                    f"{point['name']} · {safe_localtime(point['x'], history.tz):%d %b %Y}: {what} "
                    f"{_amount(point['y'], unit)}" + (" · meets the rule" if point["met"] else "")
                )
                href = _session_url(fractal, point["session_id"])
            else:
                label = periods.period_label(point["start"], resolution)
                what = "total at the end" if is_sum else figures.best_word
                tooltip = (
                    f"{resolution.title()} of {label}: {what} {_amount(point['y'], unit)} "
                    f"(min {format_number(point['low'])}, max {format_number(point['high'])}), "
                    f"{point['count']} session(s)" + (" · met the rule" if point["met"] else "")
                )
                href = ""
            marks.append(Mark(point["x"], point["y"], tooltip, point["met"], point["achieved"], href))
        if is_sum:
            title = f"{metric.name}: running total"
            series_name = "Running total"
            line_label = f"total {_amount(figures.rule.threshold, unit)}"
        else:
            title = f"{metric.name}: {figures.best_word} per session"
            series_name = f"{figures.best_word.capitalize()} {metric.name}"
            line_label = figures.text
        charts.append(
            {
                "title": title,
                "unit": unit,
                "resolution": resolution,
                "count": len(marks),
                "svg": progress_chart(
                    marks,
                    title=f"{history.target.activity.name}: {title}",
                    unit=unit or metric.name,
                    line=figures.rule.threshold,
                    line_label=line_label,
                    series_name=series_name,
                    tz=history.tz,
                    step=is_sum,
                ),
            }
        )
    return charts


def _weeks_chart(history):
    resolution, bars = week_bars(history)
    times = history.target.times or 0
    spans_years = bool(bars) and bars[0]["start"].year != bars[-1]["start"].year
    drawn = []
    for bar in bars:
        if resolution == periods.WEEK:
            tooltip = f"Week of {bar['start']:%d %b %Y}: {bar['sessions']} session(s)"
            if bar["met"]:
                tooltip += f" · reaches {times}"
        else:
            tooltip = (
                f"{periods.period_label(bar['start'], resolution)}: best week {bar['sessions']} session(s); "
                f"{bar['weeks_met']} of {bar['weeks']} weeks reach {times}"
            )
        label = periods.short_label(bar["start"], resolution, spans_years)
        drawn.append(WeekBar(label, bar["sessions"], tooltip, bar["met"], bar["in_run"]))
    title = "Sessions per week" if resolution == periods.WEEK else f"Best week per {resolution}"
    return {
        "title": title,
        "unit": "sessions",
        "resolution": resolution,
        "count": len(drawn),
        "svg": weeks_chart(
            drawn,
            title=f"{history.target.activity.name}: {title.lower()}",
            line=times,
            line_label=f"{times} a week",
        ),
    }


def table_rows(history, sessions, fractal):
    """The table's rows (and the CSV's figures) for ``sessions``, in the order given."""
    rows = []
    for session in sessions:
        cells = []
        for figures in history.rules:
            unit = figures.metric.unit
            if history.kind == TargetKind.SUM:
                cells.append(_amount(session["sums"][figures.index], unit))
                cells.append(_amount(session["totals"][figures.index], unit))
            else:
                cells.append(_amount(session["values"][figures.index], unit))
        rows.append(
            {
                **session,
                "url": _session_url(fractal, session["session_id"]),
                "when": safe_localtime(session["x"], history.tz),
                "cells": cells,
            }
        )
    return rows


def _columns(history):
    columns = []
    for figures in history.rules:
        name = figures.metric.name
        if history.kind == TargetKind.SUM:
            columns += [f"{name} added", f"{name} total"]
        else:
            columns.append(f"{figures.best_word.capitalize()} {name}")
    return columns


def _met_heading(history):
    if history.kind == TargetKind.SUM:
        return "Total reached"
    if history.kind == TargetKind.FREQUENCY:
        return "Counts"
    return "Meets the rule"


@login_required
@require_safe
def target_detail(request, root_id, goal_id, target_id):
    fractal = get_fractal_for_user(request.user, root_id)
    goal = get_scoped_or_404(Goal.objects, fractal, pk=goal_id)
    target = get_target_or_404(fractal, target_id, goal=goal)
    history = history_for(request, target)
    if history.kind == TargetKind.FREQUENCY:
        charts = [_weeks_chart(history)]
    else:
        charts = _rule_charts(history, fractal)
    page = Paginator(history.sessions[::-1], SESSIONS_PER_PAGE).get_page(request.GET.get("page"))
    weeks_met = sum(1 for week in history.weeks if week["met"])
    context = {
        "fractal": fractal,
        "goal": goal,
        "target": target,
        "history": history,
        "charts": charts,
        "page": page,
        "rows": table_rows(history, page.object_list, fractal),
        "columns": _columns(history),
        "met_heading": _met_heading(history),
        "achievement_url": _session_url(fractal, history.achievement.session_id) if history.achievement else "",
        "weeks_met": weeks_met,
        "is_sum": history.kind == TargetKind.SUM,
        "is_frequency": history.kind == TargetKind.FREQUENCY,
        "csv_url": reverse(
            "target-history-csv", kwargs={"root_id": fractal.pk, "goal_id": goal.pk, "target_id": target.pk}
        ),
    }
    return render(request, "insights/target_detail.html", context)


@login_required
@require_safe
def target_history_csv(request, root_id, goal_id, target_id):
    """The sessions that counted (``?table=sessions``, the default) or, for a frequency target,
    the weeks (``?table=weeks``), as a streamed CSV file."""
    fractal = get_fractal_for_user(request.user, root_id)
    goal = get_scoped_or_404(Goal.objects, fractal, pk=goal_id)
    target = get_target_or_404(fractal, target_id, goal=goal)
    table = request.GET.get("table", "sessions")
    if table not in ("sessions", "weeks"):
        return HttpResponseBadRequest("Choose table=sessions or table=weeks.", content_type="text/plain")
    if table == "weeks" and target.kind != TargetKind.FREQUENCY:
        return HttpResponseBadRequest("Only a frequency target counts weeks.", content_type="text/plain")
    history = history_for(request, target)
    build = exports.target_weeks if table == "weeks" else exports.target_sessions
    header, rows = build(history)
    response = StreamingHttpResponse(exports.stream(header, rows), content_type="text/csv; charset=utf-8")
    today = timezone.localdate(timezone=history.tz)
    response["Content-Disposition"] = f'attachment; filename="target-{table}-{today:%Y-%m-%d}.csv"'
    return response
