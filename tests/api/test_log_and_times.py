"""API: log a past session, start a template now, and the rule for a session's own times (the page's rule)."""

import datetime

import pytest
from django.utils import timezone

from sessions.models import PracticeSession, SessionTemplate
from tests.api.conftest import url
from tests.factories import ActivityDefinitionFactory, GoalFactory

pytestmark = pytest.mark.django_db
HOUR = datetime.timedelta(hours=1)


def iso(moment):
    return moment.isoformat()


@pytest.fixture
def yesterday():
    return (timezone.now() - datetime.timedelta(days=1)).replace(microsecond=0)


def test_logging_a_past_session_records_it_completed_with_its_duration(api, fractal, short_term_goal, yesterday):
    squat = ActivityDefinitionFactory(root=fractal, name="Squat")
    body = {
        "goals": [str(short_term_goal.pk)],
        "started_at": iso(yesterday),
        "ended_at": iso(yesterday + HOUR),
        "activities": [str(squat.pk)],
        "notes": "Heavy",
    }
    response = api.post(url(fractal, "sessions/log/"), body, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["completed"] is True and data["total_duration_seconds"] == 3600
    assert data["name"] == short_term_goal.name
    assert [instance["activity_name"] for instance in data["instances"]] == ["Squat"]
    assert [note["body"] for note in data["notes"]] == ["Heavy"]
    session = PracticeSession.objects.get()
    assert (session.started_at, session.ended_at, session.completed_at) == (
        yesterday,
        yesterday + HOUR,
        yesterday + HOUR,
    )


@pytest.mark.parametrize(
    ("times", "field"),
    [
        ((0, -1), "ended_at"),  # hours after yesterday: ends before it starts
        ((0, 0), "ended_at"),
        ((30, 31), "started_at"),  # in the future
        ((-30, -1), "ended_at"),  # 29 hours long
    ],
)
def test_logging_bad_times_is_a_400_and_creates_nothing(api, fractal, short_term_goal, yesterday, times, field):
    body = {
        "goals": [str(short_term_goal.pk)],
        "started_at": iso(yesterday + times[0] * HOUR),
        "ended_at": iso(yesterday + times[1] * HOUR),
    }
    response = api.post(url(fractal, "sessions/log/"), body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not PracticeSession.all_objects.exists()


def test_logging_with_ids_of_another_fractal_is_a_400(api, fractal, short_term_goal, stranger_fractal, yesterday):
    foreign_goal = GoalFactory(parent=GoalFactory(parent=GoalFactory(parent=stranger_fractal)))
    foreign_activity = ActivityDefinitionFactory(root=stranger_fractal)
    times = {"started_at": iso(yesterday), "ended_at": iso(yesterday + HOUR)}
    for body in (
        {**times, "goals": [str(foreign_goal.pk)]},
        {**times, "goals": [str(short_term_goal.pk)], "activities": [str(foreign_activity.pk)]},
        {**times, "goals": []},
        {"goals": [str(short_term_goal.pk)], "started_at": "yesterday", "ended_at": iso(yesterday)},
    ):
        assert api.post(url(fractal, "sessions/log/"), body, format="json").status_code == 400
    assert not PracticeSession.all_objects.exists()


def test_logging_is_for_the_owner_only(stranger_api, anonymous_api, fractal, short_term_goal, yesterday):
    body = {"goals": [str(short_term_goal.pk)], "started_at": iso(yesterday), "ended_at": iso(yesterday + HOUR)}
    for client in (stranger_api, anonymous_api):
        assert client.post(url(fractal, "sessions/log/"), body, format="json").status_code in (401, 403, 404)
    assert not PracticeSession.all_objects.exists()


def test_from_template_with_start_starts_the_session_now(api, fractal, short_term_goal):
    template = SessionTemplate.create(fractal, "Legs", [("Main", 30, [ActivityDefinitionFactory(root=fractal)])])
    body = {"template": str(template.pk), "goals": [str(short_term_goal.pk)], "start": True}
    response = api.post(url(fractal, "sessions/from-template/"), body, format="json")
    assert response.status_code == 201
    assert response.json()["started_at"] is not None and len(response.json()["instances"]) == 1
    planned = api.post(url(fractal, "sessions/from-template/"), {**body, "start": False}, format="json").json()
    assert planned["started_at"] is None
    assert (
        api.post(url(fractal, "sessions/from-template/"), {**body, "start": "maybe"}, format="json").status_code == 400
    )
    assert PracticeSession.objects.count() == 2


def test_editing_a_completed_sessions_times_derives_the_duration(api, fractal, short_term_goal, yesterday):
    session = PracticeSession.create(fractal, [short_term_goal], "Done", started_at=yesterday)
    session.complete(when=yesterday + HOUR)
    response = api.patch(
        url(fractal, f"sessions/{session.pk}/"), {"ended_at": iso(yesterday + HOUR / 2)}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["total_duration_seconds"] == 1800


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"ended_at": "FUTURE"}, "ended_at"),
        ({"started_at": "LONG_AGO"}, "ended_at"),
        ({"started_at": "1899-06-01T10:00:00Z", "ended_at": "1899-06-01T11:00:00Z"}, "started_at"),
        ({"ended_at": None}, "ended_at"),
    ],
)
def test_the_api_refuses_times_the_session_page_refuses(api, fractal, short_term_goal, yesterday, change, field):
    session = PracticeSession.create(fractal, [short_term_goal], "Done", started_at=yesterday)
    session.complete(when=yesterday + HOUR)
    before = PracticeSession.objects.filter(pk=session.pk).values().get()
    values = {"FUTURE": iso(timezone.now() + 2 * HOUR), "LONG_AGO": iso(yesterday - 2 * 24 * HOUR)}
    body = {key: values.get(value, value) for key, value in change.items()}
    response = api.patch(url(fractal, f"sessions/{session.pk}/"), body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert PracticeSession.objects.filter(pk=session.pk).values().get() == before


def test_a_patch_without_times_is_not_checked_against_the_times_rule(api, fractal, short_term_goal):
    long_ago = timezone.now() - datetime.timedelta(days=3)
    session = PracticeSession.create(fractal, [short_term_goal], "Forgotten", started_at=long_ago)
    session.complete()  # ran for three days: only an edit of its times must fix that
    response = api.patch(url(fractal, f"sessions/{session.pk}/"), {"name": "Renamed"}, format="json")
    assert response.status_code == 200
