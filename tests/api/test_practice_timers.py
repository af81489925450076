"""API: pause/resume a session, confirm a set, an activity's personal records."""

import datetime

import pytest
from django.utils import timezone

from sessions.models import MetricValue, SessionPause
from tests.api.conftest import url
from tests.pages.session_data import queries_of, session_with_sets

START = timezone.now().replace(microsecond=0) - datetime.timedelta(hours=2)


def iso(minutes):
    return (START + datetime.timedelta(minutes=minutes)).isoformat()


@pytest.fixture
def started(session):
    session.start(when=START)
    return session


def test_pause_and_resume_give_an_exact_duration(api, fractal, started):
    base = url(fractal, f"sessions/{started.pk}/")
    response = api.post(base + "pause/", {"at": iso(10)}, format="json")
    assert response.status_code == 200
    assert response.json()["is_paused"] is True
    response = api.post(base + "resume/", {"at": iso(17)}, format="json")
    body = response.json()
    assert body["is_paused"] is False
    assert [(p["started_at"] is not None, p["ended_at"] is not None) for p in body["pauses"]] == [(True, True)]
    started.refresh_from_db()
    started.complete(when=START + datetime.timedelta(minutes=60))
    detail = api.get(base).json()
    assert detail["total_duration_seconds"] == 53 * 60
    assert detail["active_seconds"] == 53 * 60


@pytest.mark.parametrize(
    "steps",
    [
        [("resume", {})],
        [("pause", {"at": iso(5)}), ("pause", {"at": iso(6)})],
        [("pause", {"at": iso(5)}), ("resume", {"at": iso(4)})],
        [("pause", {"at": "yesterday-ish"})],
    ],
)
def test_bad_pauses_are_refused_with_a_message_and_change_nothing(api, fractal, started, steps):
    base = url(fractal, f"sessions/{started.pk}/")
    *ok, (last, data) = steps
    for action, payload in ok:
        assert api.post(base + f"{action}/", payload, format="json").status_code == 200
    before = list(SessionPause.objects.values_list("started_at", "ended_at"))
    response = api.post(base + f"{last}/", data, format="json")
    assert response.status_code == 400
    assert response.json()
    assert list(SessionPause.objects.values_list("started_at", "ended_at")) == before


def test_pausing_is_for_the_owner_only(stranger_api, anonymous_api, fractal, started):
    for client in (stranger_api, anonymous_api):
        for action in ("pause", "resume"):
            response = client.post(url(fractal, f"sessions/{started.pk}/{action}/"))
            assert response.status_code in (401, 403, 404)
    assert not SessionPause.objects.exists()


def test_confirming_a_set_fills_it_from_last_time_and_toggles(api, fractal, short_term_goal, activity, instance):
    session_with_sets(fractal, short_term_goal, activity, sets=((12, 0),), days_ago=3)
    address = url(fractal, f"instances/{instance.pk}/confirm-set/")
    response = api.post(address, {"set_number": 1}, format="json")
    assert response.status_code == 200
    assert sorted((v["value"], v["confirmed"]) for v in response.json()["values"]) == [(0, True), (12, True)]
    response = api.post(address, {"set_number": 1}, format="json")
    assert {v["confirmed"] for v in response.json()["values"]} == {False}


@pytest.mark.parametrize("data", [{}, {"set_number": 0}, {"set_number": "one"}, {"set_number": 1}])
def test_confirming_a_bad_or_empty_set_is_refused(api, fractal, instance, data):
    response = api.post(url(fractal, f"instances/{instance.pk}/confirm-set/"), data, format="json")
    assert response.status_code == 400
    assert not MetricValue.objects.exists()


def test_confirming_is_for_the_owner_only(stranger_api, anonymous_api, fractal, instance, activity):
    metric = activity.metrics.first()
    instance.record_values([{"metric": metric, "set_number": 1, "value": 3}])
    for client in (stranger_api, anonymous_api):
        response = client.post(url(fractal, f"instances/{instance.pk}/confirm-set/"), {"set_number": 1})
        assert response.status_code in (401, 403, 404)
    assert not MetricValue.objects.filter(confirmed=True).exists()


def test_the_records_of_an_activity(api, fractal, short_term_goal, activity):
    first, _ = session_with_sets(fractal, short_term_goal, activity, sets=((10, 20),), days_ago=4)
    second, _ = session_with_sets(fractal, short_term_goal, activity, sets=((15, 5),), days_ago=2)
    response = api.get(url(fractal, f"activities/{activity.pk}/records/"))
    assert response.status_code == 200
    found = {row["name"]: (row["value"], row["session"], row["kind"]) for row in response.json()}
    assert found == {"seconds": (15, str(second.pk), "value"), "weight": (20, str(first.pk), "value")}


def test_records_are_for_the_owner_only(stranger_api, anonymous_api, fractal, activity):
    for client in (stranger_api, anonymous_api):
        assert client.get(url(fractal, f"activities/{activity.pk}/records/")).status_code in (401, 403, 404)


def test_an_activity_of_another_fractal_has_no_records_here(api, fractal, stranger_fractal):
    from tests.factories import ActivityDefinitionFactory

    foreign = ActivityDefinitionFactory(root=stranger_fractal)
    assert api.get(url(fractal, f"activities/{foreign.pk}/records/")).status_code == 404


def test_the_records_query_count_does_not_grow(api, fractal, short_term_goal, activity):
    address = url(fractal, f"activities/{activity.pk}/records/")
    session_with_sets(fractal, short_term_goal, activity, days_ago=1)
    small = queries_of(lambda: api.get(address))
    for days in range(2, 14):
        session_with_sets(fractal, short_term_goal, activity, sets=((days, 2), (days, 3)), days_ago=days)
    assert queries_of(lambda: api.get(address)) == small
