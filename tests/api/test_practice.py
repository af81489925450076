"""API: start practice from a goal, repeat or duplicate a session."""

import pytest

from sessions.models import ActivityInstance, PracticeSession, SessionSection
from tests.api.conftest import url
from tests.factories import ActivityInstanceFactory, GoalFactory, MetricValueFactory, SessionSectionFactory

pytestmark = pytest.mark.django_db


def test_start_practice_creates_a_started_session_linked_to_the_goal(api, fractal, short_term_goal):
    response = api.post(url(fractal, "sessions/start-practice/"), {"goal": str(short_term_goal.pk)}, format="json")
    assert response.status_code == 201, response.json()
    session = PracticeSession.objects.get(pk=response.json()["id"])
    assert list(session.goals.all()) == [short_term_goal]
    assert session.started_at is not None and not session.completed


def test_start_practice_from_a_long_term_goal_is_refused(api, fractal):
    response = api.post(url(fractal, "sessions/start-practice/"), {"goal": str(fractal.pk)}, format="json")
    assert response.status_code == 400
    assert not PracticeSession.objects.exists()


def test_start_practice_with_a_goal_of_another_fractal_is_refused(api, fractal, stranger_fractal):
    foreign = GoalFactory(parent=GoalFactory(parent=GoalFactory(parent=stranger_fractal)))
    response = api.post(url(fractal, "sessions/start-practice/"), {"goal": str(foreign.pk)}, format="json")
    assert response.status_code == 400
    assert not PracticeSession.objects.exists()


def test_start_practice_is_for_the_owner_only(stranger_api, anonymous_api, fractal, short_term_goal):
    for client in (stranger_api, anonymous_api):
        response = client.post(url(fractal, "sessions/start-practice/"), {"goal": str(short_term_goal.pk)})
        assert response.status_code in (401, 403, 404)
    assert not PracticeSession.objects.exists()


def test_copying_a_session_keeps_goals_sections_and_activities_but_not_values(api, fractal, session, activity):
    section = SessionSectionFactory(session=session, name="Main")
    instance = ActivityInstanceFactory(session=session, section=section, activity=activity)
    MetricValueFactory(instance=instance, metric=activity.metrics.first(), set_number=1, value=20)
    response = api.post(url(fractal, f"sessions/{session.pk}/copy/"), {"start": False}, format="json")
    assert response.status_code == 201, response.json()
    copy = PracticeSession.objects.get(pk=response.json()["id"])
    assert copy.pk != session.pk and copy.started_at is None
    assert list(copy.goals.all()) == list(session.goals.all())

    def names(of):
        return list(SessionSection.objects.filter(session=of).order_by("sort_order").values_list("name", flat=True))

    assert names(copy) == names(session) and "Main" in names(copy)
    copied = ActivityInstance.objects.get(session=copy, activity=activity, section__name="Main")
    assert copied.section.session == copy
    assert not copied.values.exists()


def test_repeating_starts_the_copy(api, fractal, session):
    response = api.post(url(fractal, f"sessions/{session.pk}/copy/"), {}, format="json")
    assert response.status_code == 201
    assert PracticeSession.objects.get(pk=response.json()["id"]).started_at is not None


def test_a_bad_start_flag_is_refused(api, fractal, session):
    response = api.post(url(fractal, f"sessions/{session.pk}/copy/"), {"start": "perhaps"}, format="json")
    assert response.status_code == 400
    assert PracticeSession.objects.count() == 1


def test_copying_is_for_the_owner_only(stranger_api, anonymous_api, fractal, session):
    for client in (stranger_api, anonymous_api):
        assert client.post(url(fractal, f"sessions/{session.pk}/copy/")).status_code in (401, 403, 404)
    assert PracticeSession.objects.count() == 1
