import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from activities.models import ActivityDefinition, MetricDefinition, SplitDefinition, TargetMetric
from tests.factories import (
    ActivityDefinitionFactory,
    ActivityGroupFactory,
    GoalFactory,
    MetricDefinitionFactory,
    SplitDefinitionFactory,
    TargetFactory,
)


def test_metrics_and_splits_take_the_root_of_their_activity(fractal):
    activity = ActivityDefinitionFactory(root=fractal, has_splits=True)
    metric = MetricDefinitionFactory(activity=activity)
    split = SplitDefinitionFactory(activity=activity)
    assert metric.root_id == split.root_id == fractal.pk


def test_an_activity_cannot_join_a_group_of_another_fractal(fractal, stranger_fractal):
    foreign_group = ActivityGroupFactory(root=stranger_fractal)
    activity = ActivityDefinition(name="Squat", group=foreign_group)
    activity.root = fractal
    with pytest.raises(ValidationError) as error:
        activity.save()
    assert "group" in error.value.message_dict
    assert not ActivityDefinition.objects.exists()


def test_a_deleted_name_can_be_reused(fractal):
    first = ActivityDefinitionFactory(root=fractal, name="Squat")
    first.delete()
    second = ActivityDefinitionFactory(root=fractal, name="Squat")
    assert second.pk != first.pk
    assert ActivityDefinition.all_objects.filter(root=fractal, name="Squat").count() == 2


def test_live_names_are_unique_per_fractal_ignoring_case(fractal, stranger_fractal):
    ActivityDefinitionFactory(root=fractal, name="Squat")
    ActivityDefinitionFactory(root=stranger_fractal, name="Squat")  # another fractal is fine
    duplicate = ActivityDefinition(name="squat")
    duplicate.root = fractal
    with pytest.raises(ValidationError, match="already has an activity with this name"):
        duplicate.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_restoring_into_a_taken_name_is_refused(fractal):
    first = ActivityDefinitionFactory(root=fractal, name="Squat")
    first.delete()
    ActivityDefinitionFactory(root=fractal, name="Squat")
    with pytest.raises(ValidationError):
        ActivityDefinition.all_objects.get(pk=first.pk).restore()


def test_an_activity_has_at_most_three_metrics(fractal):
    activity = ActivityDefinitionFactory(root=fractal)
    MetricDefinitionFactory.create_batch(3, activity=activity)
    with pytest.raises(ValidationError, match="at most 3 metrics"):
        MetricDefinition(activity=activity, name="fourth").save()
    assert activity.metrics.count() == 3


def test_only_one_top_set_metric_per_activity(fractal):
    activity = ActivityDefinitionFactory(root=fractal)
    MetricDefinitionFactory(activity=activity, is_top_set_metric=True)
    with pytest.raises(ValidationError, match="top-set metric"), transaction.atomic():
        MetricDefinitionFactory(activity=activity, is_top_set_metric=True)
    second = MetricDefinitionFactory.build(activity=activity, root=fractal, is_top_set_metric=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        MetricDefinition.all_objects.bulk_create([second])  # the constraint holds where save() is bypassed


def test_a_deleted_top_set_metric_leaves_the_top_set_free(fractal):
    activity = ActivityDefinitionFactory(root=fractal)
    old = MetricDefinitionFactory(activity=activity, is_top_set_metric=True)
    old.delete()
    assert MetricDefinitionFactory(activity=activity, is_top_set_metric=True).is_top_set_metric


def test_structure_needs_two_to_five_splits_when_split(fractal):
    activity = ActivityDefinitionFactory.build(root=fractal, has_splits=True)
    with pytest.raises(ValidationError, match="2 to 5 splits"):
        activity.validate_structure([], [SplitDefinition(name="Left")])
    activity.validate_structure([], [SplitDefinition(name="Left"), SplitDefinition(name="Right")])
    with pytest.raises(ValidationError, match="2 to 5 splits"):
        activity.validate_structure([], [SplitDefinition(name=f"s{i}") for i in range(6)])


def test_structure_refuses_two_top_set_metrics_and_duplicate_names(fractal):
    activity = ActivityDefinitionFactory.build(root=fractal)
    with pytest.raises(ValidationError, match="top-set"):
        activity.validate_structure(
            [MetricDefinition(name="a", is_top_set_metric=True), MetricDefinition(name="b", is_top_set_metric=True)],
            [],
        )
    with pytest.raises(ValidationError, match="same name"):
        activity.validate_structure([MetricDefinition(name="Reps"), MetricDefinition(name="reps")], [])


def test_deleting_a_group_ungroups_its_activities(fractal):
    group = ActivityGroupFactory(root=fractal)
    activity = ActivityDefinitionFactory(root=fractal, group=group)
    group.delete()
    activity.refresh_from_db()
    assert activity.group_id is None and activity.deleted_at is None


def test_deleting_an_activity_keeps_its_metrics_for_history(fractal):
    activity = ActivityDefinitionFactory(root=fractal, name="Old lift")
    metric = MetricDefinitionFactory(activity=activity)
    activity.delete()
    assert MetricDefinition.all_objects.get(pk=metric.pk).deleted_at == activity.deleted_at
    assert ActivityDefinition.all_objects.get(pk=activity.pk).name == "Old lift"
    activity.restore()
    assert MetricDefinition.objects.filter(pk=metric.pk).exists()


def test_a_target_cannot_use_an_activity_of_another_fractal(fractal, stranger_fractal):
    goal = GoalFactory(parent=fractal)
    with pytest.raises(ValidationError):
        TargetFactory(goal=goal, activity=ActivityDefinitionFactory(root=stranger_fractal))


def test_a_threshold_metric_must_belong_to_the_target_activity(fractal):
    target = TargetFactory(goal=GoalFactory(parent=fractal))
    other_metric = MetricDefinitionFactory(activity=ActivityDefinitionFactory(root=fractal))
    with pytest.raises(ValidationError, match="target's activity"):
        TargetMetric(target=target, metric=other_metric, threshold=3).save()


def test_a_threshold_must_be_finite(fractal):
    target = TargetFactory(goal=GoalFactory(parent=fractal))
    metric = MetricDefinitionFactory(activity=target.activity)
    with pytest.raises(ValidationError):
        TargetMetric(target=target, metric=metric, threshold=float("inf")).save()


def test_the_live_name_scope_is_read_from_each_models_unique_name_constraint():
    assert ActivityDefinition.live_name_scope() == "root"
    assert MetricDefinition.live_name_scope() == "activity"
    assert SplitDefinition.live_name_scope() == "activity"
    assert TargetMetric.live_name_scope() is None


def test_a_free_live_name_skips_live_names_of_the_scope_ignoring_case_but_not_trashed_ones(fractal):
    ActivityDefinitionFactory(root=fractal, name="Run")
    ActivityDefinitionFactory(root=fractal, name="Run (2)")
    ActivityDefinitionFactory(root=fractal, name="Swim").delete()
    taken = ActivityDefinition.live_names([fractal.pk])
    assert ActivityDefinition.free_live_name(taken, fractal.pk, "RUN") == "RUN (3)"
    assert ActivityDefinition.free_live_name(taken, fractal.pk, "Swim") == "Swim"
    assert ActivityDefinition.free_live_name(taken, fractal.pk, "swim") == "swim (2)"  # the first Swim is now taken
