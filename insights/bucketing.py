"""Long series sized for a screen: one bucket per day, week or month in the user's zone.

A chart about 700 units wide cannot show 2,500 sessions; drawing them makes a page of a
megabyte that says no more than 120 buckets. Each bucket keeps what the points said: the best
(top set, product), the mean of the averages, the count of sessions and sets, and the min/max
of each series, so a bad day is still visible. The full per-session data stays in the paged
table and the CSV download.
"""

from . import periods

MAX_POINTS = 120


def resolution_for(points, tz=None, max_points=MAX_POINTS, requested="auto"):
    """``"session"`` (no bucketing) or the period to bucket by, for the points of a series."""
    if not points:
        return resolution_for_span(0, None, None, tz, max_points, requested)
    return resolution_for_span(len(points), points[0]["x"], points[-1]["x"], tz, max_points, requested)


def resolution_for_span(count, first, last, tz=None, max_points=MAX_POINTS, requested="auto"):
    """The same, from the number of points and the times of the first and the last."""
    if requested in periods.PERIODS:
        return requested
    if requested == "none" or count <= max_points or not count:
        return "session"
    return periods.period_for_span(periods.local_day(first, tz), periods.local_day(last, tz), max_points)


def _extremes(values):
    values = [value for value in values if value is not None]
    if not values:
        return None, None
    return min(values), max(values)


def bucket_points(points, period, tz=None, week_start=0):
    """Fold time-ordered series points into one bucket per ``period``, oldest first."""
    groups = {}
    for point in points:
        start = periods.period_start(periods.local_day(point["x"], tz), period, week_start)
        groups.setdefault(start, []).append(point)
    buckets = []
    for start, members in groups.items():
        top_min, top_max = _extremes(point["top_set"] for point in members)
        average_min, average_max = _extremes(point["average"] for point in members)
        product_min, product_max = _extremes(point["product"] for point in members)
        averages = [point["average"] for point in members if point["average"] is not None]
        volumes = [point["volume"] for point in members if point.get("volume") is not None]
        buckets.append(
            {
                "start": start,
                "end": periods.period_after(start, period) - periods.datetime.timedelta(days=1),
                "x": periods.day_start(start, tz),
                "count": len(members),
                "sets": sum(point["sets"] for point in members),
                "top_set": top_max,
                "top_set_min": top_min,
                "average": sum(averages) / len(averages) if averages else None,
                "average_min": average_min,
                "average_max": average_max,
                "product": product_max,
                "product_min": product_min,
                "volume": sum(volumes) if volumes else None,
            }
        )
    return buckets
