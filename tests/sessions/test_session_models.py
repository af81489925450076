import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from goals.models import GoalLevel
from sessions.models import ActivityInstance, MetricValue, PracticeSession, SessionTemplate
from tests.factories import (
    ActivityDefinitionFactory,
    ActivityInstanceFactory,
    GoalFactory,
    MetricDefinitionFactory,
    SessionSectionFactory,
    SplitDefinitionFactory,
)

T0 = datetime.datetime(2026, 3, 1, 8, 0, tzinfo=datetime.UTC)


def test_sections_instances_and_values_take_the_session_root(session, lift):
    activity, weight, _ = lift
    section = SessionSectionFactory(session=session)
    instance = ActivityInstanceFactory(session=session, section=section, activity=activity)
    value = MetricValue(instance=instance, metric=weight, set_number=1, value=10)
    value.save()
    assert section.root_id == instance.root_id == value.root_id == session.root_id


def test_an_instance_of_an_activity_from_another_fractal_is_refused(session, stranger_fractal):
    foreign = ActivityDefinitionFactory(root=stranger_fractal)
    with pytest.raises(ValidationError) as error:
        ActivityInstance(session=session, activity=foreign).save()
    assert "activity" in error.value.message_dict
    assert not ActivityInstance.objects.exists()


def test_a_session_needs_a_short_term_or_immediate_goal_of_its_fractal(fractal, stranger_fractal, short_term_goal):
    with pytest.raises(ValidationError, match="at least one"):
        PracticeSession.create(fractal, [], "Empty")
    with pytest.raises(ValidationError, match="not a short-term or immediate"):
        PracticeSession.create(fractal, [short_term_goal.parent], "Wrong level")
    foreign = GoalFactory(parent=stranger_fractal, level=GoalLevel.LONG_TERM)
    with pytest.raises(ValidationError, match="another fractal"):
        PracticeSession.create(fractal, [foreign], "Foreign")
    assert not PracticeSession.objects.exists()
    session = PracticeSession.create(fractal, [short_term_goal], "Fine", sections=[("Warm-up", 10)])
    assert list(session.goals.all()) == [short_term_goal]
    assert session.sections.get().name == "Warm-up"


def test_start_sets_the_start_and_clears_a_previous_stop(session, lift):
    instance = ActivityInstanceFactory(session=session, activity=lift[0])
    instance.start_timer(when=T0)
    instance.stop_timer(when=T0 + datetime.timedelta(seconds=90))
    assert instance.duration_seconds == 90
    instance.start_timer(when=T0 + datetime.timedelta(minutes=5))
    assert instance.time_start == T0 + datetime.timedelta(minutes=5)
    assert instance.time_stop is None and instance.duration_seconds is None


def test_stop_without_start_is_refused(session, lift):
    instance = ActivityInstanceFactory(session=session, activity=lift[0])
    with pytest.raises(ValidationError, match="has not been started"):
        instance.stop_timer()
    instance.refresh_from_db()
    assert instance.time_stop is None


def test_stop_before_start_is_refused(session, lift):
    instance = ActivityInstanceFactory(session=session, activity=lift[0])
    instance.start_timer(when=T0)
    with pytest.raises(ValidationError, match="before the start"):
        instance.stop_timer(when=T0 - datetime.timedelta(seconds=1))
    with pytest.raises(ValidationError, match="before the start"):
        instance.set_times(T0, T0 - datetime.timedelta(minutes=1))
    instance.refresh_from_db()
    assert instance.time_start == T0 and instance.time_stop is None


def test_the_database_refuses_a_stop_before_the_start(session, lift):
    instance = ActivityInstanceFactory(session=session, activity=lift[0])
    with pytest.raises(IntegrityError), transaction.atomic():
        ActivityInstance.objects.filter(pk=instance.pk).update(time_start=T0, time_stop=T0 - datetime.timedelta(1))


def test_manual_times_derive_whole_seconds(session, lift):
    instance = ActivityInstanceFactory(session=session, activity=lift[0])
    instance.set_times(T0, T0 + datetime.timedelta(seconds=125, microseconds=900_000))
    instance.refresh_from_db()
    assert instance.duration_seconds == 125


def test_several_timers_may_run_at_once(session, lift):
    first = ActivityInstanceFactory(session=session, activity=lift[0])
    second = ActivityInstanceFactory(session=session, activity=lift[0])
    first.start_timer()
    second.start_timer()
    assert ActivityInstance.objects.filter(time_start__isnull=False, time_stop__isnull=True).count() == 2


def test_recording_values_upserts_one_value_per_cell(session, lift):
    activity, weight, reps = lift
    instance = ActivityInstanceFactory(session=session, activity=activity)
    instance.record_values(
        [{"metric": weight, "set_number": 1, "value": 10}, {"metric": reps, "set_number": 1, "value": 5}]
    )
    instance.record_values([{"metric": weight, "set_number": 1, "value": 12.5}])
    values = {(v.metric_id, v.set_number): v.value for v in MetricValue.objects.filter(instance=instance)}
    assert values == {(weight.pk, 1): 12.5, (reps.pk, 1): 5}
    instance.record_values([{"metric": reps, "set_number": 1, "value": None}])
    assert MetricValue.objects.filter(instance=instance).count() == 1


def test_the_database_keeps_one_value_per_instance_metric_split_and_set(session, fractal):
    plain = ActivityDefinitionFactory(root=fractal)
    metric = MetricDefinitionFactory(activity=plain)
    instance = ActivityInstanceFactory(session=session, activity=plain)
    MetricValue(instance=instance, metric=metric, value=1).save()
    with pytest.raises(IntegrityError), transaction.atomic():
        MetricValue(instance=instance, metric=metric, value=2).save()

    split_activity = ActivityDefinitionFactory(root=fractal, has_splits=True, has_sets=True)
    split_metric = MetricDefinitionFactory(activity=split_activity)
    left = SplitDefinitionFactory(activity=split_activity, name="Left")
    split_instance = ActivityInstanceFactory(session=session, activity=split_activity)
    MetricValue(instance=split_instance, metric=split_metric, split=left, set_number=1, value=1).save()
    MetricValue(instance=split_instance, metric=split_metric, split=left, set_number=2, value=1).save()
    with pytest.raises(IntegrityError), transaction.atomic():
        MetricValue(instance=split_instance, metric=split_metric, split=left, set_number=2, value=3).save()


def test_a_value_needs_a_split_and_set_exactly_when_the_activity_has_them(session, fractal, lift):
    activity, weight, _ = lift
    instance = ActivityInstanceFactory(session=session, activity=activity)
    with pytest.raises(ValidationError) as error:
        instance.record_values([{"metric": weight, "value": 10}])
    assert "set_number" in error.value.message_dict
    split_activity = ActivityDefinitionFactory(root=fractal, has_splits=True)
    metric = MetricDefinitionFactory(activity=split_activity)
    split_instance = ActivityInstanceFactory(session=session, activity=split_activity)
    with pytest.raises(ValidationError) as error:
        split_instance.record_values([{"metric": metric, "value": 3}])
    assert "split" in error.value.message_dict
    assert not MetricValue.objects.exists()


def test_a_value_of_a_metric_of_another_activity_is_refused(session, fractal, lift):
    instance = ActivityInstanceFactory(session=session, activity=lift[0])
    stray = MetricDefinitionFactory(activity=ActivityDefinitionFactory(root=fractal))
    with pytest.raises(ValidationError, match="another activity"):
        instance.record_values([{"metric": stray, "set_number": 1, "value": 1}])


def test_values_must_be_finite_numbers(session, lift):
    instance = ActivityInstanceFactory(session=session, activity=lift[0])
    with pytest.raises(ValidationError):
        instance.record_values([{"metric": lift[1], "set_number": 1, "value": float("nan")}])
    assert not MetricValue.objects.exists()


def test_completing_a_session_stops_timers_and_derives_the_duration(session, lift):
    instance = ActivityInstanceFactory(session=session, activity=lift[0])
    session.start(when=T0)
    instance.start_timer(when=T0 + datetime.timedelta(minutes=1))
    session.complete(when=T0 + datetime.timedelta(minutes=45))
    session.refresh_from_db()
    instance.refresh_from_db()
    assert session.completed and session.total_duration_seconds == 45 * 60
    assert instance.time_stop == T0 + datetime.timedelta(minutes=45)
    assert instance.duration_seconds == 44 * 60


def test_a_session_cannot_end_before_it_starts(session):
    session.started_at = timezone.now()
    session.ended_at = session.started_at - datetime.timedelta(minutes=1)
    with pytest.raises(ValidationError, match="end before it starts"):
        session.save()


def test_deleting_a_session_hides_its_instances_and_values_until_restored(session, lift):
    instance = ActivityInstanceFactory(session=session, activity=lift[0])
    instance.record_values([{"metric": lift[1], "set_number": 1, "value": 5}])
    session.delete()
    assert not ActivityInstance.objects.exists() and not MetricValue.objects.exists()
    session.restore()
    assert ActivityInstance.objects.count() == 1 and MetricValue.objects.count() == 1


def test_template_round_trip_keeps_sections_and_activity_order(session, fractal, short_term_goal):
    first, second, third = ActivityDefinitionFactory.create_batch(3, root=fractal)
    warmup = SessionSectionFactory(session=session, name="Warm-up", planned_minutes=10)
    main = SessionSectionFactory(session=session, name="Main", planned_minutes=30)
    ActivityInstanceFactory(session=session, section=warmup, activity=second)
    ActivityInstanceFactory(session=session, section=main, activity=third)
    ActivityInstanceFactory(session=session, section=main, activity=first)

    template = SessionTemplate.from_session(session, "Round trip")
    copy = template.create_session([short_term_goal])

    plan = [
        (section.name, section.planned_minutes, [i.activity_id for i in section.instances.order_by("sort_order")])
        for section in copy.sections.order_by("sort_order")
    ]
    assert plan == [("Warm-up", 10, [second.pk]), ("Main", 30, [third.pk, first.pk])]
    assert copy.template == template and copy.planned_minutes == 40


def test_a_template_name_is_unique_among_live_templates(fractal):
    SessionTemplate.create(fractal, "Pull day", [("Main", 10, [])])
    with pytest.raises(ValidationError) as error:
        SessionTemplate.create(fractal, "pull day", [("Main", 10, [])])
    assert "already has a template with this name" in str(error.value)
