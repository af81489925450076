"""The analytics page: activity progress, practice overview and goals, as server-drawn SVG.

The page itself reads a bounded amount whatever the history: one activity's series, twelve
weeks of practice and the menus. The whole-history figures (streaks, totals, goals per level,
targets, deadlines) come from ``analytics_overview``, which the page loads with htmx, so a long
history never delays the chart.
"""

from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from activities.models import ActivityDefinition, MetricDefinition
from goals.access import get_fractal_for_user
from goals.dates import safe_localtime

from .. import analytics
from ..charts import Bar, Point, Series, bar_chart, format_number, line_chart
from ..plan_forms import AnalyticsFilterForm

WEEKS = 12


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
    """The points table's rows, built here: a busy activity has hundreds of points, and the
    template engine spends far longer per row than this does."""
    suffix = f" {escape(unit)}" if unit else " "
    html = []
    for row in rows:
        moment = safe_localtime(row["x"])
        cells = [
            escape(row["session_name"]),
            moment.strftime("%a %d %b %Y %H:%M"),
            row["top_set_text"] + (suffix if row["top_set"] is not None else ""),
            row["average_text"] + (suffix if row["average"] is not None else ""),
        ]
        if with_product:
            cells.append(row["product_text"])
        cells.append(str(row["sets"]))
        html.append("<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>")
    return mark_safe("".join(html))  # the only text from users went through escape()


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

    today = timezone.now().date()
    weeks = analytics.practice_weeks(fractal, weeks=WEEKS, today=today)
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
    return render(request, "plans/analytics.html", context, status=200 if not form.errors else 400)


@login_required
@require_safe
def analytics_overview(request, root_id):
    """The whole-history figures: streaks, totals, goals per level, targets and deadlines.

    For htmx (the analytics page loads it) the two fragments, the goals one swapped in out of
    band; otherwise a page of its own, the no-JavaScript fallback the page links to.
    """
    fractal = get_fractal_for_user(request.user, root_id)
    today = timezone.now().date()
    totals = analytics.totals(fractal)
    goals = analytics.goal_summary(fractal, today=today)
    context = {
        "fractal": fractal,
        "streaks": analytics.streaks(fractal, today=today),
        "totals": totals,
        "total_time": duration_text(totals["seconds"]),
        "goals": goals,
        "targets_total": goals["targets_met"] + goals["targets_open"],
    }
    if request.htmx:
        response = render(request, "plans/partials/analytics_overview.html", context)
    else:
        response = render(request, "plans/analytics_overview.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response
