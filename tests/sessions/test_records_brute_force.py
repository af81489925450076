"""The session page's records lookup (index walks, stored set products) marks exactly what the
previous rule did: a whole-history aggregate of the earlier values and every earlier set's
product computed from its values, kept here as the reference. Compared over generated histories
with ties, splits, lower-is-better metrics, deleted instances and sessions, equal session times,
two instances of one activity in a session, and after the activity's product rule changes."""

import datetime
import random

import pytest
from django.db.models import Max, Min
from django.utils import timezone

from activities.services import MetricSpec, SplitSpec, save_activity
from sessions.models import ActivityInstance, MetricValue, PracticeSession
from sessions.page_data import load_instances
from sessions.records import (
    _live_values,
    _products,
    beats,
    product_metrics,
    record_metrics,
    session_records,
    store_fractal_products,
)
from sessions.sets import copy_set
from tests.factories import ActivityDefinitionFactory, ActivityInstanceFactory, PracticeSessionFactory
from tests.pages.session_data import queries_of

T0 = timezone.now().replace(microsecond=0) - datetime.timedelta(days=60)


def reference_records(session, instances):
    """The rule as it was: the earlier bests from an aggregate over the whole history, and the
    earlier products from every earlier value of the product metrics."""
    activities = {instance.activity_id: instance.activity for instance in instances}
    if not activities:
        return {}
    when = session.started_at or session.created_at
    earlier = _live_values(session.root_id).exclude(instance__session_id=session.pk).filter(session_when__lt=when)
    directions = {
        metric.pk: metric.lower_is_better for activity in activities.values() for metric in record_metrics(activity)
    }
    best = {}
    for row in (
        earlier.filter(instance__activity_id__in=list(activities))
        .values("metric_id", "split_id")
        .annotate(high=Max("value"), low=Min("value"))
        .order_by()
    ):
        if row["metric_id"] in directions:
            best[(row["metric_id"], row["split_id"])] = row["low"] if directions[row["metric_id"]] else row["high"]
    product_sets = {key: {m.pk for m in product_metrics(activity)} for key, activity in activities.items()}
    product_sets = {key: ids for key, ids in product_sets.items() if ids}
    rows = list(
        earlier.filter(instance__activity_id__in=list(activities)).values_list(
            "instance_id", "split_id", "set_number", "metric_id", "value", "instance__activity_id"
        )
    )
    owner = {row[0]: row[5] for row in rows}
    wanted = {pk: product_sets[activity] for pk, activity in owner.items() if activity in product_sets}
    rows = [row for row in rows if row[0] in wanted and row[3] in wanted[row[0]]]
    best_product = {}
    for (instance_id, split_id, _set), (product, _extra) in _products(rows, wanted).items():
        key = (owner[instance_id], split_id)
        best_product[key] = max(best_product.get(key, product), product)
    with_history, products_with_history = set(best), set(best_product)
    marks = {}
    for instance in instances:
        mine = marks[instance.pk] = {"values": set(), "products": set()}
        values = sorted(instance.live_values, key=lambda value: value.set_number or 0)
        for value in values:
            if value.metric_id not in directions:
                continue
            key, lower = (value.metric_id, value.split_id), directions[value.metric_id]
            if key in with_history and beats(value.value, best.get(key), lower):
                mine["values"].add((value.metric_id, value.split_id, value.set_number))
            if best.get(key) is None or beats(value.value, best[key], lower):
                best[key] = value.value
        needed = product_sets.get(instance.activity_id)
        if needed:
            cells = [(instance.pk, v.split_id, v.set_number, v.metric_id, v.value) for v in values]
            found = _products(cells, {instance.pk: needed})
            for (_, split_id, set_number), (product, _extra) in sorted(found.items(), key=lambda item: item[0][2] or 0):
                key = (instance.activity_id, split_id)
                if key in products_with_history and beats(product, best_product.get(key)):
                    mine["products"].add((split_id, set_number))
                best_product[key] = max(best_product.get(key, product), product)
    return marks


def _activity(root, name, metrics, *, sets=True, splits=(), multiplicative=True):
    """metrics: (name, is_multiplicative, lower_is_better)."""
    return save_activity(
        root,
        {
            "name": name,
            "has_sets": sets,
            "has_metrics": True,
            "has_splits": bool(splits),
            "metrics_multiplicative": multiplicative,
        },
        [MetricSpec(name=label, is_multiplicative=mult, lower_is_better=lower) for label, mult, lower in metrics],
        [SplitSpec(name=split) for split in splits],
    )


def _library(root):
    lift = _activity(root, "Lift", [("Weight", True, False), ("Reps", True, False), ("RPE", False, True)])
    hang = _activity(
        root, "Hang", [("Load", True, False), ("Seconds", True, False), ("Time", False, True)], splits=("L", "R")
    )
    carry = _activity(root, "Carry", [("Kg", True, False), ("Metres", True, False), ("Rounds", True, False)])
    run = _activity(root, "Run", [("Minutes", False, True)], sets=False, multiplicative=False)
    return [lift, hang, carry, run]


def _history(root, goal, rng, sessions=28, library=None):
    library = library or _library(root)
    lift = library[0]
    created = []
    for number in range(sessions):
        # Coarse times, so several sessions share one; some never started (their creation counts).
        started = None if rng.random() < 0.15 else T0 + datetime.timedelta(days=rng.randrange(0, 20))
        session = PracticeSessionFactory(root=root, goals=[goal], started_at=started, name=f"S{number}")
        created.append(session)
        for activity in rng.sample(library, rng.randint(1, 4)) + ([lift] if rng.random() < 0.3 else []):
            instance = ActivityInstanceFactory(session=session, activity=activity)
            metrics = list(activity.metrics.order_by("sort_order"))
            splits = list(activity.splits.all()) if activity.has_splits else [None]
            entries = []
            for set_number in range(1, rng.randint(1, 4) + 1) if activity.has_sets else [None]:
                for split in splits:
                    for metric in metrics:
                        if rng.random() < 0.85:  # some sets stay incomplete
                            value = rng.choice([0, 1, 2, 2, 3, 4, 5, 2.5, -1]) if rng.random() < 0.9 else 1.5
                            entries.append({"metric": metric, "split": split, "set_number": set_number, "value": value})
            instance.record_values(entries)
            if activity.has_sets and rng.random() < 0.2:
                copy_set(instance, 1, 5)
    live = list(PracticeSession.objects.filter(root=root))
    for session in rng.sample(live, 3):
        session.delete()
    for instance in rng.sample(list(ActivityInstance.objects.filter(root=root)), 5):
        instance.delete()
    restored = PracticeSession.all_objects.filter(root=root, deleted_at__isnull=False).first()
    restored.restore()
    return library


def _assert_same_marks(root):
    sessions = list(PracticeSession.objects.filter(root=root))
    assert sessions
    for session in sessions:
        instances = load_instances(session)
        assert session_records(session, instances) == reference_records(session, instances), session.name


def _stored_products(root):
    return dict(MetricValue.all_objects.filter(root=root).values_list("pk", "set_product"))


def _assert_products_as_stored_afresh(root):
    stored = _stored_products(root)
    MetricValue.all_objects.filter(root=root).update(set_product=None)
    store_fractal_products(root.pk)
    assert _stored_products(root) == stored


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_records_of_every_session_match_the_whole_history_rule(fractal, short_term_goal, seed):
    _history(fractal, short_term_goal, random.Random(seed))
    assert MetricValue.objects.filter(root=fractal, set_product__isnull=False).exists()
    _assert_products_as_stored_afresh(fractal)
    _assert_same_marks(fractal)


def test_the_records_still_match_after_the_product_rule_changes(fractal, short_term_goal):
    lift, hang, carry, _run = _history(fractal, short_term_goal, random.Random(7))

    def edit(activity, **changes):
        metrics = list(activity.metrics.order_by("sort_order"))
        specs = [
            MetricSpec(
                name=m.name,
                id=m.pk,
                is_multiplicative=changes.get(m.name, {}).get("is_multiplicative", m.is_multiplicative),
                is_active=changes.get(m.name, {}).get("is_active", m.is_active),
                lower_is_better=m.lower_is_better,
            )
            for m in metrics
            if not changes.get(m.name, {}).get("removed")
        ]
        specs += [MetricSpec(name=name, is_multiplicative=True) for name in changes.get("added", ())]
        fields = {"metrics_multiplicative": changes.get("multiplicative", activity.metrics_multiplicative)}
        splits = [SplitSpec(name=s.name, id=s.pk) for s in activity.splits.all()]
        return save_activity(fractal, fields, specs, splits, definition=activity)

    steps = [
        lambda: edit(lift, RPE={"is_multiplicative": True}),  # a third factor
        lambda: edit(carry, Rounds={"is_active": False}),  # down to two
        lambda: edit(hang, multiplicative=False),  # no product series
        lambda: edit(hang, multiplicative=True),
        lambda: edit(carry, Kg={"removed": True}),  # a metric deleted: below two factors
        lambda: carry.metrics.model.all_objects.get(activity=carry, name="Kg").restore(),
        lambda: edit(lift, RPE={"removed": True}, added=("Tempo",)),  # a new factor no earlier set has
        lambda: lift.delete(),
        lambda: type(lift).all_objects.get(pk=lift.pk).restore(),
    ]
    for step in steps:
        step()
        for activity in (lift, hang, carry):
            activity.refresh_from_db()
        _assert_products_as_stored_afresh(fractal)
        _assert_same_marks(fractal)


def test_a_value_deleted_on_its_own_leaves_its_set_and_comes_back_with_it(fractal, short_term_goal):
    _history(fractal, short_term_goal, random.Random(11), sessions=8)
    value = MetricValue.objects.filter(root=fractal, set_product__isnull=False).first()
    value.delete()
    assert (
        not MetricValue.all_objects.filter(
            instance_id=value.instance_id, split_id=value.split_id, set_number=value.set_number
        )
        .exclude(set_product=None)
        .exists()
    )
    _assert_same_marks(fractal)
    MetricValue.all_objects.get(pk=value.pk).restore()
    assert MetricValue.objects.get(pk=value.pk).set_product is not None
    _assert_products_as_stored_afresh(fractal)
    _assert_same_marks(fractal)


def test_editing_a_set_stores_its_product_again(fractal, short_term_goal):
    lift = _activity(fractal, "Lift", [("Weight", True, False), ("Reps", True, False)])
    weight, reps = lift.metrics.order_by("sort_order")
    instance = ActivityInstanceFactory(session=PracticeSessionFactory(root=fractal, started_at=T0), activity=lift)
    instance.record_values(
        [{"metric": weight, "set_number": 1, "value": 20}, {"metric": reps, "set_number": 1, "value": 5}]
    )
    assert set(MetricValue.objects.filter(instance=instance).values_list("set_product", flat=True)) == {100}
    instance.record_values([{"metric": reps, "set_number": 1, "value": 6}])
    assert set(MetricValue.objects.filter(instance=instance).values_list("set_product", flat=True)) == {120}
    instance.record_values([{"metric": reps, "set_number": 1, "value": None}])
    assert list(MetricValue.objects.filter(instance=instance).values_list("set_product", flat=True)) == [None]


def test_the_lookup_runs_the_same_queries_whatever_the_history(fractal, short_term_goal):
    library = _history(fractal, short_term_goal, random.Random(5), sessions=6)
    latest = PracticeSession.objects.filter(root=fractal, started_at__isnull=False).order_by("-started_at").first()
    instances = load_instances(latest)
    before = queries_of(lambda: session_records(latest, instances))
    _history(fractal, short_term_goal, random.Random(6), sessions=12, library=library)
    assert queries_of(lambda: session_records(latest, instances)) == before == 1


def test_a_session_with_nothing_recorded_looks_nothing_up(fractal, short_term_goal):
    activity = ActivityDefinitionFactory(root=fractal, has_sets=True)
    session = PracticeSessionFactory(root=fractal, started_at=T0)
    ActivityInstanceFactory(session=session, activity=activity)
    instances = load_instances(session)
    assert queries_of(lambda: session_records(session, instances)) == 0
    assert session_records(session, instances) == {instances[0].pk: {"values": set(), "products": set()}}


# --- bulk writers store the products too -------------------------------------------------------
@pytest.mark.parametrize("shape", ["rotating", "log"])
def test_generated_data_holds_the_set_products_the_rule_gives(db, shape):
    from ops.datagen import generate_fractal
    from tests.factories import UserFactory

    generated = generate_fractal(
        UserFactory(username="gen"),
        goals=60,
        sessions=30,
        instances_per_session=4,
        values_per_instance=6,
        seed=3,
        shape=shape,
    )
    root = generated.root
    assert MetricValue.objects.filter(root=root, set_product__isnull=False).exists()
    _assert_products_as_stored_afresh(root)
    _assert_same_marks(root)


def test_an_imported_document_gets_its_set_products_from_its_values_not_from_the_document(fractal, short_term_goal):
    from goals.accounts import erase_account
    from ops.portability import export_fractal, import_fractal
    from tests.factories import UserFactory

    _history(fractal, short_term_goal, random.Random(4), sessions=6)
    document = export_fractal(fractal)
    expected = _stored_products(fractal)
    for item in document["objects"]:
        if item["model"] == "practice_sessions.metricvalue":
            item["fields"]["set_product"] = 1e9  # hand-edited (or absent in an older document)
    owner = UserFactory(username="importer")
    erase_account(fractal.owner)
    assert not MetricValue.all_objects.exists()
    import_fractal(document, owner)
    assert _stored_products(fractal) == expected
