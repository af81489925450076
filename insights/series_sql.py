"""An activity series folded per session by the database: the rows that reach Python are one per
session, not one per set and metric.

The same fold as ``analytics.activity_series`` (the Python reference, kept for the tests), on the
same rows (``analytics.series_set_rows``): per set the charted metric, the top-set metric and the
product factors; per session the sets, average, top set (the charted value of the set with the
highest top-set value, the first in the page's order on a tie: a window function), best product
and volume. Standard SQL only (a window function, CASE, aggregates), on SQLite and PostgreSQL.
"""

import datetime
import uuid

from django.db import connection

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
    """The SQL of one activity series folded per session."""

    def __init__(self, set_rows, factors):
        self.set_sql, self.set_params = set_rows.query.sql_with_params()
        self.factors = factors

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

    def points(self):
        """The per-session points in time order (as ``analytics.activity_series`` gives them)."""
        sql = f"{self._points_sql()} ORDER BY {_q('x')}, {_q('session_id')}"
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
            for session_id, name, moment, sets, average, top_set, product, volume in self._fetch(sql, self.set_params)
        ]


def session_points(set_rows, factors):
    """Every per-session point of the series, in time order."""
    return SeriesQuery(set_rows, factors).points()
