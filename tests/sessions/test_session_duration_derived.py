"""A completed session's duration comes from its own times, and stays true when they change."""

import datetime

import pytest
from django.utils import timezone

from sessions.models import PracticeSession
from tests.security.world import build_world, make_user


@pytest.fixture
def world(db):
    return build_world(make_user("duration"), "DUR")


def test_editing_the_end_of_a_completed_session_recomputes_its_duration(world):
    session = world.completed_session
    session.ended_at = session.started_at + datetime.timedelta(minutes=45)
    session.save()
    session.refresh_from_db()
    assert session.total_duration_seconds == 45 * 60


def test_editing_the_end_through_update_fields_recomputes_the_duration(world):
    session = world.completed_session
    session.ended_at = session.started_at + datetime.timedelta(minutes=20)
    session.save(update_fields=["ended_at"])
    session.refresh_from_db()
    assert session.total_duration_seconds == 20 * 60


def test_a_session_logged_after_the_fact_takes_its_end_from_its_activities(world):
    yesterday = timezone.now() - datetime.timedelta(days=1)
    session = PracticeSession.create(world.root, [world.goal], "logged later")
    instance = session.add_activity(world.plain_activity)
    instance.set_times(yesterday, yesterday + datetime.timedelta(minutes=30))
    session.complete()
    session.refresh_from_db()
    assert session.started_at == yesterday
    assert session.ended_at == yesterday + datetime.timedelta(minutes=30)
    assert session.total_duration_seconds == 30 * 60
