"""An activity series folded and bucketed by the database, so a long history costs the chart
what a short one does: the rows that reach Python are one per bucket (or per session of the page
shown), never one per recorded value.

The same three steps as the Python fold (``analytics.activity_series``, ``bucketing.bucket_points``
and ``figures.activity_periods``), on the same rows (``analytics.series_set_rows``):

1. per set: the charted metric, the top-set metric and the product factors (the shared query);
2. per session: sets, average, top set (the charted value of the set with the highest top-set
   value, the first in the page's order on a tie), best product and volume;
3. per bucket: count, sets, best/min top set, mean/min/max average, best/min product and volume.

Buckets are calendar periods in the user's zone. Their boundaries (the local midnights that start
each period) are worked out in Python with zoneinfo and compared with the session time in SQL,
so a bucket is the same on SQLite (which has no zone database) and on PostgreSQL, and the same
as the Python fold's, across DST changes and whatever the user's first weekday. Only standard
SQL is used (a window function, CASE, aggregates), on both databases.
"""

import datetime
import uuid

from django.db import connection

from . import periods

UTC = datetime.UTC


def _q(name):
    return connection.ops.quote_name(name)


def _moment(value):
    """A session time as the cursor returns it (text on SQLite, aware on PostgreSQL), in UTC."""
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def _uuid(value):
    """An id as the cursor returns it (hex text on SQLite, a UUID on PostgreSQL)."""
    return value if value is None or isinstance(value, uuid.UUID) else uuid.UUID(value)


class SeriesQuery:
    """The SQL of one activity series: the per-session points and their buckets."""

    def __init__(self, set_rows, factors):
        self.set_sql, self.set_params = set_rows.query.sql_with_params()
        self.factors = factors

    # --- step 2: one row per session ------------------------------------------------------------

    def _points_sql(self):
        s = "s."
        if self.factors:
            product = " * ".join(f"{s}{_q(f'factor_{index}')}" for index in range(self.factors))
        else:
            product = "CAST(NULL AS DOUBLE PRECISION)" if connection.vendor == "postgresql" else "CAST(NULL AS REAL)"
        x, session, label, chosen, top = (_q(name) for name in ("x", "session_ref", "session_label", "chosen", "top"))
        order = ", ".join(f"s.{_q(name)}" for name in ("instance_order", "instance_ref", "set_ref", "split_ref"))
        ranked = (
            f"SELECT s.*, ({product}) AS {_q('product')}, ROW_NUMBER() OVER (PARTITION BY s.{session} "
            f"ORDER BY CASE WHEN s.{top} IS NULL THEN 1 ELSE 0 END, s.{top} DESC, {order}) AS {_q('set_rank')} "
            f"FROM ({self.set_sql}) s"
        )
        return (
            f"SELECT r.{session} AS {_q('session_id')}, r.{label} AS {_q('session_name')}, r.{x} AS {x}, "
            f"COUNT(r.{chosen}) AS {_q('sets')}, AVG(r.{chosen}) AS {_q('average')}, "
            f"MAX(CASE WHEN r.{_q('set_rank')} = 1 AND r.{top} IS NOT NULL THEN r.{chosen} END) AS {_q('top_set')}, "
            f"MAX(r.{_q('product')}) AS {_q('product')}, "
            f"COALESCE(SUM(r.{_q('product')}), SUM(r.{chosen})) AS {_q('volume')} "
            f"FROM ({ranked}) r GROUP BY r.{session}, r.{label}, r.{x} HAVING COUNT(r.{chosen}) > 0"
        )

    def _fetch(self, sql, params):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def summary(self):
        """(sessions, first time, last time, whether any set has a product), in one aggregate."""
        ((count, first, last, best_product),) = self._fetch(
            f"SELECT COUNT(*), MIN(p.{_q('x')}), MAX(p.{_q('x')}), MAX(p.{_q('product')}) "
            f"FROM ({self._points_sql()}) p",
            self.set_params,
        )
        if not count:
            return 0, None, None, False
        return count, _moment(first), _moment(last), best_product is not None

    def points(self, offset=0, limit=None):
        """The per-session points in time order (as ``analytics.activity_series`` gives them)."""
        sql = f"{self._points_sql()} ORDER BY {_q('x')}, {_q('session_id')}"
        params = list(self.set_params)
        if limit is not None:
            sql += " LIMIT %s OFFSET %s"
            params += [limit, offset]
        elif offset:
            raise ValueError("An offset needs a limit.")
        return [
            {
                "session_id": _uuid(session_id),
                "session_name": name,
                "x": _moment(moment),
                "sets": sets,
                "average": average,
                "top_set": top_set,
                "product": product,
                "volume": volume,
            }
            for session_id, name, moment, sets, average, top_set, product, volume in self._fetch(sql, params)
        ]

    # --- step 3: one row per period -----------------------------------------------------------

    def _bucketed(self, starts, period, tz, columns):
        """Rows of (bucket index, *columns) over the points, one per non-empty period of ``starts``."""
        # Period i holds the times from the local midnight starting it to the next one. Only the
        # inner boundaries are compared (the outer ones hold every point by construction), as a
        # balanced tree of CASEs: about log2(periods) comparisons per session.
        bounds = [connection.ops.adapt_datetimefield_value(periods.day_start(start, tz)) for start in starts[1:]]
        x = f"p.{_q('x')}"

        def tree(low, high):
            if high - low == 1:
                return str(low), []
            middle = (low + high) // 2
            left, left_params = tree(low, middle)
            right, right_params = tree(middle, high)
            return f"CASE WHEN {x} < %s THEN {left} ELSE {right} END", [bounds[middle - 1], *left_params, *right_params]

        bucket, bucket_params = tree(0, len(starts))
        sql = (
            f"SELECT b.{_q('bucket')}, {', '.join(columns)} FROM "
            f"(SELECT ({bucket}) AS {_q('bucket')}, p.* FROM ({self._points_sql()}) p) b "
            f"GROUP BY b.{_q('bucket')} ORDER BY b.{_q('bucket')}"
        )
        return self._fetch(sql, [*bucket_params, *self.set_params])

    def buckets(self, first, last, period, tz=None, week_start=0):
        """The points folded per ``period`` (as ``bucketing.bucket_points`` folds them)."""
        starts = periods.periods_between(periods.local_day(first, tz), periods.local_day(last, tz), period, week_start)
        columns = [
            f"{function}(b.{_q(column)})"
            for function, column in (
                ("COUNT", "session_id"),
                ("SUM", "sets"),
                ("MAX", "top_set"),
                ("MIN", "top_set"),
                ("AVG", "average"),
                ("MIN", "average"),
                ("MAX", "average"),
                ("MAX", "product"),
                ("MIN", "product"),
                ("SUM", "volume"),
            )
        ]
        result = []
        for (
            index,
            count,
            sets,
            top,
            top_min,
            average,
            average_min,
            average_max,
            product,
            product_min,
            volume,
        ) in self._bucketed(starts, period, tz, columns):
            start = starts[index]
            result.append(
                {
                    "start": start,
                    "end": periods.period_after(start, period) - datetime.timedelta(days=1),
                    "x": periods.day_start(start, tz),
                    "count": count,
                    "sets": sets,
                    "top_set": top,
                    "top_set_min": top_min,
                    "average": average,
                    "average_min": average_min,
                    "average_max": average_max,
                    "product": product,
                    "product_min": product_min,
                    "volume": volume,
                }
            )
        return result

    def periods(self, first, last, period, tz=None, week_start=0):
        """Sessions, volume, best top set and best product per ``period``, every period from the
        first point's to the last's (as ``figures.activity_periods`` lists them)."""
        starts = periods.periods_between(periods.local_day(first, tz), periods.local_day(last, tz), period, week_start)
        rows = [{"start": start, "sessions": 0, "volume": None, "best": None, "best_product": None} for start in starts]
        columns = [
            f"{function}(b.{_q(column)})"
            for function, column in (("COUNT", "session_id"), ("SUM", "volume"), ("MAX", "top_set"), ("MAX", "product"))
        ]
        for index, count, volume, best, best_product in self._bucketed(starts, period, tz, columns):
            rows[index].update(sessions=count, volume=volume, best=best, best_product=best_product)
        return rows


class SessionPoints:
    """The per-session points of a series, read a page at a time (a ``Paginator`` calls
    ``count()`` and slices), or all at once when they are to be drawn or listed."""

    def __init__(self, query, count, everything=None):
        self.query, self._count, self._everything = query, count, everything

    def count(self):
        return self._count

    def __len__(self):
        return self._count

    def _all(self):
        if self._everything is None:
            self._everything = self.query.points()
        return self._everything

    def __iter__(self):
        return iter(self._all())

    def __getitem__(self, index):
        if self._everything is not None or not isinstance(index, slice):
            return self._all()[index]
        start, stop, step = index.indices(self._count)
        if step != 1:
            return self._all()[index]
        return self.query.points(offset=start, limit=max(0, stop - start))
