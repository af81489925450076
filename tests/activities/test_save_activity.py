"""The save_activity service: one transaction for an activity with its metrics and splits."""

import pytest
from django.core.exceptions import ValidationError

from activities.models import ActivityDefinition, MetricDefinition, SplitDefinition
from activities.services import MetricSpec, SplitSpec, save_activity
from tests.factories import ActivityGroupFactory, MetricDefinitionFactory


def test_a_new_activity_is_saved_with_metrics_and_splits_in_order(fractal):
    activity = save_activity(
        fractal,
        {"name": "Pistol squat", "has_sets": True, "has_splits": True},
        [MetricSpec("Weight", "kg", is_top_set_metric=True), MetricSpec("Reps", "reps")],
        [SplitSpec("Left"), SplitSpec("Right")],
    )
    assert activity.root_id == fractal.pk
    assert list(activity.metrics.order_by("sort_order").values_list("name", "sort_order")) == [
        ("Weight", 0),
        ("Reps", 1),
    ]
    assert list(activity.splits.order_by("sort_order").values_list("name", flat=True)) == ["Left", "Right"]


def test_the_structure_rules_refuse_the_whole_save(fractal):
    with pytest.raises(ValidationError) as error:
        save_activity(fractal, {"name": "Four"}, [MetricSpec(f"m{n}") for n in range(4)], [])
    assert "metrics" in error.value.message_dict
    assert not ActivityDefinition.all_objects.filter(root=fractal).exists()


def test_splits_are_dropped_when_the_activity_has_none(fractal):
    activity = save_activity(fractal, {"name": "Plank", "has_splits": False}, [MetricSpec("Seconds")], [])
    assert not SplitDefinition.all_objects.filter(activity=activity).exists()


def test_updating_keeps_named_metrics_soft_deletes_the_rest_and_moves_the_top_set_flag(fractal):
    activity = save_activity(
        fractal,
        {"name": "Row"},
        [MetricSpec("Weight", is_top_set_metric=True), MetricSpec("Reps"), MetricSpec("RPE")],
        [],
    )
    weight, reps, rpe = activity.metrics.order_by("sort_order")
    save_activity(
        fractal,
        {"name": "Barbell row"},
        [MetricSpec("Reps", id=reps.pk, is_top_set_metric=True), MetricSpec("Load", id=weight.pk), MetricSpec("Tempo")],
        [],
        definition=activity,
    )
    live = list(MetricDefinition.objects.filter(activity=activity).order_by("sort_order"))
    assert [(m.name, m.is_top_set_metric) for m in live] == [("Reps", True), ("Load", False), ("Tempo", False)]
    assert live[0].pk == reps.pk and live[1].pk == weight.pk
    assert MetricDefinition.all_objects.get(pk=rpe.pk).deleted_at is not None


def test_a_metric_of_another_activity_cannot_be_claimed(fractal):
    activity = save_activity(fractal, {"name": "Row"}, [MetricSpec("Weight")], [])
    foreign = MetricDefinitionFactory(activity__root=fractal, name="Foreign")
    with pytest.raises(ValidationError):
        save_activity(fractal, {"name": "Row"}, [MetricSpec("Mine", id=foreign.pk)], [], definition=activity)
    foreign.refresh_from_db()
    assert foreign.name == "Foreign"


def test_a_group_of_another_fractal_is_refused(fractal, stranger_fractal):
    with pytest.raises(ValidationError):
        save_activity(fractal, {"name": "Row", "group": ActivityGroupFactory(root=stranger_fractal)}, [], [])
    assert not ActivityDefinition.all_objects.filter(root=fractal).exists()


def test_an_activity_of_another_fractal_cannot_be_updated_through_this_one(fractal, stranger_fractal):
    foreign = save_activity(stranger_fractal, {"name": "Theirs"}, [], [])
    with pytest.raises(ValidationError):
        save_activity(fractal, {"name": "Mine"}, [], [], definition=foreign)
    foreign.refresh_from_db()
    assert foreign.name == "Theirs"
