"""One activity's progress as the page, the API and the CSV files all show it: the per-session
points, the same points bucketed for a chart when there are too many, and volume and best per
week (or month), and the personal records over time.

The database folds the values per session and per bucket (``insights.series_sql``): what reaches
Python is one row per bucket or period, and the per-session points only when they are drawn
(a short series), listed (``bucket="none"``) or shown a page at a time, so a long history costs
about what a short one does.
"""

from sessions import records

from . import bucketing, figures, periods, series_sql
from .analytics import series_set_rows


def activity_progress(
    fractal, activity, metric, *, split=None, start=None, end=None, tz=None, week_start=0, bucket="auto"
):
    if activity.root_id != fractal.pk:
        query, count, first, last, has_product = None, 0, None, None, False
    else:
        query = series_sql.SeriesQuery(*series_set_rows(activity, metric, split=split, start=start, end=end, tz=tz))
        count, first, last, has_product = query.summary()
    resolution = bucketing.resolution_for_span(count, first, last, tz, requested=bucket)
    if not count:
        points = series_sql.SessionPoints(query, 0, everything=[])
        return {
            "points": points,
            "point_count": 0,
            "has_product": False,
            "resolution": resolution,
            "buckets": None if resolution == "session" else [],
            "period": periods.WEEK,
            "periods": [],
        }
    # A short series is drawn point by point: read them all now (the page's table is a slice).
    points = series_sql.SessionPoints(query, count, everything=query.points() if resolution == "session" else None)
    buckets = None if resolution == "session" else query.buckets(first, last, resolution, tz, week_start)
    period = figures.activity_period_for_span(periods.local_day(first, tz), periods.local_day(last, tz))
    return {
        "points": points,
        "point_count": count,
        "has_product": has_product,
        "resolution": resolution,
        "buckets": buckets,
        "period": period,
        "periods": query.periods(first, last, period, tz, week_start),
    }


def product_unit(metrics):
    factors = [metric for metric in metrics if metric.is_multiplicative]
    return " × ".join(factor.unit or factor.name for factor in factors) if len(factors) >= 2 else ""


def record_histories(fractal, activity, metric, split=None):
    """How the activity's records grew (``sessions.records.record_history``): the charted
    metric's, one per split, then the product series' when the activity has one."""
    if activity.root_id != fractal.pk:
        return []
    return [*records.record_history(activity, metric, split), *records.record_history(activity, split=split)]
