"""The analytics page: activity progress, practice overview and goals, as server-drawn SVG.

The page itself reads a bounded amount whatever the history: one activity's series, twelve
weeks of practice and the menus. The whole-history figures (streaks, totals, goals per level,
targets, deadlines) come from ``analytics_overview``, which the page loads with htmx, so a long
history never delays the chart.
"""

import datetime
import zoneinfo
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import render
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_safe

from activities.models import ActivityDefinition, MetricDefinition
from goals.access import get_fractal_for_user
from goals.dates import safe_localtime
from goals.models import GoalLevel, Profile

from . import analytics, exports, figures, periods, progress
from .charts import Bar, Point, Series, bar_chart, format_number, hbar_chart, heatmap_chart, line_chart, step_chart
from .forms import AnalyticsFilterForm, RangeForm

WEEKS = 12
POINTS_PER_PAGE = 50
POINTS_ROWS = get_template("insights/partials/points_rows.html")


def user_calendar(user):
    """The user's time zone and first weekday (0 Monday, 6 Sunday), from their preferences."""
    # The time-zone middleware has already read (and cached) the profile on the user.
    profile = user.profile if hasattr(user, "profile") else Profile(user=user)
    try:
        tz = zoneinfo.ZoneInfo(profile.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        tz = datetime.UTC
    return tz, profile.week_start


def duration_text(seconds):
    hours, rest = divmod(int(seconds or 0), 3600)
    minutes = rest // 60
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"


def _metrics_of(activity):
    if activity is None:
        return []
    return list(MetricDefinition.objects.filter(activity_id=activity.pk).order_by("sort_order"))


def _choose(form, fractal):
    """The activity, metric and split to chart (the form's choice, else a sensible default),
    and the activity's metrics."""
    data = form.cleaned_data if form.is_valid() else {}
    activity, metric = data.get("activity"), data.get("metric")
    if activity is None:
        # The first activity by name that has a metric: read in name order from the library's
        # (root, name) index, stopping at the first match.
        with_metrics = Exists(MetricDefinition.objects.filter(activity_id=OuterRef("pk")))
        activity = ActivityDefinition.objects.for_fractal(fractal).filter(with_metrics).order_by("name").first()
    metrics = _metrics_of(activity)
    if activity is not None and metric is None:
        top_set = [candidate for candidate in metrics if candidate.is_top_set_metric]
        metric = (top_set or metrics or [None])[0]
    return activity, metric, data.get("split"), data.get("start"), data.get("end"), metrics


def _sessions_link(fractal):
    base = reverse("session-list", kwargs={"root_id": fractal.pk})
    return lambda day: f"{base}?{urlencode({'start': day.isoformat(), 'end': day.isoformat()})}"


def _progress(fractal, activity, metric, split, start, end, metrics, tz, week_start, page_number):
    if activity is None or metric is None:
        return None
    figures_ = progress.activity_progress(
        fractal, activity, metric, split=split, start=start, end=end, tz=tz, week_start=week_start
    )
    points = figures_["points"]
    unit = metric.unit
    product_unit = progress.product_unit(metrics)
    factors = [candidate for candidate in metrics if candidate.is_multiplicative]
    buckets = figures_["buckets"]

    def series(name, key, css_class, label_unit):
        if buckets is not None:
            return Series(
                name=name,
                css_class=css_class,
                points=[
                    Point(
                        bucket["x"], bucket[key], _bucket_tooltip(bucket, figures_["resolution"], name, key, label_unit)
                    )
                    for bucket in buckets
                    if bucket[key] is not None
                ],
            )
        return Series(
            name=name,
            css_class=css_class,
            points=[
                Point(
                    point["x"],
                    point[key],
                    f"{point['session_name']} · {safe_localtime(point['x'], tz):%d %b %Y}: {name.lower()} "
                    f"{format_number(point[key])} {label_unit}".strip(),
                )
                for point in points
                if point[key] is not None
            ],
        )

    title = f"{activity.name}: {metric.name}" + (f" ({split.name})" if split else "")
    best_name = "Best top set" if buckets is not None else "Top set"
    chart = line_chart(
        [series(best_name, "top_set", "series-1", unit), series("Average of sets", "average", "series-2", unit)],
        title=title,
        unit=unit or metric.name,
        tz=tz,
    )
    product_chart = None
    if figures_["has_product"]:
        product_chart = line_chart(
            [series("Best set product", "product", "series-3", product_unit)],
            title=f"{activity.name}: {' × '.join(factor.name for factor in factors)}",
            unit=product_unit,
            tz=tz,
        )
    volume_unit = product_unit or unit
    period = figures_["period"]
    spans_years = (
        bool(figures_["periods"]) and figures_["periods"][0]["start"].year != figures_["periods"][-1]["start"].year
    )
    per = period
    volume_chart = bar_chart(
        [
            Bar(
                periods.short_label(row["start"], period, spans_years),
                row["volume"] or 0,
                f"{per.title()} of {periods.period_label(row['start'], period)}: volume "
                f"{format_number(row['volume'] or 0)} {volume_unit}, {row['sessions']} session(s)",
            )
            for row in figures_["periods"]
        ],
        title=f"{activity.name}: volume per {per}",
        unit=volume_unit,
    )
    best_chart = bar_chart(
        [
            Bar(
                periods.short_label(row["start"], period, spans_years),
                row["best"],
                f"{per.title()} of {periods.period_label(row['start'], period)}: "
                f"best {format_number(row['best'])} {unit}",
            )
            for row in figures_["periods"]
            if row["best"] is not None
        ],
        title=f"{activity.name}: best {metric.name} per {per}",
        unit=unit or metric.name,
    )
    paginator = Paginator(points, POINTS_PER_PAGE)
    # The latest sessions by default (and for "last"); a bad number gets the nearest page.
    page = paginator.get_page(paginator.num_pages if page_number in (None, "", "last") else page_number)
    rows = [
        {
            **point,
            **{
                f"{key}_text": "–" if point[key] is None else format_number(point[key])
                for key in ("top_set", "average", "product")
            },
        }
        for point in page.object_list
    ]
    return {
        "activity": activity,
        "metric": metric,
        "split": split,
        "points": rows,
        "page": page,
        "point_count": figures_["point_count"],
        "resolution": figures_["resolution"],
        "table_rows": _table_rows(rows, unit, with_product=product_chart is not None, tz=tz),
        "chart": chart,
        "product_chart": product_chart,
        "product_unit": product_unit,
        "volume_chart": volume_chart,
        "best_chart": best_chart,
        "volume_unit": volume_unit,
        "per": per,
        "title": title,
        "query": urlencode(
            {
                key: value
                for key, value in {
                    "activity": activity.pk,
                    "metric": metric.pk,
                    "split": split.pk if split else "",
                    "start": start.isoformat() if start else "",
                    "end": end.isoformat() if end else "",
                }.items()
                if value
            }
        ),
    }


def _records(fractal, activity, metric, split, tz):
    """The records over time of the charted metric (per split) and of the product: a step chart
    for each and one table of every session that set a record."""
    histories = progress.record_histories(fractal, activity, metric, split)

    def session_url(session_id):
        return reverse("session-detail", kwargs={"root_id": fractal.pk, "session_id": session_id})

    now = timezone.now()
    charts, rows = [], []
    for kind in ("value", "product"):
        chosen = [history for history in histories if history.kind == kind]
        if not chosen:
            continue
        series = []
        for index, history in enumerate(chosen):
            label = history.split.name if history.split else history.name
            unit = history.unit
            points = []
            for step in history.steps:
                day = safe_localtime(step.achieved_at, tz)
                value = f"{format_number(step.value)} {unit}".strip()
                if step.baseline:
                    tooltip = f"{label}: first session {day:%d %b %Y} ({step.session_name}), {value}"
                else:
                    tooltip = (
                        f"{label}: new record {value} on {day:%d %b %Y} ({step.session_name}), "
                        f"was {format_number(step.previous)}"
                    )
                points.append(Point(step.achieved_at, step.value, tooltip))
                rows.append(
                    {
                        "series": history.name + (f" ({history.split.name})" if history.split else ""),
                        "when": day,
                        "when_text": f"{day:%a %d %b %Y}",
                        "value": value,
                        "previous": "" if step.baseline else f"{format_number(step.previous)} {unit}".strip(),
                        "baseline": step.baseline,
                        "session_name": step.session_name,
                        "session_url": session_url(step.session_id),
                        "kind": kind,
                    }
                )
            series.append(Series(name=label, css_class=f"series-{index % 3 + 1}", points=points))
        first = chosen[0]
        direction = "lowest" if first.lower_is_better else "highest"
        charts.append(
            {
                "caption": f"{first.name}: personal record over time ({direction} is best)",
                "chart": step_chart(
                    series,
                    title=f"{activity.name}: {first.name} record over time",
                    unit=first.unit or first.name,
                    tz=tz,
                    until=now,
                ),
            }
        )
    rows.sort(key=lambda row: (row["when"], row["kind"] != "value"))
    return {"record_charts": charts, "record_rows": rows}


def _bucket_tooltip(bucket, resolution, name, key, unit):
    label = periods.period_label(bucket["start"], resolution)
    low = bucket.get(f"{key}_min")
    high = bucket.get(f"{key}_max", bucket[key])
    extremes = f" (min {format_number(low)}, max {format_number(high)})" if low is not None and high is not None else ""
    return (
        f"{resolution.title()} of {label}: {name.lower()} {format_number(bucket[key])} {unit}{extremes}, "
        f"{bucket['count']} session(s)"
    ).replace("  ", " ")


def _table_rows(rows, unit, with_product, tz=None):
    """The points table's rows, from one fragment template compiled at import (one render of
    the loop, not one per row)."""
    for row in rows:
        row["when"] = safe_localtime(row["x"], tz).strftime("%a %d %b %Y %H:%M")
    return POINTS_ROWS.render({"rows": rows, "unit": unit, "with_product": with_product})


@login_required
@require_safe
def analytics_page(request, root_id):
    fractal = get_fractal_for_user(request.user, root_id)
    form = AnalyticsFilterForm(request.GET or None, root=fractal)
    activity, metric, split, start, end, metrics = _choose(form, fractal)
    if not request.GET and activity is not None:
        form = AnalyticsFilterForm(initial={"activity": activity, "metric": metric}, root=fractal)
    # The menus offer the metrics of the activity the user picked, even when the rest of the
    # choice was refused (a metric of another activity), so it can be corrected in place.
    picked = form.cleaned_data.get("activity") if form.is_bound else None
    if picked is not None and picked != activity:
        form.offer(picked, _metrics_of(picked))
    else:
        form.offer(activity, metrics)

    tz, week_start = user_calendar(request.user)
    today = timezone.localdate(timezone=tz)
    weeks = analytics.practice_weeks(fractal, weeks=WEEKS, tz=tz, week_start=week_start)
    sessions_chart = bar_chart(
        [
            Bar(
                f"{week['week_start']:%d %b}",
                week["sessions"],
                f"Week of {week['week_start']:%d %b %Y}: {week['sessions']} session(s)",
            )
            for week in weeks
        ],
        title="Completed sessions per week",
        unit="sessions",
        width=480,
        height=240,
    )
    time_chart = bar_chart(
        [
            Bar(
                f"{week['week_start']:%d %b}",
                round(week["seconds"] / 60, 1),
                f"Week of {week['week_start']:%d %b %Y}: {duration_text(week['seconds'])}",
            )
            for week in weeks
        ],
        title="Practice time per week",
        unit="min",
        width=480,
        height=240,
    )
    calendar = figures.practice_calendar(fractal, today, tz=tz, week_start=week_start)
    heatmap = heatmap_chart(
        calendar, title="Practice minutes per day, last year", link_for=_sessions_link(fractal), week_start=week_start
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "fractal": fractal,
        "form": form,
        "progress": _progress(
            fractal, activity, metric, split, start, end, metrics, tz, week_start, request.GET.get("page")
        ),
        "sessions_chart": sessions_chart,
        "time_chart": time_chart,
        "heatmap": heatmap,
        "calendar": calendar,
        "practice_days": sum(1 for day in calendar["days"] if day["sessions"]),
        "weeks": WEEKS,
        "query": query.urlencode(),
    }
    return render(request, "insights/analytics.html", context, status=200 if not form.errors else 400)


@login_required
@require_safe
def analytics_overview(request, root_id):
    """The whole-history figures: streaks, totals, goals per level, targets and deadlines.

    For htmx (the analytics page loads it) the two fragments, the goals one swapped in out of
    band; otherwise a page of its own, the no-JavaScript fallback the page links to.
    """
    fractal = get_fractal_for_user(request.user, root_id)
    tz, _ = user_calendar(request.user)
    today = timezone.localdate(timezone=tz)
    totals = analytics.totals(fractal)
    goals = analytics.goal_summary(fractal, today=today)
    context = {
        "fractal": fractal,
        "streaks": analytics.streaks(fractal, tz=tz),
        "totals": totals,
        "total_time": duration_text(totals["seconds"]),
        "goals": goals,
        "targets_total": goals["targets_met"] + goals["targets_open"],
    }
    if request.htmx:
        response = render(request, "insights/partials/analytics_overview.html", context)
    else:
        response = render(request, "insights/analytics_overview.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_safe
def analytics_records(request, root_id):
    """Personal records over time of the analytics page's activity and metric (the whole history,
    so the page loads them with htmx after its chart); without htmx, a page of their own."""
    fractal = get_fractal_for_user(request.user, root_id)
    form = AnalyticsFilterForm(request.GET or None, root=fractal)
    activity, metric, split, _, _, _ = _choose(form, fractal)
    if form.errors:
        return HttpResponseBadRequest(f"Bad choice: {form.errors.get_json_data()}", content_type="text/plain")
    if activity is None or metric is None:
        raise Http404("No activity with metrics to show records of.")
    tz, _ = user_calendar(request.user)
    query = urlencode({"activity": activity.pk, "metric": metric.pk, **({"split": split.pk} if split else {})})
    context = {
        "fractal": fractal,
        "activity": activity,
        "metric": metric,
        "split": split,
        "query": query,
        **_records(fractal, activity, metric, split, tz),
    }
    template = "insights/partials/analytics_records.html" if request.htmx else "insights/analytics_records.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _range_context(request, fractal):
    tz, week_start = user_calendar(request.user)
    today = timezone.localdate(timezone=tz)
    form = RangeForm(request.GET or None)
    start, end = form.range(today)
    return form, tz, week_start, today, start, end


@login_required
@require_safe
def analytics_time(request, root_id):
    """Where the time goes over a range of days: per goal (rolled up the tree), per activity and
    group, per template (usage, mean and median) and each template's sections planned vs actual."""
    fractal = get_fractal_for_user(request.user, root_id)
    form, tz, _, _, start, end = _range_context(request, fractal)
    goals = figures.time_per_goal(fractal, start, end, tz=tz)
    per_activity, per_group = figures.time_per_activity(fractal, start, end, tz=tz)
    usage = figures.template_usage(fractal, start, end, tz=tz)
    sections = figures.sections_planned_vs_actual(fractal, start, end, tz=tz)

    def minutes(rows, label):
        return [
            Bar(label(row), round(row["seconds"] / 60, 1), f"{label(row)}: {duration_text(row['seconds'])}")
            for row in rows
        ]

    context = {
        "fractal": fractal,
        "form": form,
        "start": start,
        "end": end,
        "query": urlencode({"start": start.isoformat(), "end": end.isoformat()}),
        "goals_chart": hbar_chart(
            minutes(goals, lambda row: row["name"]),
            title="Practice time per goal",
            unit="min",
            indent=[row["depth"] for row in goals],
            empty_message="No completed sessions in this range.",
        ),
        "goals": goals,
        "activities_chart": hbar_chart(
            minutes(per_activity[:25], lambda row: row["name"]),
            title="Timed minutes per activity",
            unit="min",
            empty_message="No timed activities in this range.",
        ),
        "activities": per_activity,
        "groups_chart": hbar_chart(
            minutes(per_group, lambda row: row["name"]),
            title="Timed minutes per activity group",
            unit="min",
            empty_message="No timed activities in this range.",
        ),
        "groups": per_group,
        "usage_chart": hbar_chart(
            [Bar(row["name"], row["sessions"], f"{row['name']}: {row['sessions']} session(s)") for row in usage],
            title="Sessions per template",
            unit="sessions",
            empty_message="No templates yet.",
        ),
        "usage": [
            {
                **row,
                "mean_text": duration_text(row["mean_seconds"]) if row["mean_seconds"] is not None else "–",
                "median_text": duration_text(row["median_seconds"]) if row["median_seconds"] is not None else "–",
            }
            for row in usage
        ],
        "sections": sections,
    }
    return render(request, "insights/analytics_time.html", context, status=400 if form.errors else 200)


@login_required
@require_safe
def analytics_goals(request, root_id):
    """Goals over time: completed per month and level, open goals by age, targets' progress."""
    fractal = get_fractal_for_user(request.user, root_id)
    tz, _ = user_calendar(request.user)
    today = timezone.localdate(timezone=tz)
    months = figures.goals_completed_per_month(fractal, today, tz=tz)
    bands = figures.open_goals_by_age(fractal, today, tz=tz)
    target_figures = figures.target_progress(fractal, today, tz=tz)
    levels = [level for level in GoalLevel if any(row["levels"][level.value] for row in months + bands)]
    for row in months + bands:
        row["counts"] = [row["levels"][level.value] for level in levels]
    context = {
        "fractal": fractal,
        "completed_chart": bar_chart(
            [
                Bar(
                    f"{row['month']:%b %y}",
                    row["total"],
                    f"{row['month']:%B %Y}: {row['total']} goal(s) completed",
                )
                for row in months
            ],
            title="Goals completed per month",
            unit="goals",
        ),
        "months": months,
        "bands": bands,
        "levels": levels,
        "open_chart": bar_chart(
            [Bar(row["band"], row["total"], f"Open for {row['band']}: {row['total']} goal(s)") for row in bands],
            title="Open goals by age",
            unit="goals",
        ),
        "targets": target_figures,
        "targets_chart": bar_chart(
            [
                Bar(f"{row['month']:%b %y}", row["met"], f"{row['month']:%B %Y}: {row['met']} target(s) met")
                for row in target_figures["met_per_month"]
            ],
            title="Targets met per month",
            unit="targets",
        ),
    }
    return render(request, "insights/analytics_goals.html", context)


@login_required
@require_safe
def analytics_csv(request, root_id, table):
    """One chart's data as a CSV download (streamed), for the same choice as its page."""
    fractal = get_fractal_for_user(request.user, root_id)
    if table not in exports.TABLES:
        raise Http404("No such table.")
    build, needs = exports.TABLES[table]
    tz, week_start = user_calendar(request.user)
    today = timezone.localdate(timezone=tz)
    context = exports.ExportContext(fractal=fractal, tz=tz, week_start=week_start, today=today)
    if needs == "series":
        form = AnalyticsFilterForm(request.GET, root=fractal)
        if not form.is_valid() or not form.cleaned_data.get("activity") or not form.cleaned_data.get("metric"):
            errors = form.errors.get_json_data() if form.errors else {"activity": "Choose an activity and a metric."}
            return HttpResponseBadRequest(f"Bad choice: {errors}", content_type="text/plain")
        data = form.cleaned_data
        context.series = {
            "activity": data["activity"],
            "metric": data["metric"],
            "split": data.get("split"),
            "start": data.get("start"),
            "end": data.get("end"),
        }
    elif needs == "range":
        form = RangeForm(request.GET or None)
        if form.is_bound and not form.is_valid():
            return HttpResponseBadRequest(f"Bad range: {form.errors.get_json_data()}", content_type="text/plain")
        context.range = form.range(today)
    header, rows = build(context)
    response = StreamingHttpResponse(exports.stream(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{table}-{today:%Y-%m-%d}.csv"'
    return response
