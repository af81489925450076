"""Pauses leave their time out of a session's duration; personal records follow one rule."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from sessions.models import MetricValue, SessionPause
from sessions.page_data import load_instances
from sessions.records import activity_records, session_records
from tests.factories import MetricDefinitionFactory, PracticeSessionFactory
from tests.pages.session_data import session_with_sets, set_activity

T0 = timezone.now().replace(microsecond=0) - datetime.timedelta(hours=3)


def at(minutes, seconds=0):
    return T0 + datetime.timedelta(minutes=minutes, seconds=seconds)


@pytest.fixture
def running(fractal, short_term_goal):
    return PracticeSessionFactory(root=fractal, goals=[short_term_goal], started_at=T0)


# --- pauses --------------------------------------------------------------------------------
def test_paused_time_is_left_out_of_the_duration_exactly(running):
    running.pause(when=at(10))
    running.resume(when=at(15, 30))
    running.pause(when=at(20))
    running.resume(when=at(21))
    running.complete(when=at(60))
    running.refresh_from_db()
    assert running.total_duration_seconds == 60 * 60 - 5 * 60 - 30 - 60


def test_completing_a_paused_session_ends_the_pause_there(running):
    running.pause(when=at(30))
    running.complete(when=at(45))
    running.refresh_from_db()
    assert running.total_duration_seconds == 30 * 60
    assert SessionPause.objects.get(session=running).ended_at == at(45)


def test_editing_the_end_of_a_completed_session_keeps_its_pauses_out(running):
    running.pause(when=at(10))
    running.resume(when=at(20))
    running.complete(when=at(60))
    running.refresh_from_db()
    running.ended_at = at(90)
    running.save(update_fields=["ended_at"])
    running.refresh_from_db()
    assert running.total_duration_seconds == 80 * 60


def test_the_active_seconds_of_a_paused_session_stand_still(running):
    running.pause(when=at(5))
    assert running.active_seconds(at(50)) == 5 * 60
    assert running.is_paused


@pytest.mark.parametrize(
    "steps, message",
    [
        ([("resume", 5)], "not paused"),
        ([("pause", 5), ("pause", 6)], "already paused"),
        ([("pause", 5), ("resume", 4)], "before it was paused"),
        ([("pause", -5)], "before the session does"),
        ([("pause", 5), ("resume", 10), ("pause", 8)], "before the previous one ended"),
    ],
)
def test_pausing_out_of_order_is_refused(running, steps, message):
    *ok, (last, minute) = steps
    for action, when in ok:
        getattr(running, action)(when=at(when))
    before = list(SessionPause.objects.values_list("started_at", "ended_at"))
    with pytest.raises(ValidationError, match=message):
        getattr(running, last)(when=at(minute))
    assert list(SessionPause.objects.values_list("started_at", "ended_at")) == before


def test_a_session_not_started_or_completed_cannot_pause(fractal, short_term_goal, running):
    planned = PracticeSessionFactory(root=fractal, goals=[short_term_goal])
    with pytest.raises(ValidationError, match="in progress"):
        planned.pause()
    running.complete(when=at(10))
    with pytest.raises(ValidationError, match="in progress"):
        running.pause()


# --- records -------------------------------------------------------------------------------
@pytest.fixture
def lift(fractal):
    return set_activity(fractal, metrics_multiplicative=True)


def _marks(session):
    return session_records(session, load_instances(session))


def test_a_value_beating_every_earlier_one_is_a_record(fractal, short_term_goal, lift):
    session_with_sets(fractal, short_term_goal, lift, sets=((20, 5), (22, 3)), days_ago=3)
    today, instance = session_with_sets(fractal, short_term_goal, lift, sets=((22, 5), (24, 2)), days_ago=0)
    weight, _reps = lift.metrics.order_by("sort_order")
    marks = _marks(today)[instance.pk]
    # 22 kg ties the earlier best, 24 kg beats it; 5 reps only ties; 22 × 5 = 110 beats 20 × 5 = 100.
    assert marks["values"] == {(weight.pk, None, 2)}
    assert marks["products"] == {(None, 1)}


def test_a_later_set_must_beat_the_earlier_sets_of_the_same_session(fractal, short_term_goal, lift):
    session_with_sets(fractal, short_term_goal, lift, sets=((20, 5),), days_ago=3)
    today, instance = session_with_sets(fractal, short_term_goal, lift, sets=((30, 1), (25, 1)), days_ago=0)
    weight, _reps = lift.metrics.order_by("sort_order")
    assert _marks(today)[instance.pk]["values"] == {(weight.pk, None, 1)}


def test_the_first_time_sets_no_record(fractal, short_term_goal, lift):
    first, instance = session_with_sets(fractal, short_term_goal, lift, sets=((20, 5), (30, 5)), days_ago=0)
    assert _marks(first)[instance.pk] == {"values": set(), "products": set()}


def test_a_lower_is_better_metric_records_the_lowest_value(fractal, short_term_goal):
    run = set_activity(fractal, name="Sprint", metrics=(("Time", "s"),))
    run.metrics.update(lower_is_better=True)
    session_with_sets(fractal, short_term_goal, run, sets=((14.2,),), days_ago=2)
    today, instance = session_with_sets(fractal, short_term_goal, run, sets=((15.0,), (13.9,)), days_ago=0)
    metric = run.metrics.get()
    assert _marks(today)[instance.pk]["values"] == {(metric.pk, None, 2)}


def test_later_sessions_and_deleted_values_do_not_count_as_earlier(fractal, short_term_goal, lift):
    today, instance = session_with_sets(fractal, short_term_goal, lift, sets=((20, 5),), days_ago=1)
    session_with_sets(fractal, short_term_goal, lift, sets=((50, 5),), days_ago=0)
    old, _ = session_with_sets(fractal, short_term_goal, lift, sets=((10, 5), (40, 9)), days_ago=5)
    MetricValue.objects.filter(instance__session=old, set_number=2).delete()
    weight, _reps = lift.metrics.order_by("sort_order")
    assert _marks(today)[instance.pk]["values"] == {(weight.pk, None, 1)}


def test_the_activity_records_name_the_best_of_each_metric_and_the_product(fractal, short_term_goal, lift):
    first, _ = session_with_sets(fractal, short_term_goal, lift, sets=((20, 8),), days_ago=3, name="Monday")
    second, _ = session_with_sets(fractal, short_term_goal, lift, sets=((30, 3), (20, 8)), days_ago=1, name="Friday")
    records = {record.name: record for record in activity_records(lift)}
    assert (records["Weight"].value, records["Weight"].session_id) == (30, second.pk)
    # Reps 8 was first reached on Monday: the record is dated by its first time.
    assert (records["Reps"].value, records["Reps"].session_id) == (8, first.pk)
    assert (records["Weight × Reps"].value, records["Weight × Reps"].session_id) == (160, first.pk)


def test_an_inactive_metric_has_no_record(fractal, short_term_goal, lift):
    MetricDefinitionFactory(activity=lift, name="RPE", is_active=False)
    session_with_sets(fractal, short_term_goal, lift, sets=((20, 8),), days_ago=1)
    assert "RPE" not in {record.name for record in activity_records(lift)}
