"""The analytics page: activity progress, practice overview and goals, as server-drawn SVG.

The page itself reads a bounded amount whatever the history: one activity's series, twelve
weeks of practice and the menus. The whole-history figures (streaks, totals, goals per level,
targets, deadlines) come from ``analytics_overview``, which the page loads with htmx, so a long
history never delays the chart.
"""

import datetime
import zoneinfo

from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef
from django.shortcuts import render
from django.template.loader import get_template
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_safe

from activities.models import ActivityDefinition, MetricDefinition
from goals.access import get_fractal_for_user
from goals.dates import safe_localtime
from goals.models import Profile

from . import analytics
from .charts import Bar, Point, Series, bar_chart, format_number, line_chart
from .forms import AnalyticsFilterForm

WEEKS = 12
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


def _progress(fractal, activity, metric, split, start, end, metrics):
    if activity is None or metric is None:
        return None
    points = analytics.activity_series(fractal, activity, metric, split=split, start=start, end=end)
    unit = metric.unit
    factors = [candidate for candidate in metrics if candidate.is_multiplicative]
    product_unit = " × ".join(factor.unit or factor.name for factor in factors) if len(factors) >= 2 else ""

    def series(name, key, css_class, label_unit):
        return Series(
            name=name,
            css_class=css_class,
            points=[
                Point(
                    point["x"],
                    point[key],
                    f"{point['session_name']} · {point['x']:%d %b %Y}: {name.lower()} "
                    f"{format_number(point[key])} {label_unit}".strip(),
                )
                for point in points
                if point[key] is not None
            ],
        )

    title = f"{activity.name}: {metric.name}" + (f" ({split.name})" if split else "")
    chart = line_chart(
        [series("Top set", "top_set", "series-1", unit), series("Average of sets", "average", "series-2", unit)],
        title=title,
        unit=unit or metric.name,
    )
    product_chart = None
    if any(point["product"] is not None for point in points):
        product_chart = line_chart(
            [series("Best set product", "product", "series-3", product_unit)],
            title=f"{activity.name}: {' × '.join(factor.name for factor in factors)}",
            unit=product_unit,
        )
    rows = [
        {
            **point,
            **{
                f"{key}_text": "–" if point[key] is None else format_number(point[key])
                for key in ("top_set", "average", "product")
            },
        }
        for point in points
    ]
    return {
        "activity": activity,
        "metric": metric,
        "split": split,
        "points": rows,
        "table_rows": _table_rows(rows, unit, with_product=product_chart is not None),
        "chart": chart,
        "product_chart": product_chart,
        "product_unit": product_unit,
        "title": title,
    }


def _table_rows(rows, unit, with_product):
    """The points table's rows, from one fragment template compiled at import (a busy activity
    has hundreds of points: one render of the loop, not one per row)."""
    for row in rows:
        row["when"] = safe_localtime(row["x"]).strftime("%a %d %b %Y %H:%M")
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
    context = {
        "fractal": fractal,
        "form": form,
        "progress": _progress(fractal, activity, metric, split, start, end, metrics),
        "sessions_chart": sessions_chart,
        "time_chart": time_chart,
        "weeks": WEEKS,
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
