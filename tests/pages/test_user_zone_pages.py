"""Pages outside analytics in the user's zone and week: program calendar weeks, tree ages and
the sessions list's dates."""

import datetime
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone

from front.templatetags.goal_tree import _Labels
from goals.models import Profile
from tests.factories import PracticeSessionFactory, ProgramBlockFactory, ProgramFactory

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


def set_calendar(user, zone="America/New_York", week_start=0):
    profile = Profile.for_user(user)
    profile.time_zone, profile.week_start = zone, week_start
    profile.save()


@pytest.mark.parametrize(("week_start", "first"), [(0, "Mon"), (6, "Sun")])
def test_the_program_calendar_weeks_start_on_the_users_first_weekday(owner, owner_client, fractal, week_start, first):
    set_calendar(owner, week_start=week_start)
    program = ProgramFactory(root=fractal, name="Winter")
    ProgramBlockFactory(program=program, start_date=datetime.date(2026, 11, 4), end_date=datetime.date(2026, 11, 20))
    html = owner_client.get(
        reverse("program-detail", kwargs={"root_id": fractal.pk, "program_id": program.pk})
    ).content.decode()
    headers = html.split("<thead>")[1].split("</thead>")[0] if "<thead>" in html else html
    assert headers.index(first) < headers.index("Tue" if first == "Mon" else "Mon")


def test_a_tree_age_counts_calendar_days_in_the_users_zone():
    now = datetime.datetime(2026, 11, 18, 14, tzinfo=NEW_YORK)  # Wednesday afternoon
    # Sunday 23:30 in New York: three calendar days ago, though not three times 24 hours.
    created = datetime.datetime(2026, 11, 15, 23, 30, tzinfo=NEW_YORK)
    with timezone.override(NEW_YORK):
        assert _Labels(now).age(created) == "3\xa0days"
    with timezone.override(datetime.UTC):  # in UTC that evening was already Monday
        assert _Labels(now).age(created) == "2\xa0days"


def test_the_sessions_list_shows_times_in_the_users_zone(owner, owner_client, fractal):
    set_calendar(owner)
    # 02:30 UTC on Wednesday is 21:30 on Tuesday in New York.
    PracticeSessionFactory(
        root=fractal, name="Evening", started_at=datetime.datetime(2026, 11, 18, 2, 30, tzinfo=datetime.UTC)
    )
    html = owner_client.get(reverse("session-list", kwargs={"root_id": fractal.pk})).content.decode()
    assert "21:30" in html and "02:30" not in html
    tuesday = owner_client.get(
        reverse("session-list", kwargs={"root_id": fractal.pk}), {"start": "2026-11-17", "end": "2026-11-17"}
    )
    assert "Evening" in tuesday.content.decode()
