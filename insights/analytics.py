"""Analytics numbers for a fractal: activity series, practice per week, streaks, totals, goals.

Used by the analytics page and by the API. Every function runs a fixed number of queries:
the database aggregates, and Python only folds rows that are already one per set, per day
or per level. Deleted rows never count. Days and weeks are calendar days in the zone passed
(the user's; UTC when none), weeks starting on the weekday passed (Monday when none).
"""

import datetime

from django.db import NotSupportedError
from django.db.models import Case, Count, F, Func, IntegerField, Max, Q, Sum, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from activities.models import MetricDefinition, Target
from goals.dates import safe_localtime, shift_day
from goals.models import Goal, GoalLevel
from sessions.models import ActivityInstance, MetricValue, PracticeSession
from sessions.targets import target_counts

UTC = datetime.UTC


def _root_id(root):
    return getattr(root, "pk", root)


def _today(today, tz=None):
    return today or timezone.now().astimezone(tz or UTC).date()


def _day_start(day, tz=None):
    # zoneinfo gives the offset in force at that local midnight, so DST changes are honoured.
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=tz or UTC)


def _local_day(moment, tz):
    return safe_localtime(moment, tz or UTC).date()


# --- activity progress -------------------------------------------------------------------


def series_set_rows(activity, metric, split=None, start=None, end=None, tz=None):
    """The values of an activity series, one row per set (session, instance, set number, split)
    with the charted metric (``chosen``), the top-set metric (``top``) and each product factor
    (``factor_0`` …), unordered; and the number of factors (0 without a product series).

    Shared by the per-session fold in Python (``activity_series``) and the one in SQL
    (``insights.series_sql``), so both read exactly the same rows.
    """
    metrics = list(
        MetricDefinition.objects.filter(activity_id=activity.pk)
        .order_by("sort_order")
        .only("id", "is_top_set_metric", "is_multiplicative")
    )
    top_metric_id = next((m.pk for m in metrics if m.is_top_set_metric), metric.pk)
    factor_ids = [m.pk for m in metrics if m.is_multiplicative]
    if len(factor_ids) < 2:
        factor_ids = []
    wanted_ids = {metric.pk, top_metric_id, *factor_ids}

    def value_of(metric_id):
        return Max(Case(When(metric_id=metric_id, then=F("value"))))

    rows = (
        # Scoped through the activity (checked by the callers), not by root: the activity's live
        # instances (instance_activity_live_idx) and their values of the few metrics
        # (value_instance_metric_idx), two contiguous index reads, instead of every value of the
        # metrics in value order, each looked up in the table (10× slower on a long history).
        MetricValue.objects.filter(
            instance_id__in=ActivityInstance.objects.filter(activity_id=activity.pk).values("pk"),
            metric_id__in=wanted_ids,
            instance__session__deleted_at__isnull=True,
        )
        .annotate(
            x=Coalesce("instance__session__started_at", "instance__session__created_at"),
            session_ref=F("instance__session_id"),
            session_label=F("instance__session__name"),
            instance_ref=F("instance_id"),
            instance_order=F("instance__sort_order"),
            set_ref=F("set_number"),
            split_ref=F("split_id"),
        )
        .values("x", "session_ref", "session_label", "instance_ref", "instance_order", "set_ref", "split_ref")
        .annotate(
            chosen=value_of(metric.pk),
            top=value_of(top_metric_id),
            **{f"factor_{index}": value_of(metric_id) for index, metric_id in enumerate(factor_ids)},
        )
        .order_by()
    )
    if split is not None:
        rows = rows.filter(split_id=split.pk)
    if start is not None:
        rows = rows.filter(x__gte=_day_start(start, tz))
    if end is not None:
        rows = rows.filter(x__lt=_day_start(shift_day(end, 1), tz))
    return rows, len(factor_ids)


# The order of the sets of a session: the page's order of its instances, then set and split.
SET_ORDER = ("instance_order", "instance_ref", "set_ref", "split_ref")


def activity_series(root, activity, metric, split=None, start=None, end=None, tz=None):
    """One point per live session with values of ``metric`` for ``activity``, ordered by x.

    ``start`` and ``end`` are local days in ``tz`` (inclusive). Each point has the top set, the
    average of sets, the best set product, the volume (the sum over sets of the product, or of
    the metric when the activity has no product) and the set count.
    """
    if activity.root_id != _root_id(root):
        return []
    rows, factors = series_set_rows(activity, metric, split=split, start=start, end=end, tz=tz)
    points = []
    current = None
    for row in rows.order_by("x", "session_ref", *SET_ORDER):
        if current is None or current["session_id"] != row["session_ref"]:
            current = {
                "session_id": row["session_ref"],
                "session_name": row["session_label"],
                "x": row["x"].astimezone(UTC),
                "_sets": [],
            }
            points.append(current)
        current["_sets"].append(row)
    for point in points:
        _fold_sets(point, factors)
    return [point for point in points if point["sets"]]


def _fold_sets(point, factors):
    """Turn the per-set rows of one session into top set, average, product and set count."""
    sets = point.pop("_sets")
    values = [row["chosen"] for row in sets if row["chosen"] is not None]
    point["sets"] = len(values)
    point["average"] = sum(values) / len(values) if values else None
    best = None
    for row in sets:
        if row["top"] is not None and (best is None or row["top"] > best["top"]):
            best = row
    point["top_set"] = best["chosen"] if best is not None else None
    products = []
    for row in sets:
        values_ = [row[f"factor_{index}"] for index in range(factors)]
        if values_ and all(value is not None for value in values_):
            product = 1.0
            for value in values_:
                product *= value
            products.append(product)
    point["product"] = max(products) if products else None
    point["volume"] = sum(products) if products else (sum(values) if values else None)


# --- practice overview -------------------------------------------------------------------


def _completed_sessions(root):
    return PracticeSession.objects.filter(root_id=_root_id(root), completed=True).annotate(
        x=Coalesce("started_at", "created_at")
    )


def practice_weeks(root, weeks=12, today=None, tz=None, week_start=0):
    """Completed sessions and practice seconds per week, oldest first.

    Weeks start on ``week_start`` (``date.weekday()`` numbering: 0 Monday, 6 Sunday) and days
    are calendar days in ``tz``. The database reads only the sessions of those weeks (by the
    index on the session time); Python puts each in its local day, which stays right across
    DST changes.
    """
    today = _today(today, tz)
    this_week = today - datetime.timedelta(days=(today.weekday() - week_start) % 7)
    first_week = this_week - datetime.timedelta(weeks=weeks - 1)
    rows = (
        _completed_sessions(root)
        .filter(
            x__gte=_day_start(first_week, tz),
            x__lt=_day_start(this_week + datetime.timedelta(days=7), tz),
        )
        .values_list("x", "total_duration_seconds")
    )
    result = [
        {"week_start": first_week + datetime.timedelta(weeks=index), "sessions": 0, "seconds": 0}
        for index in range(weeks)
    ]
    for moment, seconds in rows:
        index = (_local_day(moment, tz) - first_week).days // 7
        if 0 <= index < weeks:
            result[index]["sessions"] += 1
            result[index]["seconds"] += seconds or 0
    return result


class UTCDayOrdinal(Func):
    """The UTC calendar day of a datetime as ``date.toordinal()`` numbers it, in SQL.

    Built-in date arithmetic of each database: ``TruncDate`` calls a Python function per row on
    SQLite, and whole-history figures read every session of a fractal.
    """

    output_field = IntegerField()

    def as_sql(self, compiler, connection, **extra_context):
        raise NotSupportedError(f"UTCDayOrdinal is not written for {connection.vendor}.")

    def as_sqlite(self, compiler, connection, **extra_context):
        # SQLite stores aware datetimes as UTC text; julianday() of a date is N.5 (days start at
        # noon), and julianday 1721425.5 is 0001-01-01, ordinal 1.
        template = "(CAST(julianday(date(%(expressions)s)) AS INTEGER) - 1721424)"
        return super().as_sql(compiler, connection, template=template, **extra_context)

    def as_postgresql(self, compiler, connection, **extra_context):
        template = "(((%(expressions)s) AT TIME ZONE 'UTC')::date - DATE '0001-01-01' + 1)"
        return super().as_sql(compiler, connection, template=template, **extra_context)


def streaks(root, today=None, tz=None):
    """Current and longest runs of consecutive days (in ``tz``) with a completed session."""
    today = _today(today, tz).toordinal()
    if tz is None or tz == UTC:
        days = _completed_sessions(root).annotate(day=UTCDayOrdinal("x")).order_by("x").values_list("day", flat=True)
    else:
        # Ordered by the time of ``session_root_done_when_idx`` (an index read, no sort); each
        # time is put in its local day here, with the offset in force at that moment.
        days = (
            _local_day(moment, tz).toordinal()
            for moment in _completed_sessions(root).order_by("x").values_list("x", flat=True)
        )
    longest = run = current = 0
    previous = None
    for day in days:
        if day == previous:
            continue
        run = run + 1 if previous is not None and day == previous + 1 else 1
        longest = max(longest, run)
        previous = day
        if today - 1 <= day <= today:
            current = run  # counted back from today, else from yesterday
    return {"current": current, "longest": longest}


def totals(root):
    """Live sessions, completed sessions, practice seconds and activity instances."""
    root_id = _root_id(root)
    sessions = PracticeSession.objects.filter(root_id=root_id).aggregate(
        sessions=Count("id"),
        completed_sessions=Count("id", filter=Q(completed=True)),
        seconds=Sum("total_duration_seconds"),
    )
    # Live instances of live sessions, without joining every instance to its session: all live
    # instances of the fractal (read from ``instance_root_live_idx`` alone) less those left live
    # in a deleted session (a delete takes its instances along, so normally none).
    # The second count is by session only, so the few deleted sessions drive it.
    deleted_sessions = PracticeSession.all_objects.filter(root_id=root_id, deleted_at__isnull=False)
    instances = (
        ActivityInstance.objects.filter(root_id=root_id).count()
        - ActivityInstance.objects.filter(session_id__in=deleted_sessions.values("pk")).count()
    )
    return {
        "sessions": sessions["sessions"],
        "completed_sessions": sessions["completed_sessions"],
        "seconds": sessions["seconds"] or 0,
        "instances": instances,
    }


# --- goals -------------------------------------------------------------------------------


def goal_summary(root, today=None):
    """Completed goals per level, targets met and open, and the next deadlines."""
    root_id = _root_id(root)
    today = _today(today)
    counts = {
        row["level"]: row
        for row in Goal.objects.filter(root_id=root_id)
        .values("level")
        .annotate(total=Count("id"), completed=Count("id", filter=Q(completed=True)))
        .order_by()
    }
    per_level = [
        {
            "level": level.value,
            "label": level.label,
            "completed": counts.get(level.value, {}).get("completed", 0),
            "total": counts.get(level.value, {}).get("total", 0),
        }
        for level in GoalLevel
    ]
    counts = target_counts(Target.objects.filter(root_id=root_id, goal__deleted_at__isnull=True)).values()
    targets = {"total": sum(total for total, _ in counts), "met": sum(met for _, met in counts)}
    deadlines = list(
        Goal.objects.filter(root_id=root_id, completed=False, deadline__gte=today).order_by(
            "deadline", "sort_order", "created_at"
        )[:10]
    )
    return {
        "completed_per_level": per_level,
        "targets_met": targets["met"],
        "targets_open": targets["total"] - targets["met"],
        "upcoming_deadlines": deadlines,
    }
