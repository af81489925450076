"""Dates outside the accepted years (1900–2200) and dates not in ISO format: refused with a clear
message by the models, the page forms, the API, its filters and query parameters; the analytics
arithmetic never overflows, even on a date stored before the rule existed."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from goals.dates import MAX_YEAR, MIN_YEAR
from goals.models import Goal
from sessions.models import PracticeSession, Program

from .conftest import signed_in
from .world import diff, snapshot

RANGE_TEXT = f"between the years {MIN_YEAR} and {MAX_YEAR}"


def series_url(world, **params):
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return (
        f"/api/fractals/{world.root.pk}/analytics/activity-series/"
        f"?activity={world.activity.pk}&metric={world.metric.pk}&{query}"
    )


@pytest.mark.parametrize("param", ["start", "end"])
@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1899-12-31", "2201-01-01"])
def test_the_activity_series_refuses_a_date_outside_the_accepted_years(owner_world, param, day):
    response = signed_in(owner_world.user).get(series_url(owner_world, **{param: day}))
    assert response.status_code == 400
    assert RANGE_TEXT in response.json()[param][0]


def test_the_activity_series_accepts_the_edges_of_the_accepted_years(owner_world):
    response = signed_in(owner_world.user).get(series_url(owner_world, start="1900-01-01", end="2200-12-31"))
    assert response.status_code == 200


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_the_analytics_page_refuses_a_date_outside_the_accepted_years_on_the_page(owner_world, day):
    page = reverse("analytics", kwargs={"root_id": owner_world.root.pk})
    response = signed_in(owner_world.user).get(
        page, {"activity": owner_world.activity.pk, "metric": owner_world.metric.pk, "end": day}
    )
    assert response.status_code == 400
    assert RANGE_TEXT in response.content.decode()


@pytest.mark.parametrize("zone", ["UTC", "America/Los_Angeles", "Pacific/Kiritimati"])
def test_analytics_of_a_session_stored_at_year_one_does_not_overflow(owner_world, zone):
    # A row written before the rule existed: the charts, table and local times still render.
    owner_world.user.profile.time_zone = zone
    owner_world.user.profile.save()
    year_one = datetime.datetime(1, 1, 1, tzinfo=datetime.UTC)
    PracticeSession.all_objects.filter(pk=owner_world.session.pk).update(started_at=year_one)
    page = reverse("analytics", kwargs={"root_id": owner_world.root.pk})
    client = signed_in(owner_world.user)
    response = client.get(page, {"activity": owner_world.activity.pk, "metric": owner_world.metric.pk})
    assert response.status_code == 200
    series = client.get(series_url(owner_world))
    assert series.status_code == 200, series.json()


@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "1899-12-31T23:00:00Z"])
def test_the_api_refuses_a_session_time_outside_the_accepted_years(owner_world, moment):
    client = signed_in(owner_world.user)
    before = snapshot()
    url = f"/api/fractals/{owner_world.root.pk}/sessions/{owner_world.session.pk}/"
    response = client.patch(url, {"started_at": moment}, content_type="application/json")
    assert response.status_code == 400
    assert RANGE_TEXT in response.json()["started_at"][0]
    assert diff(before, snapshot()) == ""


def test_the_api_refuses_a_goal_deadline_outside_the_accepted_years(owner_world):
    client = signed_in(owner_world.user)
    url = f"/api/fractals/{owner_world.root.pk}/goals/{owner_world.goal.pk}/"
    response = client.patch(url, {"deadline": "0001-01-01"}, content_type="application/json")
    assert response.status_code == 400
    assert RANGE_TEXT in response.json()["deadline"][0]


@pytest.mark.parametrize("query", ["started_after=0001-01-01", "started_before=9999-12-31", "created_after=1800-01-01"])
def test_a_list_filter_refuses_a_date_outside_the_accepted_years(owner_world, query):
    response = signed_in(owner_world.user).get(f"/api/fractals/{owner_world.root.pk}/sessions/?{query}")
    assert response.status_code == 400
    assert RANGE_TEXT in str(response.json())


def test_every_model_refuses_a_date_outside_the_accepted_years_on_save(owner_world):
    goal = Goal.objects.get(pk=owner_world.goal.pk)
    goal.deadline = datetime.date(1, 1, 1)
    with pytest.raises(ValidationError) as raised:
        goal.save()
    assert RANGE_TEXT in raised.value.message_dict["deadline"][0]
    program = Program.objects.get(pk=owner_world.program.pk)
    program.end_date = datetime.date(9999, 12, 31)
    with pytest.raises(ValidationError):
        program.save()


def test_the_goal_form_refuses_a_us_style_date_with_a_clear_message(owner_world):
    page = reverse("goal-edit", kwargs={"root_id": owner_world.root.pk, "goal_id": owner_world.goal.pk})
    before = snapshot()
    response = signed_in(owner_world.user).post(page, {"name": "Renamed", "deadline": "12/01/2026"})
    assert response.status_code == 400
    assert "Enter a date as YYYY-MM-DD" in response.content.decode()
    assert diff(before, snapshot()) == ""


def test_the_goal_form_refuses_a_deadline_outside_the_accepted_years_on_the_page(owner_world):
    page = reverse("goal-edit", kwargs={"root_id": owner_world.root.pk, "goal_id": owner_world.goal.pk})
    response = signed_in(owner_world.user).post(page, {"name": "Renamed", "deadline": "0001-01-01"})
    assert response.status_code == 400
    assert RANGE_TEXT in response.content.decode()


def test_the_program_form_refuses_us_style_dates_like_the_api(owner_world):
    page = reverse("program-create", kwargs={"root_id": owner_world.root.pk})
    response = signed_in(owner_world.user).post(
        page, {"name": "US dates", "start_date": "12/01/2026", "end_date": "12/31/2026"}
    )
    assert response.status_code == 400
    assert "Enter a date as YYYY-MM-DD" in response.content.decode()
    assert not Program.objects.filter(name="US dates").exists()
    api = signed_in(owner_world.user).post(
        f"/api/fractals/{owner_world.root.pk}/programs/",
        {"name": "US dates", "start_date": "12/01/2026", "end_date": "12/31/2026"},
        content_type="application/json",
    )
    assert api.status_code == 400


def test_the_manual_times_form_refuses_a_us_style_time(owner_world):
    page = reverse(
        "instance-times",
        kwargs={
            "root_id": owner_world.root.pk,
            "session_id": owner_world.session.pk,
            "instance_id": owner_world.instance.pk,
        },
    )
    before = snapshot()
    response = signed_in(owner_world.user).post(page, {"time_start": "12/01/2026 10:00", "time_stop": ""})
    assert response.status_code == 400
    assert "YYYY-MM-DDTHH:MM" in response.content.decode()
    assert diff(before, snapshot()) == ""
