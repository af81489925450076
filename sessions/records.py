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
import threading
import uuid
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection
from django.db.models import Case, F, Max, Min, Prefetch, Q, When
from django.db.models.functions import Coalesce

from activities.models import ActivityDefinition, MetricDefinition

from .models import ActivityInstance, MetricValue
from .probes import FIRST, SECOND, Probe, first_values

# What a record is of: a metric's value, or a set's product (the API's ``kind``).
RECORD_KINDS = ["value", "product"]


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
            for metric_id in sorted(needed, key=str):  # one order, wherever a product is computed
                product *= by_metric[metric_id]
            found[key] = (product, extras[key])
    return found


def _earlier_values(session):
    """Live values in the sessions before ``session`` (by start, else creation), for lookups that
    name the metric: the metric fixes the activity and the fractal (every write path checks that a
    value's metric is its instance's activity's), so neither is filtered again, which would only
    mislead PostgreSQL's estimate of how soon a walk of the metric's index finds an earlier row."""
    when = session.started_at or session.created_at
    return (
        MetricValue.objects.filter(instance__deleted_at__isnull=True, instance__session__deleted_at__isnull=True)
        .exclude(instance__session_id=session.pk)
        .annotate(session_when=Coalesce("instance__session__started_at", "instance__session__created_at"))
        .filter(session_when__lt=when)
    )


def _bests(earlier, probes):
    """``{key: best earlier value or None}`` for ``probes`` ({key: (column, metric id, split id,
    lowest first)}): per key, the first value of ``column`` of ``earlier`` for that metric and
    split in that order (a LIMIT 1 walk of the metric's index). One query whatever their number;
    each kind of lookup (with or without a split, in each order) is compiled once (``Probe``).
    """
    compiled = {}
    parts = []
    for column, metric_id, split_id, ascending in probes.values():
        shape = (column, split_id is None, ascending)
        if shape not in compiled:
            lookup = earlier.filter(metric_id=FIRST, split_id=None if split_id is None else SECOND)
            if column == "set_product":
                lookup = lookup.filter(set_product__isnull=False)
            compiled[shape] = Probe(lookup.order_by(column if ascending else f"-{column}").values(column)[:1])
        ids = {"FIRST": metric_id} if split_id is None else {"FIRST": metric_id, "SECOND": split_id}
        parts.append(compiled[shape].bound(**ids))
    return dict(zip(probes, first_values(parts), strict=True))


def session_records(session, instances):
    """The records set in ``session``: {instance id: {"values": {(metric, split, set)}, "products": {(split, set)}}}.

    ``instances`` are the session's instances in page order, with ``activity.live_metrics`` and
    ``live_values`` prefetched. One query whatever the history (none without values), of a LIMIT 1
    index walk per metric and split on the page: the best earlier value
    (``value_metric_split_value_idx``, walked best first until the first live row of an earlier
    session), and the best earlier set product (the stored ``set_product``, ``value_set_product_idx``).
    """
    activities = {instance.activity_id: instance.activity for instance in instances}
    if not activities:
        return {}
    earlier = _earlier_values(session)
    directions = {
        metric.pk: metric.lower_is_better for activity in activities.values() for metric in record_metrics(activity)
    }
    keys = {
        (value.metric_id, value.split_id)
        for instance in instances
        for value in instance.live_values
        if value.metric_id in directions
    }

    product_lists = {activity_id: product_metrics(activity) for activity_id, activity in activities.items()}
    product_sets = {key: {metric.pk for metric in metrics} for key, metrics in product_lists.items() if metrics}
    in_session = {}
    for instance in instances:
        needed = product_sets.get(instance.activity_id)
        if needed:
            rows = [(instance.pk, v.split_id, v.set_number, v.metric_id, v.value) for v in instance.live_values]
            in_session[instance.pk] = _products(rows, {instance.pk: needed})
    product_keys = {
        (instance.activity_id, split_id)
        for instance in instances
        for _instance, split_id, _set in in_session.get(instance.pk, ())
    }
    # Every value of a complete set carries the set's product: the first product metric's serve.
    probes = {
        ("value", metric_id, split_id): ("value", metric_id, split_id, directions[metric_id])
        for metric_id, split_id in sorted(keys, key=str)
    }
    probes.update(
        {
            ("product", activity_id, split_id): ("set_product", product_lists[activity_id][0].pk, split_id, False)
            for activity_id, split_id in sorted(product_keys, key=str)
        }
    )
    found = _bests(earlier, probes)
    best = {key[1:]: value for key, value in found.items() if key[0] == "value" and value is not None}
    best_product = {key[1:]: value for key, value in found.items() if key[0] == "product" and value is not None}

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
        if instance.pk in in_session:
            for (_, split_id, set_number), (product, _extra) in sorted(
                in_session[instance.pk].items(), key=lambda item: item[0][2] or 0
            ):
                key = (instance.activity_id, split_id)
                if key in products_with_history and beats(product, best_product.get(key)):
                    mine["products"].add((split_id, set_number))
                best_product[key] = max(best_product.get(key, product), product)
    return marks


# --- the stored set products --------------------------------------------------------------------

_pending = threading.local()


@contextmanager
def products_batch():
    """Collect the instances whose values change inside, and store their set products once at the end.

    Writers of many values at once (recording a grid, copying or confirming a set) use it so the
    products are computed once per instance, not once per saved row. Nested batches join the
    outermost one.
    """
    if getattr(_pending, "instances", None) is not None:
        yield
        return
    _pending.instances = set()
    try:
        yield
        pending = _pending.instances
    finally:
        _pending.instances = None
    store_set_products(pending)


def values_changed(instance_id):
    """A value of ``instance_id`` was saved or removed: its sets' products are stored again."""
    if instance_id is None:
        return
    pending = getattr(_pending, "instances", None)
    if pending is not None:
        pending.add(instance_id)
    else:
        store_set_products([instance_id])


def stored_product_metrics(activity):
    """The metrics whose product ``set_product`` holds: ``product_metrics`` of the activity as it
    is now or, deleted, as it was when deleted (its metrics go with it), so that deleting and
    restoring an activity leaves the stored products as they are. ``activity.live_metrics`` as
    ``_product_sets`` prefetches them."""
    if not activity.metrics_multiplicative:
        return []
    chosen = [metric for metric in activity.live_metrics if metric.is_active and metric.is_multiplicative]
    return chosen if len(chosen) >= 2 else []


def _product_sets(activity_ids):
    """{activity id: {product metric ids}} (empty when the activity offers no product series)."""
    as_it_was = Q(deleted_at__isnull=True) | Q(deleted_at=F("activity__deleted_at"))
    activities = ActivityDefinition.all_objects.filter(pk__in=activity_ids).prefetch_related(
        Prefetch(
            "metrics",
            queryset=MetricDefinition.all_objects.filter(as_it_was).order_by("sort_order"),
            to_attr="live_metrics",
        )
    )
    return {activity.pk: {metric.pk for metric in stored_product_metrics(activity)} for activity in activities}


STORE_CHUNK = 500


def store_set_products(instance_ids):
    """Store ``set_product`` on every value of the instances (deleted ones too, for an exact restore).

    A set's product is that of ``_products`` over the activity's product metrics as they are now
    (the rule the session page applies to its own sets), over the set's live values, or its values
    deleted together with their instance; it is written only on the values of those metrics of a
    complete set, every other value holds NULL. Only rows whose stored product differs are updated.
    """
    ids = sorted(set(instance_ids), key=str)
    for offset in range(0, len(ids), STORE_CHUNK):
        chunk = ids[offset : offset + STORE_CHUNK]
        rows = list(
            MetricValue.all_objects.filter(instance_id__in=chunk).values_list(
                "pk",
                "instance_id",
                "split_id",
                "set_number",
                "metric_id",
                "value",
                "set_product",
                "instance__activity_id",
                "deleted_at",
                "instance__deleted_at",
            )
        )
        # A value deleted on its own (not with its instance) is in no set.
        counted = [row for row in rows if row[8] is None or row[8] == row[9]]
        sets = _product_sets({row[7] for row in counted}) if counted else {}
        wanted = {row[1]: sets[row[7]] for row in counted if sets.get(row[7])}
        products = _products([row[1:6] for row in counted], wanted)
        changed = []
        for pk, instance_id, split_id, set_number, metric_id, _value, stored, _activity, deleted, gone in rows:
            product = None
            if deleted is None or deleted == gone:
                found = products.get((instance_id, split_id, set_number))
                if found is not None and metric_id in wanted[instance_id]:
                    product = found[0]
            if product != stored:
                changed.append(MetricValue(pk=pk, set_product=product))
        MetricValue.all_objects.bulk_update(changed, ["set_product"], batch_size=STORE_CHUNK)


def store_activity_products(activity_id):
    """Store the set products of every instance of an activity (its product metrics changed)."""
    store_set_products(ActivityInstance.all_objects.filter(activity_id=activity_id).values_list("pk", flat=True))


def fill_set_products(values, activity, metrics):
    """Give unsaved MetricValue rows of one instance their ``set_product`` (for bulk writers that
    build rows in memory); ``activity`` as it is, ``metrics`` its live metrics in order."""
    activity.live_metrics = list(metrics)
    needed = {metric.pk for metric in stored_product_metrics(activity)}
    rows = [(value.instance_id, value.split_id, value.set_number, value.metric_id, value.value) for value in values]
    products = _products(rows, {row[0]: needed for row in rows}) if needed else {}
    for value in values:
        found = products.get((value.instance_id, value.split_id, value.set_number))
        value.set_product = found[0] if found is not None and value.metric_id in needed else None
    return values


def store_products_after_trash(obj):
    """The ``goals.services.after_trash_change`` hook: a value deleted or restored on its own, or a
    metric or activity (its product rule), stores the products it touches again. Rows deleted
    with their instance keep theirs (the rule counts them), so a restore is exact."""
    if isinstance(obj, MetricValue):
        store_set_products([obj.instance_id])
    elif isinstance(obj, MetricDefinition):
        store_activity_products(obj.activity_id)
    elif isinstance(obj, ActivityDefinition):
        store_activity_products(obj.pk)


def store_fractal_products(root_id):
    """Store the set products of every instance of a fractal (after a bulk import or generation).

    Only the instances of activities that offer a product series can hold one: those are read and
    computed; any product stored on another activity's values (a document's own) is cleared in
    one update."""
    activity_ids = ActivityDefinition.all_objects.filter(root_id=root_id).values_list("pk", flat=True)
    with_products = [activity_id for activity_id, metrics in _product_sets(list(activity_ids)).items() if metrics]
    MetricValue.all_objects.filter(root_id=root_id, set_product__isnull=False).exclude(
        instance__activity_id__in=with_products
    ).update(set_product=None)
    if with_products:
        store_set_products(
            ActivityInstance.all_objects.filter(root_id=root_id, activity_id__in=with_products).values_list(
                "pk", flat=True
            )
        )


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
