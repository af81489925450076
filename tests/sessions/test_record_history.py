"""Personal records over time (sessions.records.record_history): the first session is the
baseline, then every session whose best beats every earlier session's, per metric and split in
the metric's direction and for the weight × reps product; the same sessions the session page
marks; one query whatever the history."""

import datetime
import zoneinfo

import pytest

from sessions.records import record_history, session_records
from tests.factories import (
    ActivityDefinitionFactory,
    ActivityInstanceFactory,
    MetricDefinitionFactory,
    MetricValueFactory,
    PracticeSessionFactory,
    SplitDefinitionFactory,
)

UTC = datetime.UTC
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
DAY = datetime.datetime(2026, 3, 2, 18, tzinfo=UTC)


@pytest.fixture
def press(fractal):
    activity = ActivityDefinitionFactory(root=fractal, name="Press", has_sets=True, metrics_multiplicative=True)
    weight = MetricDefinitionFactory(
        activity=activity, name="weight", unit="kg", is_top_set_metric=True, is_multiplicative=True, sort_order=0
    )
    reps = MetricDefinitionFactory(activity=activity, name="reps", unit="reps", is_multiplicative=True, sort_order=1)
    return activity, weight, reps


def session(fractal, activity, day, sets, name=None, metrics=None):
    """A session ``day`` days after DAY with ``sets`` of (weight, reps) (None leaves a value out)."""
    practice = PracticeSessionFactory(
        root=fractal, name=name or f"Day {day}", started_at=DAY + datetime.timedelta(days=day)
    )
    instance = ActivityInstanceFactory(session=practice, activity=activity)
    for number, cells in enumerate(sets, start=1):
        for metric, value in zip(metrics, cells, strict=True):
            if value is not None:
                MetricValueFactory(instance=instance, metric=metric, set_number=number, value=value)
    return practice


def steps_of(history):
    return [(step.session_name, step.value, step.previous) for step in history.steps]


def test_the_first_session_is_the_baseline_and_each_better_session_a_record(fractal, press):
    activity, weight, reps = press
    for day, sets in enumerate([[(60, 5), (62.5, 3)], [(60, 8)], [(65, 2)], [(65, 3)], [(70, 1), (72.5, 1)]]):
        session(fractal, activity, day, sets, metrics=[weight, reps])
    [history] = record_history(activity, weight)
    assert (history.kind, history.name, history.unit, history.lower_is_better) == ("value", "weight", "kg", False)
    # 62.5 is the baseline; 60 does not beat it, 65 does, 65 again does not, then 72.5.
    assert steps_of(history) == [("Day 0", 62.5, None), ("Day 2", 65.0, 62.5), ("Day 4", 72.5, 65.0)]
    assert history.steps[0].baseline and not history.steps[1].baseline
    assert history.steps[1].achieved_at == DAY + datetime.timedelta(days=2)


def test_the_product_records_follow_the_best_complete_set(fractal, press):
    activity, weight, reps = press
    session(fractal, activity, 0, [(60, 5)], metrics=[weight, reps])  # 300
    session(fractal, activity, 1, [(100, None), (50, 6)], metrics=[weight, reps])  # 100 alone is no set product
    session(fractal, activity, 2, [(40, 8), (30, 9)], metrics=[weight, reps])  # 320
    [history] = record_history(activity)
    assert (history.kind, history.name, history.unit) == ("product", "weight × reps", "kg × reps")
    assert steps_of(history) == [("Day 0", 300.0, None), ("Day 2", 320.0, 300.0)]


def test_a_lower_is_better_metric_records_each_faster_time(fractal):
    activity = ActivityDefinitionFactory(root=fractal, name="5k", has_sets=True)
    time = MetricDefinitionFactory(activity=activity, name="time", unit="min", lower_is_better=True)
    for day, minutes in enumerate([25.5, 26, 24.9, 24.9, 23]):
        session(fractal, activity, day, [(minutes,)], metrics=[time])
    [history] = record_history(activity, time)
    assert history.lower_is_better
    assert steps_of(history) == [("Day 0", 25.5, None), ("Day 2", 24.9, 25.5), ("Day 4", 23.0, 24.9)]


def test_each_split_has_its_own_records_in_the_activitys_order(fractal):
    activity = ActivityDefinitionFactory(root=fractal, name="Hang", has_sets=True, has_splits=True)
    hold = MetricDefinitionFactory(activity=activity, name="hold", unit="s")
    left = SplitDefinitionFactory(activity=activity, name="Left", sort_order=0)
    right = SplitDefinitionFactory(activity=activity, name="Right", sort_order=1)
    for day, (left_hold, right_hold) in enumerate([(10, 12), (11, 12), (11, 14)]):
        moment = DAY + datetime.timedelta(days=day)
        practice = PracticeSessionFactory(root=fractal, name=f"Day {day}", started_at=moment)
        instance = ActivityInstanceFactory(session=practice, activity=activity)
        MetricValueFactory(instance=instance, metric=hold, split=left, set_number=1, value=left_hold)
        MetricValueFactory(instance=instance, metric=hold, split=right, set_number=1, value=right_hold)
    histories = record_history(activity, hold)
    assert [history.split for history in histories] == [left, right]
    assert steps_of(histories[0]) == [("Day 0", 10.0, None), ("Day 1", 11.0, 10.0)]
    assert steps_of(histories[1]) == [("Day 0", 12.0, None), ("Day 2", 14.0, 12.0)]
    [only_right] = record_history(activity, hold, split=right)
    assert only_right.split == right and steps_of(only_right) == steps_of(histories[1])


def test_deleted_sessions_and_values_set_no_record_and_an_inactive_metric_has_none(fractal, press):
    activity, weight, reps = press
    session(fractal, activity, 0, [(60, 5)], metrics=[weight, reps])
    session(fractal, activity, 1, [(90, 5)], metrics=[weight, reps]).delete()
    later = session(fractal, activity, 2, [(80, 5)], metrics=[weight, reps])
    later.instances.get().values.get(metric=weight).delete()
    session(fractal, activity, 3, [(61, 5)], metrics=[weight, reps])
    [history] = record_history(activity, weight)
    assert steps_of(history) == [("Day 0", 60.0, None), ("Day 3", 61.0, 60.0)]
    weight.is_active = False
    weight.save()
    activity.refresh_from_db()
    assert record_history(activity, weight) == []
    assert record_history(activity) == []  # one active factor left: no product series


def test_the_sessions_with_records_are_those_the_session_page_marks(fractal, press):
    from sessions.page_data import load_instances

    activity, weight, reps = press
    practices = [
        session(fractal, activity, day, sets, metrics=[weight, reps])
        for day, sets in enumerate([[(50, 5)], [(55, 5), (57.5, 5)], [(57.5, 6)], [(40, 20)], [(60, 1)]])
    ]
    marked = set()
    for practice in practices:
        marks = session_records(practice, load_instances(practice))
        if any(mine["values"] & {(weight.pk, None, number) for number in range(1, 5)} for mine in marks.values()):
            marked.add(practice.name)
    [history] = record_history(activity, weight)
    assert {step.session_name for step in history.steps if not step.baseline} == marked == {"Day 1", "Day 4"}


def test_the_history_is_one_query_for_a_short_and_a_long_history(fractal, press, django_assert_num_queries):
    activity, weight, reps = press
    for size in (3, 40):
        for day in range(size):
            session(fractal, activity, 100 * size + day, [(50 + day, 5)], metrics=[weight, reps])
        activity.refresh_from_db()
        with django_assert_num_queries(2):  # the record query; the activity's metrics (active ones)
            record_history(activity, weight)
