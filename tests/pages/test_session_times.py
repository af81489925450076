"""Pages: the session's own start and end, edited on its page by the rule the API uses."""

import datetime
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone

from goals.models import Profile
from sessions.models import PracticeSession
from tests.factories import PracticeSessionFactory

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
pytestmark = pytest.mark.django_db


def times_url(session):
    return reverse("session-times", kwargs={"root_id": session.root_id, "session_id": session.pk})


def local(moment):
    return moment.astimezone(PARIS).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def done(owner, fractal, short_term_goal):
    """A session completed yesterday in Paris, 18:00:30 – 19:00:30 (an hour)."""
    Profile.objects.update_or_create(user=owner, defaults={"time_zone": "Europe/Paris"})
    day = timezone.now().astimezone(PARIS).date() - datetime.timedelta(days=1)
    start = datetime.datetime.combine(day, datetime.time(18, 0, 30), tzinfo=PARIS)
    session = PracticeSessionFactory(root=fractal, goals=[short_term_goal], started_at=start)
    session.complete(when=start + datetime.timedelta(hours=1))
    session.refresh_from_db()
    return session


def test_the_session_page_shows_its_times_in_the_users_zone(owner_client, done):
    page = owner_client.get(reverse("session-detail", kwargs={"root_id": done.root_id, "session_id": done.pk}))
    html = page.content.decode()
    assert times_url(done) in html
    assert f'value="{local(done.started_at)}"' in html and f'value="{local(done.ended_at)}"' in html


def test_moving_the_end_of_a_completed_session_derives_its_duration_again(owner_client, done):
    new_end = done.started_at + datetime.timedelta(minutes=45, seconds=-30)  # 18:45 in Paris
    response = owner_client.post(times_url(done), {"started_at": local(done.started_at), "ended_at": local(new_end)})
    assert response.status_code == 302
    started_at = done.started_at
    done.refresh_from_db()
    assert done.started_at == started_at  # sent back unchanged: its seconds are kept
    assert done.ended_at == new_end
    assert done.total_duration_seconds == 44 * 60 + 30


def test_with_htmx_the_answer_is_the_session_body_with_the_new_duration(owner_client, done):
    new_start = done.started_at - datetime.timedelta(minutes=30, seconds=30)  # 17:30
    response = owner_client.post(
        times_url(done), {"started_at": local(new_start), "ended_at": local(done.ended_at)}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert 'id="session-body"' in response.content.decode()
    done.refresh_from_db()
    assert done.total_duration_seconds == 90 * 60 + 30


def test_a_running_session_edits_only_its_start(owner_client, fractal, short_term_goal):
    session = PracticeSessionFactory(root=fractal, goals=[short_term_goal])
    session.start()
    earlier = timezone.now() - datetime.timedelta(minutes=20)
    owner_client.post(times_url(session), {"started_at": earlier.strftime("%Y-%m-%dT%H:%M"), "ended_at": ""})
    session.refresh_from_db()
    assert session.started_at == earlier.replace(second=0, microsecond=0)
    assert session.ended_at is None and not session.completed


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"ended_at": "START-1"}, "must end after it starts"),
        ({"ended_at": "FUTURE"}, "in the future"),
        ({"started_at": "1999-12-31T10:00"}, "at most 24 hours"),
        ({"started_at": "DAYS-2"}, "at most 24 hours"),
        ({"ended_at": ""}, "has a start and an end"),
        ({"started_at": "yesterday"}, "Enter a valid date/time"),
    ],
)
def test_bad_times_are_refused_and_nothing_changes(owner_client, done, change, message):
    before = PracticeSession.objects.filter(pk=done.pk).values().get()
    values = {
        "START-1": local(done.started_at - datetime.timedelta(minutes=1)),
        "FUTURE": local(timezone.now() + datetime.timedelta(hours=2)),
        "DAYS-2": local(done.started_at - datetime.timedelta(days=2)),
    }
    data = {"started_at": local(done.started_at), "ended_at": local(done.ended_at)}
    data.update({key: values.get(value, value) for key, value in change.items()})
    response = owner_client.post(times_url(done), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert PracticeSession.objects.filter(pk=done.pk).values().get() == before


def test_a_start_before_the_accepted_years_is_refused(owner_client, done):
    response = owner_client.post(times_url(done), {"started_at": "1899-12-31T23:00", "ended_at": "1899-12-31T23:30"})
    assert response.status_code == 400
    assert "between the years 1900 and 2200" in response.content.decode()


def test_session_times_are_for_the_owner_only(stranger_client, anonymous_client, done):
    data = {"started_at": local(done.started_at - datetime.timedelta(hours=1)), "ended_at": local(done.ended_at)}
    before = PracticeSession.objects.filter(pk=done.pk).values().get()
    assert stranger_client.post(times_url(done), data).status_code == 404
    assert anonymous_client.post(times_url(done), data).status_code == 302
    assert PracticeSession.objects.filter(pk=done.pk).values().get() == before


def test_session_times_need_a_post(owner_client, done):
    assert owner_client.get(times_url(done)).status_code == 405
