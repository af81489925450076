"""One activity's progress as the page, the API and the CSV files all show it: the per-session
points, the same points bucketed for a chart when there are too many, and volume and best per
week (or month), and the personal records over time.

The database folds the values per session (``insights.series_sql``, one query): Python gets one
row per session, not one per set, and buckets those by the user's calendar.
"""

from sessions import records

from . import bucketing, figures, series_sql
from .analytics import series_set_rows


def activity_progress(
    fractal,
    activity,
    metric,
    *,
    split=None,
    start=None,
    end=None,
    tz=None,
    week_start=0,
    bucket="auto",
    periods=True,
):
    """The points, buckets and (unless ``periods`` is False: the series API and its CSV files do
    not show them) the volume and best per period of one activity series."""
    if activity.root_id != fractal.pk:
        points = []
    else:
        points = series_sql.session_points(*series_set_rows(activity, metric, split=split, start=start, end=end, tz=tz))
    resolution = bucketing.resolution_for(points, tz, requested=bucket)
    buckets = None if resolution == "session" else bucketing.bucket_points(points, resolution, tz, week_start)
    result = {
        "points": points,
        "point_count": len(points),
        "has_product": any(point["product"] is not None for point in points),
        "resolution": resolution,
        "buckets": buckets,
    }
    if periods:
        result["period"], result["periods"] = figures.activity_periods(points, tz, week_start)
    return result


def product_unit(metrics):
    factors = [metric for metric in metrics if metric.is_multiplicative]
    return " × ".join(factor.unit or factor.name for factor in factors) if len(factors) >= 2 else ""


def record_histories(fractal, activity, metric, split=None):
    """How the activity's records grew (``sessions.records.record_history``): the charted
    metric's, one per split, then the product series' when the activity has one."""
    if activity.root_id != fractal.pk:
        return []
    return [*records.record_history(activity, metric, split), *records.record_history(activity, split=split)]
