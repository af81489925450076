"""One activity's progress as the page, the API and the CSV files all show it: the per-session
points, the same points bucketed for a chart when there are too many, and volume and best per
week (or month)."""

from . import analytics, bucketing, figures


def activity_progress(
    fractal, activity, metric, *, split=None, start=None, end=None, tz=None, week_start=0, bucket="auto"
):
    points = analytics.activity_series(fractal, activity, metric, split=split, start=start, end=end, tz=tz)
    resolution = bucketing.resolution_for(points, tz, requested=bucket)
    buckets = None if resolution == "session" else bucketing.bucket_points(points, resolution, tz, week_start)
    period, period_rows = figures.activity_periods(points, tz, week_start)
    return {
        "points": points,
        "resolution": resolution,
        "buckets": buckets,
        "period": period,
        "periods": period_rows,
    }


def product_unit(metrics):
    factors = [metric for metric in metrics if metric.is_multiplicative]
    return " × ".join(factor.unit or factor.name for factor in factors) if len(factors) >= 2 else ""
