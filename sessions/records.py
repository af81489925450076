"""Personal records: one rule for the session page, the activity page and the API.

A record is a value of a metric (per split) that beats every earlier value of that metric for
the activity: higher is better, unless the metric says lower is better (a time to finish). For an
activity that offers a product series (e.g. weight × reps), the product of a set's
multiplicative metrics is a record the same way (higher is better). "Earlier" means in an earlier
session (by its start, else its creation), or earlier in the same session (a lower set number, or
an activity above it on the page). An activity's first session sets no record: it is the baseline
the later ones beat.
"""

import datetime
import uuid
from collections import defaultdict
from dataclasses import dataclass

from django.db import connection
from django.db.models import Case, F, Max, Min, When
from django.db.models.functions import Coalesce

from .models import ActivityInstance, MetricValue


def beats(value, best, lower_is_better=False):
    if best is None:
        return False
    return value < best if lower_is_better else value > best


def record_metrics(activity):
    """The active metrics of ``activity`` (from its ``live_metrics`` prefetch when present)."""
    metrics = getattr(activity, "live_metrics", None)
    if metrics is None:
        metrics = list(activity.metrics.filter(deleted_at__isnull=True).order_by("sort_order"))
    return [metric for metric in metrics if metric.is_active and metric.deleted_at is None]


def product_metrics(activity):
    """The metrics whose product is a series of its own (two or more), else []."""
    if not activity.metrics_multiplicative:
        return []
    chosen = [metric for metric in record_metrics(activity) if metric.is_multiplicative]
    return chosen if len(chosen) >= 2 else []


def _live_values(root_id):
    return MetricValue.objects.filter(
        root_id=root_id, instance__deleted_at__isnull=True, instance__session__deleted_at__isnull=True
    ).annotate(session_when=Coalesce("instance__session__started_at", "instance__session__created_at"))


def _products(rows, wanted):
    """Products of complete sets: rows are (instance, split, set, metric, value, *extra).

    Returns {(instance, split, set): (product, extra)} for sets holding every metric of ``wanted``
    ({activity-independent metric ids}).
    """
    cells = defaultdict(dict)
    extras = {}
    for instance_id, split_id, set_number, metric_id, value, *extra in rows:
        cells[(instance_id, split_id, set_number)][metric_id] = value
        extras[(instance_id, split_id, set_number)] = extra
    found = {}
    for key, by_metric in cells.items():
        needed = wanted.get(key[0])
        if needed and needed <= set(by_metric):
            product = 1.0
            for metric_id in needed:
                product *= by_metric[metric_id]
            found[key] = (product, extras[key])
    return found


def session_records(session, instances):
    """The records set in ``session``: {instance id: {"values": {(metric, split, set)}, "products": {(split, set)}}}.

    ``instances`` are the session's instances in page order, with ``activity.live_metrics`` and
    ``live_values`` prefetched. Two queries at most, whatever the history: the earlier best of each
    metric (one aggregate), and the earlier values of the product metrics.
    """
    activities = {instance.activity_id: instance.activity for instance in instances}
    if not activities:
        return {}
    when = session.started_at or session.created_at
    earlier = _live_values(session.root_id).exclude(instance__session_id=session.pk).filter(session_when__lt=when)
    best = {}
    directions = {
        metric.pk: metric.lower_is_better for activity in activities.values() for metric in record_metrics(activity)
    }
    for row in (
        earlier.filter(instance__activity_id__in=list(activities))
        .values("metric_id", "split_id")
        .annotate(high=Max("value"), low=Min("value"))
        .order_by()
    ):
        if row["metric_id"] not in directions:
            continue  # an inactive metric has no record
        best[(row["metric_id"], row["split_id"])] = row["low"] if directions[row["metric_id"]] else row["high"]

    product_sets = {activity_id: product_metrics(activity) for activity_id, activity in activities.items()}
    product_sets = {key: {metric.pk for metric in metrics} for key, metrics in product_sets.items() if metrics}
    best_product = {}
    # Filtered by what the activities are, not by the ids found above, so the page runs this
    # query whether or not one of its activities has a product series (a flat query count).
    rows = earlier.filter(
        instance__activity_id__in=list(activities),
        metric__is_multiplicative=True,
        instance__activity__metrics_multiplicative=True,
    ).values_list("instance_id", "split_id", "set_number", "metric_id", "value", "instance__activity_id")
    wanted_metrics = {pk for ids in product_sets.values() for pk in ids}
    rows = [row for row in rows if row[3] in wanted_metrics]
    owner = {row[0]: row[5] for row in rows}
    wanted = {instance_id: product_sets[activity_id] for instance_id, activity_id in owner.items()}
    for (instance_id, split_id, _set), (product, _extra) in _products(rows, wanted).items():
        key = (owner[instance_id], split_id)
        best_product[key] = max(best_product.get(key, product), product)

    # Only what has a history can set a record: the first session of an activity is its baseline.
    with_history, products_with_history = set(best), set(best_product)
    marks = {}
    for instance in instances:
        mine = {"values": set(), "products": set()}
        marks[instance.pk] = mine
        values = sorted(instance.live_values, key=lambda value: value.set_number or 0)
        for value in values:
            if value.metric_id not in directions:
                continue
            key = (value.metric_id, value.split_id)
            lower = directions[value.metric_id]
            if key in with_history and beats(value.value, best.get(key), lower):
                mine["values"].add((value.metric_id, value.split_id, value.set_number))
            current = best.get(key)
            if current is None or beats(value.value, current, lower):
                best[key] = value.value
        needed = product_sets.get(instance.activity_id)
        if needed:
            rows = [(instance.pk, v.split_id, v.set_number, v.metric_id, v.value) for v in values]
            products = _products(rows, {instance.pk: needed})
            for (_, split_id, set_number), (product, _extra) in sorted(
                products.items(), key=lambda item: item[0][2] or 0
            ):
                key = (instance.activity_id, split_id)
                if key in products_with_history and beats(product, best_product.get(key)):
                    mine["products"].add((split_id, set_number))
                best_product[key] = max(best_product.get(key, product), product)
    return marks


@dataclass
class Record:
    kind: str  # "value" or "product"
    name: str
    unit: str
    split: object
    value: float
    set_number: object
    session_id: object
    session_name: str
    achieved_at: object
    metric: object = None
    lower_is_better: bool = False


def activity_records(activity):
    """The activity's current records, one per metric and split (and the product), best first found.

    Three queries whatever the history: the best of each metric and split, the first values that
    reached it (with their session), and the product metrics' values.
    """
    metrics = {metric.pk: metric for metric in record_metrics(activity)}
    splits = {split.pk: split for split in activity.splits.all()} if activity.has_splits else {}
    records = []
    if metrics:
        values = _live_values(activity.root_id).filter(instance__activity_id=activity.pk, metric_id__in=metrics)
        bests = {}
        for row in values.values("metric_id", "split_id").annotate(high=Max("value"), low=Min("value")).order_by():
            metric = metrics[row["metric_id"]]
            bests[(row["metric_id"], row["split_id"])] = row["low"] if metric.lower_is_better else row["high"]
        if bests:
            reached = {}
            candidates = values.filter(value__in=set(bests.values())).values_list(
                "metric_id",
                "split_id",
                "value",
                "set_number",
                "instance__session_id",
                "instance__session__name",
                "session_when",
            )
            for metric_id, split_id, value, set_number, session_id, name, when in candidates.order_by(
                "session_when", "set_number"
            ):
                key = (metric_id, split_id)
                if bests.get(key) == value and key not in reached:
                    reached[key] = (value, set_number, session_id, name, when)
            for metric_id, metric in metrics.items():
                for split_id in [None, *splits] if splits else [None]:
                    found = reached.get((metric_id, split_id))
                    if found is None:
                        continue
                    value, set_number, session_id, name, when = found
                    records.append(
                        Record(
                            "value",
                            metric.name,
                            metric.unit,
                            splits.get(split_id),
                            value,
                            set_number,
                            session_id,
                            name,
                            when,
                            metric=metric,
                            lower_is_better=metric.lower_is_better,
                        )
                    )
    needed = product_metrics(activity)
    if needed:
        ids = {metric.pk for metric in needed}
        rows = (
            _live_values(activity.root_id)
            .filter(instance__activity_id=activity.pk, metric_id__in=ids)
            .order_by("session_when", "set_number")
            .values_list(
                "instance_id",
                "split_id",
                "set_number",
                "metric_id",
                "value",
                "instance__session_id",
                "instance__session__name",
                "session_when",
            )
        )
        rows = list(rows)
        products = _products(rows, {row[0]: ids for row in rows})
        best = {}
        for (_instance, split_id, set_number), (product, (session_id, name, when)) in products.items():
            current = best.get(split_id)
            if current is None or product > current[0] or (product == current[0] and when < current[3]):
                best[split_id] = (product, set_number, session_id, when, name)
        units = " × ".join(metric.unit or metric.name for metric in needed)
        label = " × ".join(metric.name for metric in needed)
        for split_id, (product, set_number, session_id, when, name) in best.items():
            records.append(
                Record("product", label, units, splits.get(split_id), product, set_number, session_id, name, when)
            )
    return records


# --- records over time ------------------------------------------------------------------------


@dataclass
class RecordStep:
    """One session that set a record (or the first session, the baseline): its best value of
    the series, and the record it beat (None for the baseline)."""

    session_id: object
    session_name: str
    achieved_at: object
    value: float
    previous: object = None

    @property
    def baseline(self):
        return self.previous is None


@dataclass
class RecordHistory:
    kind: str  # "value" or "product"
    name: str
    unit: str
    split: object
    lower_is_better: bool
    steps: list


def _record_steps_sql(sql, lower_is_better):
    """Wrap ``sql`` (one row per session and split: split_ref, session_ref, session_label,
    session_when, best) in SQL that keeps the first session of each split and every later one whose
    best beats every earlier session's, with the record it beat."""
    q = connection.ops.quote_name
    running = "MIN" if lower_is_better else "MAX"
    beats_sql = "<" if lower_is_better else ">"
    window = f"PARTITION BY s.{q('split_ref')} ORDER BY s.{q('session_when')}, s.{q('session_ref')}"
    ranked = (
        f"SELECT s.*, {running}(s.{q('best')}) OVER ({window} ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) "
        f"AS {q('before')}, ROW_NUMBER() OVER ({window}) AS {q('position')} FROM ({sql}) s"
    )
    columns = ", ".join(
        f"r.{q(name)}" for name in ("split_ref", "session_ref", "session_label", "session_when", "best", "before")
    )
    return (
        f"SELECT {columns} FROM ({ranked}) r WHERE r.{q('position')} = 1 OR r.{q('best')} {beats_sql} r.{q('before')} "
        f"ORDER BY r.{q('split_ref')}, r.{q('session_when')}, r.{q('session_ref')}"
    )


def _live_activity_values(activity, metric_ids):
    # The activity's live instances, then their values of the metrics: two index reads (see
    # instance_activity_live_idx and value_instance_metric_idx), whatever the history.
    return MetricValue.objects.filter(
        instance_id__in=ActivityInstance.objects.filter(activity_id=activity.pk).values("pk"),
        metric_id__in=metric_ids,
        instance__session__deleted_at__isnull=True,
    ).annotate(
        session_when=Coalesce("instance__session__started_at", "instance__session__created_at"),
        session_ref=F("instance__session_id"),
        session_label=F("instance__session__name"),
        split_ref=F("split_id"),
    )


def _when(value):
    if isinstance(value, str):  # SQLite returns the stored UTC text of a raw column
        value = datetime.datetime.fromisoformat(value)
    return value.replace(tzinfo=datetime.UTC) if value.tzinfo is None else value.astimezone(datetime.UTC)


def _uuid(value):
    """An id as the cursor returns it (hex text on SQLite, a UUID on PostgreSQL)."""
    return value if value is None or isinstance(value, uuid.UUID) else uuid.UUID(value)


def _histories(sql, params, splits, make):
    """The histories found, one per split in the activity's order of splits (no split first)."""
    found = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for split_id, session_id, name, when, best, before in cursor.fetchall():
            found.setdefault(_uuid(split_id), []).append(RecordStep(_uuid(session_id), name, _when(when), best, before))
    order = [None, *splits]
    return [
        make(split_id, found[split_id])
        for split_id in sorted(found, key=lambda key: order.index(key) if key in order else len(order))
    ]


def record_history(activity, metric=None, split=None):
    """How the records of ``activity`` grew, session by session, as :func:`session_records` marks
    them: for ``metric`` (its own direction), else for the product series (higher is better),
    one history per split (``split`` alone when given), each a list of :class:`RecordStep` — the
    first session (the baseline), then every session whose best beats every earlier session's.

    One query whatever the history: the database keeps each session's best and the running best
    before it (window functions), and returns only the sessions that set a record.
    """
    splits = {item.pk: item for item in activity.splits.all()} if activity.has_splits else {}
    if split is not None:
        splits = {split.pk: split}
    if metric is not None:
        if metric.pk not in {candidate.pk for candidate in record_metrics(activity)}:
            return []  # an inactive metric has no records
        values = _live_activity_values(activity, [metric.pk])
        if split is not None:
            values = values.filter(split_id=split.pk)
        best = Min("value") if metric.lower_is_better else Max("value")
        per_session = (
            values.values("split_ref", "session_ref", "session_label", "session_when").annotate(best=best).order_by()
        )
        sql, params = per_session.query.sql_with_params()
        return _histories(
            _record_steps_sql(sql, metric.lower_is_better),
            params,
            splits,
            lambda split_id, steps: RecordHistory(
                "value", metric.name, metric.unit, splits.get(split_id), metric.lower_is_better, steps
            ),
        )
    needed = product_metrics(activity)
    if not needed:
        return []
    values = _live_activity_values(activity, [item.pk for item in needed])
    if split is not None:
        values = values.filter(split_id=split.pk)
    factors = {
        f"factor_{index}": Max(Case(When(metric_id=item.pk, then=F("value")))) for index, item in enumerate(needed)
    }
    per_set = (
        values.annotate(instance_ref=F("instance_id"), set_ref=F("set_number"))
        .values("split_ref", "session_ref", "session_label", "session_when", "instance_ref", "set_ref")
        .annotate(**factors)
        .order_by()
    )
    q = connection.ops.quote_name
    set_sql, params = per_set.query.sql_with_params()
    product = " * ".join(f"t.{q(name)}" for name in factors)
    keys = ", ".join(f"t.{q(name)}" for name in ("split_ref", "session_ref", "session_label", "session_when"))
    per_session_sql = (
        f"SELECT {keys}, MAX({product}) AS {q('best')} FROM ({set_sql}) t GROUP BY {keys} "
        f"HAVING MAX({product}) IS NOT NULL"
    )
    label = " × ".join(item.name for item in needed)
    unit = " × ".join(item.unit or item.name for item in needed)
    return _histories(
        _record_steps_sql(per_session_sql, lower_is_better=False),
        params,
        splits,
        lambda split_id, steps: RecordHistory("product", label, unit, splits.get(split_id), False, steps),
    )
