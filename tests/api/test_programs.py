import datetime

import pytest

from sessions.models import Program, ProgramBlock, ProgramDay, ScheduledSession
from tests.api.conftest import url
from tests.factories import SessionTemplateFactory

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 3, 2)


@pytest.fixture
def block(fractal, short_term_goal):
    program = Program(
        name="Spring", root=fractal, start_date=datetime.date(2026, 3, 1), end_date=datetime.date(2026, 5, 31)
    )
    program.save()
    block = ProgramBlock(program=program, name="Base", start_date=MONDAY, end_date=MONDAY + datetime.timedelta(days=13))
    block.save()
    block.goals.add(short_term_goal)
    return block


def test_create_a_program_with_goals(api, fractal, short_term_goal):
    response = api.post(
        url(fractal, "programs/"),
        {"name": "Spring", "start_date": "2026-03-01", "end_date": "2026-05-31", "goals": [str(short_term_goal.pk)]},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert list(Program.objects.get(pk=response.json()["id"]).goals.all()) == [short_term_goal]


def test_a_program_ending_before_it_starts_is_a_400(api, fractal):
    response = api.post(
        url(fractal, "programs/"), {"name": "Bad", "start_date": "2026-03-01", "end_date": "2026-02-01"}, format="json"
    )
    assert response.status_code == 400
    assert not Program.objects.exists()


def test_a_program_goal_of_another_fractal_is_a_400(api, fractal, stranger_fractal):
    response = api.post(url(fractal, "programs/"), {"name": "Bad", "goals": [str(stranger_fractal.pk)]}, format="json")
    assert response.status_code == 400
    assert "goals" in response.json()


def test_create_a_block_and_a_bad_colour_is_a_400(api, fractal, block):
    payload = {"program": str(block.program_id), "name": "Peak", "start_date": "2026-04-01", "end_date": "2026-04-28"}
    assert api.post(url(fractal, "program-blocks/"), payload, format="json").status_code == 201
    bad = {**payload, "name": "Red", "color": "red"}
    response = api.post(url(fractal, "program-blocks/"), bad, format="json")
    assert response.status_code == 400
    assert "color" in response.json()


def test_schedule_a_template_on_weekdays(api, fractal, block):
    template = SessionTemplateFactory(root=fractal)
    response = api.post(
        url(fractal, f"program-blocks/{block.pk}/schedule/"),
        {"template": str(template.pk), "weekdays": [0, 3]},
        format="json",
    )
    assert response.status_code == 201
    assert len(response.json()) == 4
    assert ProgramDay.objects.filter(block=block).count() == 4


def test_schedule_with_a_bad_weekday_is_a_400(api, fractal, block):
    template = SessionTemplateFactory(root=fractal)
    response = api.post(
        url(fractal, f"program-blocks/{block.pk}/schedule/"), {"template": str(template.pk), "weekdays": [9]}
    )
    assert response.status_code == 400
    assert not ProgramDay.objects.exists()


def test_a_day_outside_the_block_is_a_400(api, fractal, block):
    response = api.post(url(fractal, "program-days/"), {"block": str(block.pk), "date": "2030-01-01"}, format="json")
    assert response.status_code == 400
    assert not ProgramDay.objects.exists()


def test_start_a_scheduled_session(api, fractal, block, activity):
    template = SessionTemplateFactory(root=fractal)
    day = ProgramDay(block=block, date=MONDAY)
    day.save()
    scheduled_id = api.post(
        url(fractal, "scheduled-sessions/"), {"day": str(day.pk), "template": str(template.pk)}, format="json"
    ).json()["id"]
    response = api.post(url(fractal, f"scheduled-sessions/{scheduled_id}/start/"), {}, format="json")
    assert response.status_code == 201, response.json()
    assert ScheduledSession.objects.get(pk=scheduled_id).session_id is not None
    again = api.post(url(fractal, f"scheduled-sessions/{scheduled_id}/start/"), {}, format="json")
    assert again.status_code == 400


def test_filter_days_by_date_range(api, fractal, block):
    for offset in (0, 7):
        ProgramDay(block=block, date=MONDAY + datetime.timedelta(days=offset)).save()
    listed = api.get(url(fractal, f"program-days/?date_after={MONDAY}&date_before={MONDAY}")).json()
    assert listed["count"] == 1
    assert api.get(url(fractal, "program-days/?date_after=someday")).status_code == 400
