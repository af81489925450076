"""Pages: "Start practice" on a goal, "Repeat" and "Duplicate" on a session; a running session asks first."""

import pytest
from django.urls import reverse
from django.utils import timezone

from sessions.models import ActivityInstance, PracticeSession
from tests.factories import ActivityInstanceFactory, MetricValueFactory, PracticeSessionFactory
from tests.pages.session_data import set_activity


def start_url(goal):
    return reverse("goal-start-practice", kwargs={"root_id": goal.root_id, "goal_id": goal.pk})


def copy_url(name, session):
    return reverse(name, kwargs={"root_id": session.root_id, "session_id": session.pk})


@pytest.fixture
def session(fractal, short_term_goal):
    session = PracticeSessionFactory(root=fractal, goals=[short_term_goal], name="Pull day")
    ActivityInstanceFactory(session=session, activity=set_activity(fractal))
    return session


def test_start_practice_opens_a_running_session_for_the_goal(owner_client, short_term_goal):
    response = owner_client.post(start_url(short_term_goal))
    session = PracticeSession.objects.get()
    assert response.status_code == 302
    assert response["Location"] == copy_url("session-detail", session)
    assert list(session.goals.all()) == [short_term_goal] and session.started_at is not None


def test_the_goal_page_offers_start_practice(owner_client, short_term_goal):
    page = owner_client.get(
        reverse("goal-detail", kwargs={"root_id": short_term_goal.root_id, "goal_id": short_term_goal.pk})
    )
    assert start_url(short_term_goal) in page.content.decode()


def test_start_practice_from_a_root_goal_is_refused(owner_client, fractal):
    response = owner_client.post(start_url(fractal), follow=True)
    assert "short-term or immediate goal" in response.content.decode()
    assert not PracticeSession.objects.exists()


def test_starting_while_a_session_runs_asks_first(owner_client, fractal, short_term_goal, session):
    session.start()
    response = owner_client.post(start_url(short_term_goal))
    assert response.status_code == 409
    assert "A session is in progress" in response.content.decode()
    assert PracticeSession.objects.count() == 1
    response = owner_client.post(start_url(short_term_goal), {"confirm": "1"})
    assert response.status_code == 302
    assert PracticeSession.objects.count() == 2


def test_start_practice_needs_a_post_and_the_owner(owner_client, stranger_client, anonymous_client, short_term_goal):
    assert owner_client.get(start_url(short_term_goal)).status_code == 405
    assert stranger_client.post(start_url(short_term_goal)).status_code == 404
    assert anonymous_client.post(start_url(short_term_goal)).status_code == 302
    assert not PracticeSession.objects.exists()


def test_repeat_starts_a_copy_with_the_same_activities(owner_client, session):
    instance = session.instances.get()
    MetricValueFactory(instance=instance, metric=instance.activity.metrics.first(), set_number=1, value=20)
    session.start(when=timezone.now() - timezone.timedelta(hours=1))
    session.complete(when=timezone.now())
    response = owner_client.post(copy_url("session-repeat", session))
    copy = PracticeSession.objects.exclude(pk=session.pk).get()
    assert response["Location"] == copy_url("session-detail", copy)
    assert copy.started_at is not None and not copy.completed
    assert ActivityInstance.objects.filter(session=copy).count() == 1
    page = owner_client.get(response["Location"]).content.decode()
    assert "Last time, in" in page  # the values of the session it repeats are shown beside the activity


def test_duplicate_leaves_the_copy_unstarted(owner_client, session):
    owner_client.post(copy_url("session-duplicate", session))
    copy = PracticeSession.objects.exclude(pk=session.pk).get()
    assert copy.started_at is None


def test_the_session_page_links_repeat_duplicate_and_save_as_template(owner_client, session):
    page = owner_client.get(copy_url("session-detail", session)).content.decode()
    assert copy_url("session-repeat", session) in page
    assert copy_url("session-duplicate", session) in page
    assert reverse("template-from-session", kwargs={"root_id": session.root_id}) + f"?session={session.pk}" in page


@pytest.mark.parametrize("name", ["session-repeat", "session-duplicate"])
def test_copies_are_for_the_owner_only(name, stranger_client, anonymous_client, session):
    assert stranger_client.post(copy_url(name, session)).status_code == 404
    assert anonymous_client.post(copy_url(name, session)).status_code == 302
    assert PracticeSession.objects.count() == 1


def test_the_running_session_is_reported_for_the_header(owner_client, stranger_client, anonymous_client, session):
    running_url = reverse("running-session")
    assert owner_client.get(running_url).json() == {"running": None}
    session.start()
    body = owner_client.get(running_url).json()["running"]
    assert body["name"] == "Pull day" and body["url"] == copy_url("session-detail", session)
    assert stranger_client.get(running_url).json() == {"running": None}
    assert anonymous_client.get(running_url).status_code == 302
    session.complete()
    assert owner_client.get(running_url).json() == {"running": None}
