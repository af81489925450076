"""The session page's "last time" lookup finds what a plain search over all history finds,
in one query at any length of history, also for activities not practised lately."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ops.datagen import generate_fractal
from sessions import page_data
from sessions.models import ActivityInstance, MetricValue, PracticeSession
from tests.factories import UserFactory

NOW = datetime.datetime(2026, 6, 1, 12, 0, tzinfo=datetime.UTC)


def plain_previous(session, activity_id):
    """The definition, by brute force: the latest earlier live session's instance with values."""
    when = session.started_at or session.created_at
    candidates = []
    for instance in ActivityInstance.objects.filter(activity_id=activity_id).select_related("session"):
        other = instance.session
        other_when = other.started_at or other.created_at
        earlier = other.deleted_at is None and other.pk != session.pk and other_when < when
        if earlier and MetricValue.objects.filter(instance=instance).exists():
            candidates.append(((other_when, other.created_at, instance.created_at), instance.pk))
    return max(candidates)[1] if candidates else None


@pytest.fixture
def history(db):
    owner = UserFactory(username="log")
    root = generate_fractal(
        owner, goals=40, sessions=120, instances_per_session=4, values_per_instance=2, seed=5, now=NOW, shape="log"
    ).root
    return list(PracticeSession.objects.filter(root_id=root.pk).order_by("-started_at"))


@pytest.mark.parametrize("recent", [200, 3, 1])
def test_last_time_matches_the_plain_search_with_or_without_the_recent_window(history, monkeypatch, recent):
    monkeypatch.setattr(page_data, "RECENT_SESSIONS", recent)
    for session in history[:3] + history[60:62] + history[-2:]:
        activity_ids = set(ActivityInstance.objects.filter(session=session).values_list("activity_id", flat=True))
        activity_ids |= set(ActivityInstance.objects.filter(session=history[-1]).values_list("activity_id", flat=True))
        found = page_data.previous_instances(session, activity_ids)
        for activity_id in activity_ids:
            expected = plain_previous(session, activity_id)
            assert getattr(found.get(activity_id), "pk", None) == expected, (session.started_at, activity_id)


def test_a_deleted_session_is_not_last_time(history):
    session = history[0]
    activity_id = ActivityInstance.objects.filter(session=session).values_list("activity_id", flat=True).first()
    previous = page_data.previous_instances(session, {activity_id})[activity_id]
    previous.session.delete()
    again = page_data.previous_instances(session, {activity_id}).get(activity_id)
    assert again is None or again.session_id != previous.session_id
    assert getattr(again, "pk", None) == plain_previous(session, activity_id)


def test_last_time_is_one_query_plus_the_found_instances_prefetches(history):
    session = history[0]
    activity_ids = set(ActivityInstance.objects.filter(session=session).values_list("activity_id", flat=True))
    with CaptureQueriesContext(connection) as captured:
        page_data.previous_instances(session, activity_ids)
    assert len(captured) == 5  # the lookup, then the instances, their metrics, splits and values


@pytest.mark.parametrize("recent", [1, 2, 4])
def test_last_time_is_right_when_sessions_share_a_start_at_the_window_edge(history, monkeypatch, recent):
    # The window is a range of start times, so sessions tied with its oldest one are all inside it.
    tied = history[1:6]
    PracticeSession.all_objects.filter(pk__in=[s.pk for s in tied]).update(started_at=tied[-1].started_at)
    monkeypatch.setattr(page_data, "RECENT_SESSIONS", recent)
    session = history[0]
    practised = ActivityInstance.objects.filter(session__in=[session, *tied])
    activity_ids = set(practised.values_list("activity_id", flat=True))
    found = page_data.previous_instances(session, activity_ids)
    for activity_id in activity_ids:
        assert getattr(found.get(activity_id), "pk", None) == plain_previous(session, activity_id), activity_id
