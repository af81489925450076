"""ProgramDay.update and the program operations the pages rely on."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from sessions.models import ProgramDay, ScheduledSession
from tests.factories import ProgramBlockFactory, ProgramFactory, SessionTemplateFactory

MONDAY = datetime.date(2026, 11, 2)


@pytest.fixture
def block(fractal):
    program = ProgramFactory(root=fractal)
    return ProgramBlockFactory(program=program, start_date=MONDAY, end_date=MONDAY + datetime.timedelta(days=13))


@pytest.fixture
def scheduled_days(fractal, block):
    block.schedule(SessionTemplateFactory(root=fractal, name="Legs"), [0, 3])  # Mondays and Thursdays
    return list(ProgramDay.objects.filter(block=block).order_by("date"))


def test_schedule_creates_a_day_per_chosen_weekday(scheduled_days):
    assert [day.date for day in scheduled_days] == [
        MONDAY,
        MONDAY + datetime.timedelta(days=3),
        MONDAY + datetime.timedelta(days=7),
        MONDAY + datetime.timedelta(days=10),
    ]


def test_update_moves_one_day_and_keeps_its_sessions_and_the_others(block, scheduled_days):
    day = scheduled_days[0]
    day.update(date=MONDAY + datetime.timedelta(days=1), name="Moved", notes="Felt tired")
    day.refresh_from_db()
    assert (day.date, day.name, day.notes) == (MONDAY + datetime.timedelta(days=1), "Moved", "Felt tired")
    assert ScheduledSession.objects.filter(day=day).count() == 1
    assert ProgramDay.objects.filter(block=block).count() == 4
    assert ScheduledSession.objects.filter(day__block=block).count() == 4


def test_update_refuses_a_date_outside_the_block_and_changes_nothing(scheduled_days):
    day = scheduled_days[0]
    with pytest.raises(ValidationError, match="outside the block"):
        day.update(date=MONDAY - datetime.timedelta(days=1), name="Nope")
    assert (day.date, day.name) == (MONDAY, "Legs")
    day.refresh_from_db()
    assert (day.date, day.name) == (MONDAY, "Legs")


def test_update_refuses_the_date_of_another_live_day(scheduled_days):
    with pytest.raises(ValidationError, match="already has a day on this date"):
        scheduled_days[0].update(date=scheduled_days[1].date)
    scheduled_days[0].refresh_from_db()
    assert scheduled_days[0].date == MONDAY


def test_update_accepts_only_the_editable_fields(scheduled_days):
    with pytest.raises(ValueError, match="block"):
        scheduled_days[0].update(block=None)


def test_copy_to_duplicates_one_day_with_its_sessions(block, scheduled_days):
    copy = scheduled_days[0].copy_to(MONDAY + datetime.timedelta(days=5))
    assert [s.template.name for s in ScheduledSession.objects.filter(day=copy)] == ["Legs"]
    assert ProgramDay.objects.filter(block=block).count() == 5
