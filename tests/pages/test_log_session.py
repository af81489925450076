"""Pages: "Log a past session" records a completed session from its day, times (user's zone), goals, activities."""

import datetime
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone

from goals.models import GoalLevel, Profile
from sessions.models import ActivityInstance, PracticeSession
from tests.factories import ActivityDefinitionFactory, GoalFactory, SessionTemplateFactory, TemplateSectionFactory

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
pytestmark = pytest.mark.django_db


def log_url(fractal):
    return reverse("session-log", kwargs={"root_id": fractal.pk})


@pytest.fixture
def in_paris(owner):
    Profile.objects.update_or_create(user=owner, defaults={"time_zone": "Europe/Paris"})


@pytest.fixture
def yesterday():
    return timezone.now().astimezone(PARIS).date() - datetime.timedelta(days=1)


def form(goal, day, start="18:00", end="19:15", **extra):
    return {"date": day.isoformat(), "start": start, "end": end, "goals": [str(goal.pk)], **extra}


def test_the_page_is_linked_from_the_sessions_list_and_offers_the_session_goals(owner_client, fractal, short_term_goal):
    listing = owner_client.get(reverse("session-list", kwargs={"root_id": fractal.pk})).content.decode()
    assert log_url(fractal) in listing
    page = owner_client.get(log_url(fractal))
    assert page.status_code == 200
    goals = dict(page.context["form"].fields["goals"].choices)
    assert list(goals) == [short_term_goal.pk]


def test_logging_records_a_completed_session_with_its_own_times_in_the_users_zone(
    owner_client, fractal, short_term_goal, in_paris, yesterday
):
    squat = ActivityDefinitionFactory(root=fractal, name="Squat")
    press = ActivityDefinitionFactory(root=fractal, name="Press")
    data = form(short_term_goal, yesterday, activities=[str(squat.pk), str(press.pk)], notes="Felt good")
    response = owner_client.post(log_url(fractal), data)
    session = PracticeSession.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("session-detail", kwargs={"root_id": fractal.pk, "session_id": session.pk})
    assert session.started_at == datetime.datetime.combine(yesterday, datetime.time(18, 0), tzinfo=PARIS)
    assert session.ended_at == datetime.datetime.combine(yesterday, datetime.time(19, 15), tzinfo=PARIS)
    assert session.completed and session.completed_at == session.ended_at
    assert session.total_duration_seconds == 75 * 60
    assert session.name == short_term_goal.name
    assert [note.body for note in session.attached_notes.all()] == ["Felt good"]
    assert list(session.goals.all()) == [short_term_goal]
    instances = ActivityInstance.objects.filter(session=session).order_by("sort_order")
    assert [instance.activity.name for instance in instances] == ["Press", "Squat"]  # as the menu lists them


def test_a_session_past_midnight_ends_the_next_day(owner_client, fractal, short_term_goal, yesterday):
    day_before = yesterday - datetime.timedelta(days=1)
    owner_client.post(log_url(fractal), form(short_term_goal, day_before, "23:30", "00:45", past_midnight="on"))
    assert PracticeSession.objects.get().total_duration_seconds == 75 * 60


def test_a_template_brings_its_sections_and_activities(owner_client, fractal, short_term_goal, yesterday):
    template = SessionTemplateFactory(root=fractal, name="Legs day")
    squat = ActivityDefinitionFactory(root=fractal, name="Squat")
    template.replace_sections([("Main", 30, [squat])])
    owner_client.post(log_url(fractal), form(short_term_goal, yesterday, template=str(template.pk)))
    session = PracticeSession.objects.get()
    assert session.name == "Legs day" and session.template == template
    assert [i.section.name for i in session.instances.all()] == ["Main"]


def _refused(owner_client, fractal, data, message):
    response = owner_client.post(log_url(fractal), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not PracticeSession.all_objects.exists()


def test_an_end_before_the_start_is_refused(owner_client, fractal, short_term_goal, yesterday):
    _refused(owner_client, fractal, form(short_term_goal, yesterday, "18:00", "17:00"), "must end after it starts")


def test_a_session_in_the_future_is_refused(owner_client, fractal, short_term_goal):
    tomorrow = timezone.localdate() + datetime.timedelta(days=2)
    _refused(owner_client, fractal, form(short_term_goal, tomorrow), "in the future")


def test_a_date_before_the_accepted_years_is_refused(owner_client, fractal, short_term_goal):
    _refused(
        owner_client, fractal, form(short_term_goal, datetime.date(1899, 12, 31)), "between the years 1900 and 2200"
    )


def test_a_session_longer_than_a_day_is_refused(owner_client, fractal, short_term_goal, yesterday):
    day_before = yesterday - datetime.timedelta(days=1)
    data = form(short_term_goal, day_before, "08:00", "09:00", past_midnight="on")
    _refused(owner_client, fractal, data, "at most 24 hours")


def test_a_wall_time_skipped_by_a_clock_change_is_refused(owner_client, fractal, short_term_goal, in_paris):
    # Clocks in Paris jumped from 02:00 to 03:00 on 30 March 2025.
    data = form(short_term_goal, datetime.date(2025, 3, 30), "02:30", "04:00")
    _refused(owner_client, fractal, data, "does not exist")


@pytest.mark.parametrize(
    "broken",
    [
        {"date": "2025-02-30"},
        {"start": "25:00"},
        {"end": ""},
        {"goals": []},
        {"activities": ["not-an-id"]},
    ],
)
def test_malformed_input_is_refused(owner_client, fractal, short_term_goal, yesterday, broken):
    response = owner_client.post(log_url(fractal), {**form(short_term_goal, yesterday), **broken})
    assert response.status_code == 400
    assert not PracticeSession.all_objects.exists()


def test_goals_and_activities_of_another_fractal_or_level_are_refused(
    owner_client, fractal, short_term_goal, stranger_fractal, yesterday
):
    foreign_goal = GoalFactory(parent=GoalFactory(parent=GoalFactory(parent=stranger_fractal)))
    foreign_activity = ActivityDefinitionFactory(root=stranger_fractal)
    mid_term = short_term_goal.parent
    assert mid_term.level == GoalLevel.MID_TERM
    for data in (
        {**form(short_term_goal, yesterday), "goals": [str(foreign_goal.pk)]},
        {**form(short_term_goal, yesterday), "goals": [str(mid_term.pk)]},
        form(short_term_goal, yesterday, activities=[str(foreign_activity.pk)]),
        form(short_term_goal, yesterday, template=str(TemplateSectionFactory().template.pk)),
    ):
        assert owner_client.post(log_url(fractal), data).status_code == 400
    assert not PracticeSession.all_objects.exists()


def test_logging_is_for_the_owner_only(stranger_client, anonymous_client, fractal, short_term_goal, yesterday):
    assert stranger_client.get(log_url(fractal)).status_code == 404
    assert stranger_client.post(log_url(fractal), form(short_term_goal, yesterday)).status_code == 404
    response = anonymous_client.post(log_url(fractal), form(short_term_goal, yesterday))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert not PracticeSession.all_objects.exists()
