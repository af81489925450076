"""Program pages: programs, blocks, scheduling, one-day edits, the calendar and starting sessions."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from goals.models import GoalLevel
from sessions.models import PracticeSession, Program, ProgramBlock, ProgramDay, ScheduledSession, SessionTemplate
from sessions.views.common import session_url
from tests.factories import (
    ActivityDefinitionFactory,
    GoalFactory,
    ProgramBlockFactory,
    ProgramFactory,
    SessionTemplateFactory,
)

TODAY = timezone.localdate()
MONDAY = TODAY - datetime.timedelta(days=TODAY.weekday() + 7)  # Monday of last week


def url(name, fractal, **kwargs):
    return reverse(name, kwargs={"root_id": fractal.pk, **kwargs})


@pytest.fixture
def template(fractal):
    activity = ActivityDefinitionFactory(root=fractal, name="Squat")
    return SessionTemplate.create(fractal, "Legs", [("Main", 30, [activity])])


@pytest.fixture
def program(fractal, short_term_goal):
    program = ProgramFactory(
        root=fractal, name="Winter base", start_date=MONDAY, end_date=MONDAY + datetime.timedelta(days=27)
    )
    program.goals.set([short_term_goal])
    return program


@pytest.fixture
def block(program):
    return ProgramBlockFactory(
        program=program,
        name="Base",
        start_date=MONDAY,
        end_date=MONDAY + datetime.timedelta(days=13),
        color="#22aa66",
    )


@pytest.fixture
def scheduled(block, template):
    """Legs on Mondays and Thursdays of the two-week block: four days."""
    block.schedule(template, [0, 3])
    return list(ScheduledSession.objects.filter(day__block=block).select_related("day").order_by("day__date"))


def program_url(name, program, **kwargs):
    return reverse(name, kwargs={"root_id": program.root_id, "program_id": program.pk, **kwargs})


# --- programs ------------------------------------------------------------------------------


def test_list_shows_the_fractals_programs_only(owner_client, fractal, program, stranger_fractal):
    ProgramFactory(root=stranger_fractal, name="Someone else's plan")
    html = owner_client.get(url("program-list", fractal)).content.decode()
    assert "Winter base" in html
    assert "Someone else" not in html


def test_create_program_with_dates_and_goals(owner_client, fractal, short_term_goal):
    response = owner_client.post(
        url("program-create", fractal),
        {"name": "Spring", "start_date": "2027-03-01", "end_date": "2027-05-31", "goals": [short_term_goal.pk]},
    )
    program = Program.objects.get(root=fractal, name="Spring")
    assert response["Location"] == program_url("program-detail", program)
    assert (program.start_date, program.end_date) == (datetime.date(2027, 3, 1), datetime.date(2027, 5, 31))
    assert list(program.goals.all()) == [short_term_goal]
    page = owner_client.get(response["Location"]).content.decode()
    assert "Program “Spring” saved." in page


def test_program_ending_before_it_starts_is_refused(owner_client, fractal):
    data = {"name": "Backwards", "start_date": "2027-03-01", "end_date": "2027-02-01"}
    response = owner_client.post(url("program-create", fractal), data)
    assert response.status_code == 400
    assert "cannot end before it starts" in response.content.decode()
    assert not Program.all_objects.exists()


def test_program_goal_of_another_fractal_is_refused(owner_client, fractal, stranger_fractal):
    foreign = GoalFactory(parent=stranger_fractal)
    data = {"name": "Sneaky", "start_date": "2027-03-01", "end_date": "2027-04-01", "goals": [foreign.pk]}
    assert owner_client.post(url("program-create", fractal), data).status_code == 400
    assert not Program.all_objects.exists()


def test_edit_program_changes_its_fields(owner_client, program):
    data = {"name": "Winter base 2", "start_date": MONDAY.isoformat(), "end_date": "2099-01-01", "goals": []}
    assert owner_client.post(program_url("program-edit", program), data).status_code == 302
    program.refresh_from_db()
    assert (program.name, program.end_date, program.goals.count()) == ("Winter base 2", datetime.date(2099, 1, 1), 0)


def test_delete_program_moves_it_and_its_days_to_the_trash(owner_client, program, scheduled):
    assert owner_client.post(program_url("program-delete", program)).status_code == 302
    program.refresh_from_db()
    assert program.deleted_at is not None
    assert not ProgramDay.objects.filter(block__program=program).exists()


# --- blocks --------------------------------------------------------------------------------


def test_create_block_with_dates_colour_and_goals(owner_client, program, short_term_goal):
    data = {
        "name": "Peak",
        "start_date": f"{MONDAY + datetime.timedelta(days=7):%Y-%m-%d}",
        "end_date": f"{MONDAY + datetime.timedelta(days=20):%Y-%m-%d}",
        "color": "#aa3311",
        "goals": [short_term_goal.pk],
    }
    response = owner_client.post(program_url("block-create", program), data, follow=True)
    assert "Block “Peak” saved." in response.content.decode()
    block = ProgramBlock.objects.get(program=program, name="Peak")
    assert (block.color, list(block.goals.all())) == ("#aa3311", [short_term_goal])


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"color": "red"}, "Enter a colour as #RRGGBB."),
        ({"end_date": f"{MONDAY + datetime.timedelta(days=5):%Y-%m-%d}"}, "A block cannot end before it starts."),
        (
            {"start_date": f"{MONDAY - datetime.timedelta(days=1):%Y-%m-%d}"},
            f"A block cannot start before its program ({MONDAY:%Y-%m-%d}).",
        ),
        (
            {"end_date": f"{MONDAY + datetime.timedelta(days=28):%Y-%m-%d}"},
            f"A block cannot end after its program ({MONDAY + datetime.timedelta(days=27):%Y-%m-%d}).",
        ),
    ],
)
def test_bad_block_input_is_refused_and_creates_nothing(owner_client, program, changes, message):
    start, end = MONDAY + datetime.timedelta(days=7), MONDAY + datetime.timedelta(days=20)
    data = {"name": "Bad", "start_date": f"{start:%Y-%m-%d}", "end_date": f"{end:%Y-%m-%d}", "color": "#aa3311"}
    data.update(changes)
    response = owner_client.post(program_url("block-create", program), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ProgramBlock.all_objects.filter(name="Bad").exists()


def test_bad_block_edit_changes_nothing(owner_client, block):
    data = {"name": "Renamed", "start_date": "2027-01-04", "end_date": "2027-01-17", "color": "red"}
    response = owner_client.post(program_url("block-edit", block.program, block_id=block.pk), data)
    assert response.status_code == 400
    block.refresh_from_db()
    assert (block.name, block.color) == ("Base", "#22aa66")


def test_delete_block_removes_its_days_but_not_other_blocks(owner_client, program, block, scheduled, template):
    start = MONDAY + datetime.timedelta(days=14)
    other = ProgramBlockFactory(program=program, start_date=start, end_date=start + datetime.timedelta(days=13))
    other.schedule(template, [2])
    assert owner_client.post(program_url("block-delete", program, block_id=block.pk)).status_code == 302
    assert not ProgramDay.objects.filter(block=block).exists()
    assert ProgramDay.objects.filter(block=other).count() == 2


# --- scheduling ----------------------------------------------------------------------------


def test_scheduling_creates_days_on_the_chosen_weekdays(owner_client, block, template):
    page = program_url("block-schedule", block.program, block_id=block.pk)
    assert owner_client.get(page).status_code == 200
    response = owner_client.post(page, {"template": template.pk, "weekdays": ["0", "3"]})
    assert response.status_code == 302
    dates = list(ProgramDay.objects.filter(block=block).order_by("date").values_list("date", flat=True))
    assert [date.weekday() for date in dates] == [0, 3, 0, 3]


def test_scheduling_again_keeps_edited_days(owner_client, block, scheduled, template):
    edited = scheduled[0].day
    edited.update(name="Heavy", notes="Keep me")
    other = SessionTemplateFactory(root=block.root, name="Mobility")
    page = program_url("block-schedule", block.program, block_id=block.pk)
    owner_client.post(page, {"template": other.pk, "weekdays": ["0"]})
    edited.refresh_from_db()
    assert (edited.name, edited.notes) == ("Heavy", "Keep me")
    names = sorted(s.template.name for s in ScheduledSession.objects.filter(day=edited))
    assert names == ["Legs", "Mobility"]
    assert ProgramDay.objects.filter(block=block).count() == 4


def test_scheduling_without_weekdays_is_refused(owner_client, block, template):
    page = program_url("block-schedule", block.program, block_id=block.pk)
    response = owner_client.post(page, {"template": template.pk, "weekdays": []})
    assert response.status_code == 400
    assert "Choose at least one weekday." in response.content.decode()
    assert not ProgramDay.all_objects.exists()


def test_scheduling_a_template_of_another_fractal_is_refused(owner_client, block, stranger_fractal):
    foreign = SessionTemplateFactory(root=stranger_fractal)
    page = program_url("block-schedule", block.program, block_id=block.pk)
    assert owner_client.post(page, {"template": foreign.pk, "weekdays": ["0"]}).status_code == 400
    assert not ProgramDay.all_objects.exists()


# --- one day -------------------------------------------------------------------------------


def test_editing_one_day_leaves_the_others_alone(owner_client, block, scheduled):
    day = scheduled[0].day
    new_date = day.date + datetime.timedelta(days=1)
    page = program_url("day-edit", block.program, day_id=day.pk)
    assert owner_client.get(page).status_code == 200
    response = owner_client.post(page, {"date": new_date.isoformat(), "name": "Moved", "notes": "n"})
    assert response.status_code == 302
    day.refresh_from_db()
    assert (day.date, day.name) == (new_date, "Moved")
    others = ProgramDay.objects.filter(block=block).exclude(pk=day.pk)
    assert [(d.date, d.name) for d in others.order_by("date")] == [(s.day.date, "Legs") for s in scheduled[1:]]
    assert ScheduledSession.objects.filter(day__block=block).count() == 4


def test_moving_a_day_outside_its_block_is_refused(owner_client, block, scheduled):
    day = scheduled[0].day
    page = program_url("day-edit", block.program, day_id=day.pk)
    response = owner_client.post(page, {"date": "2000-01-01", "name": "Far", "notes": ""})
    assert response.status_code == 400
    assert "The date is outside the block." in response.content.decode()
    day.refresh_from_db()
    assert (day.date, day.name) == (scheduled[0].day.date, "Legs")


def test_copying_a_day_adds_one_day_with_its_sessions(owner_client, block, scheduled):
    day = scheduled[0].day
    target = day.date + datetime.timedelta(days=2)
    response = owner_client.post(program_url("day-copy", block.program, day_id=day.pk), {"date": target.isoformat()})
    assert response.status_code == 302
    copy = ProgramDay.objects.get(block=block, date=target)
    assert [s.template.name for s in ScheduledSession.objects.filter(day=copy)] == ["Legs"]
    assert ProgramDay.objects.filter(block=block).count() == 5


def test_copying_onto_a_taken_date_is_refused(owner_client, block, scheduled):
    day, taken = scheduled[0].day, scheduled[1].day
    response = owner_client.post(program_url("day-copy", block.program, day_id=day.pk), {"date": taken.date})
    assert response.status_code == 400
    assert "already has a day on this date" in response.content.decode()
    assert ProgramDay.objects.filter(block=block).count() == 4


def test_deleting_a_day_keeps_the_others(owner_client, block, scheduled):
    day = scheduled[0].day
    assert owner_client.post(program_url("day-delete", block.program, day_id=day.pk)).status_code == 302
    assert ProgramDay.objects.filter(block=block).count() == 3
    assert not ScheduledSession.objects.filter(day=day).exists()
    assert ScheduledSession.objects.filter(day__block=block).count() == 3


# --- calendar ------------------------------------------------------------------------------


def test_calendar_shows_weeks_block_colours_templates_and_marks(owner_client, program, block, scheduled, fractal):
    done = scheduled[1]
    session = done.start()
    session.complete()
    future_goal = GoalFactory(parent=fractal, deadline=MONDAY + datetime.timedelta(days=5), name="Deadline inside")
    GoalFactory(parent=fractal, deadline=MONDAY + datetime.timedelta(days=20), name="Deadline outside")
    response = owner_client.get(program_url("program-detail", program))
    assert response.status_code == 200
    html = response.content.decode()
    weeks = response.context["weeks"]
    assert len(weeks) == 4
    assert all(len(week) == 7 and week[0].date.weekday() == 0 for week in weeks)
    assert 'data-block-color="#22aa66"' in html
    statuses = {
        entry.scheduled.pk: entry.status for week in weeks for cell in week for _, es in cell.days for entry in es
    }
    assert statuses[done.pk] == "done"
    assert statuses[scheduled[0].pk] == "missed"  # last Monday, never done
    assert f'href="{session_url(session)}"' in html  # the done one links to its session
    assert future_goal.name in html
    assert "Deadline outside" not in html  # its date lies in no block


def test_start_creates_the_session_from_the_template_and_links_it(owner_client, block, scheduled, short_term_goal):
    upcoming = scheduled[-1]
    response = owner_client.post(program_url("scheduled-start", block.program, scheduled_id=upcoming.pk))
    assert response.status_code == 302
    upcoming.refresh_from_db()
    session = PracticeSession.objects.get(pk=upcoming.session_id)
    assert session.template.name == "Legs"
    assert list(session.goals.all()) == [short_term_goal]
    assert [i.activity.name for i in session.instances.all()] == ["Squat"]
    assert response["Location"] == session_url(session)


def test_completing_the_started_session_marks_the_scheduled_one_done(owner_client, block, scheduled):
    upcoming = scheduled[-1]
    owner_client.post(program_url("scheduled-start", block.program, scheduled_id=upcoming.pk))
    upcoming.refresh_from_db()
    assert upcoming.completed is False
    upcoming.session.complete()
    upcoming.refresh_from_db()
    assert upcoming.completed is True
    weeks = owner_client.get(program_url("program-detail", block.program)).context["weeks"]
    entries = [entry for week in weeks for cell in week for _, es in cell.days for entry in es]
    assert {entry.scheduled.pk: entry.status for entry in entries}[upcoming.pk] == "done"


def test_starting_twice_creates_one_session(owner_client, block, scheduled):
    page = program_url("scheduled-start", block.program, scheduled_id=scheduled[-1].pk)
    owner_client.post(page)
    response = owner_client.post(page, follow=True)
    assert "already been started" in response.content.decode()
    assert PracticeSession.objects.count() == 1


def test_starting_without_session_goals_asks_for_them_and_creates_nothing(owner_client, fractal, template):
    program = ProgramFactory(root=fractal, start_date=MONDAY, end_date=MONDAY + datetime.timedelta(days=6))
    block = ProgramBlockFactory(program=program, start_date=MONDAY, end_date=MONDAY + datetime.timedelta(days=6))
    (scheduled,) = block.schedule(template, [0])
    response = owner_client.post(program_url("scheduled-start", program, scheduled_id=scheduled.pk), follow=True)
    assert "choose the goals this session serves" in response.content.decode()
    assert not PracticeSession.all_objects.exists()


def test_calendar_runs_the_same_number_of_queries_for_few_and_many_days(
    owner_client, fractal, template, short_term_goal, django_assert_max_num_queries, django_assert_num_queries
):
    def build(blocks):
        program = ProgramFactory(
            root=fractal, start_date=MONDAY, end_date=MONDAY + datetime.timedelta(weeks=blocks * 2)
        )
        program.goals.set([short_term_goal])
        for index in range(blocks):
            start = MONDAY + datetime.timedelta(weeks=2 * index)
            block = ProgramBlockFactory(program=program, start_date=start, end_date=start + datetime.timedelta(days=13))
            block.goals.set([short_term_goal])
            block.schedule(template, range(7))
            GoalFactory(parent=short_term_goal, deadline=start + datetime.timedelta(days=3))
        return program

    small, large = build(1), build(6)
    owner_client.get(program_url("program-detail", small))
    with django_assert_max_num_queries(40) as few:
        owner_client.get(program_url("program-detail", small))
    with django_assert_num_queries(len(few.captured_queries)):
        owner_client.get(program_url("program-detail", large))


# --- ownership -----------------------------------------------------------------------------


def program_pages(program, block, day, scheduled):
    return {
        "program-detail": program_url("program-detail", program),
        "program-edit": program_url("program-edit", program),
        "block-create": program_url("block-create", program),
        "block-edit": program_url("block-edit", program, block_id=block.pk),
        "block-schedule": program_url("block-schedule", program, block_id=block.pk),
        "day-edit": program_url("day-edit", program, day_id=day.pk),
    }


def program_posts(program, block, day, scheduled):
    return {
        **program_pages(program, block, day, scheduled),
        "program-delete": program_url("program-delete", program),
        "block-delete": program_url("block-delete", program, block_id=block.pk),
        "day-copy": program_url("day-copy", program, day_id=day.pk),
        "day-delete": program_url("day-delete", program, day_id=day.pk),
        "scheduled-start": program_url("scheduled-start", program, scheduled_id=scheduled.pk),
    }


@pytest.mark.parametrize("name", ["program-list", "program-create"])
def test_fractal_program_pages_are_the_owners_only(name, owner_client, stranger_client, anonymous_client, fractal):
    assert owner_client.get(url(name, fractal)).status_code == 200
    assert stranger_client.get(url(name, fractal)).status_code == 404
    assert anonymous_client.get(url(name, fractal)).status_code == 302
    # The list only shows (405 to any POST); the create form 404s a stranger before reading.
    expected = 405 if name == "program-list" else 404
    assert stranger_client.post(url(name, fractal), {"name": "x"}).status_code == expected


def test_every_program_page_is_the_owners_only(owner_client, stranger_client, anonymous_client, block, scheduled):
    pages = program_pages(block.program, block, scheduled[0].day, scheduled[0])
    for name, page in pages.items():
        assert owner_client.get(page).status_code == 200, name
        assert stranger_client.get(page).status_code == 404, name
        response = anonymous_client.get(page)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), name


def test_every_program_post_is_refused_to_strangers_and_changes_nothing(
    stranger_client, anonymous_client, block, scheduled
):
    posts = program_posts(block.program, block, scheduled[0].day, scheduled[0])
    data = {"name": "Hijacked", "date": scheduled[0].day.date.isoformat(), "color": "#000000"}
    for name, page in posts.items():
        # 405 for the pages that only show (the program page), 404 for every form and action.
        assert stranger_client.post(page, data).status_code == (405 if name == "program-detail" else 404), name
        assert anonymous_client.post(page, data).status_code == 302, name
    block.refresh_from_db()
    assert (block.name, block.deleted_at, block.program.deleted_at) == ("Base", None, None)
    assert ProgramDay.objects.filter(block=block).count() == 4
    assert not PracticeSession.all_objects.exists()


def test_a_program_of_another_fractal_is_not_found_through_mine(owner_client, fractal, owner):
    from tests.factories import FractalFactory

    mine_too = FractalFactory(owner=owner, level=GoalLevel.ULTIMATE)
    other = ProgramFactory(root=mine_too)
    page = reverse("program-detail", kwargs={"root_id": fractal.pk, "program_id": other.pk})
    assert owner_client.get(page).status_code == 404


def test_program_list_runs_the_same_number_of_queries_for_3_and_30_programs(
    owner_client, fractal, short_term_goal, django_assert_max_num_queries, django_assert_num_queries
):
    def add(count):
        for _ in range(count):
            program = ProgramFactory(root=fractal, start_date=MONDAY, end_date=MONDAY + datetime.timedelta(days=6))
            program.goals.set([short_term_goal])
            ProgramBlockFactory(program=program)

    add(3)
    owner_client.get(url("program-list", fractal))
    with django_assert_max_num_queries(30) as few:
        owner_client.get(url("program-list", fractal))
    add(27)
    with django_assert_num_queries(len(few.captured_queries)):
        response = owner_client.get(url("program-list", fractal))
    assert response.content.decode().count('class="plan-card"') == 30


def test_a_program_linked_to_a_goal_of_another_level_keeps_it_when_the_form_is_saved(
    owner_client, program, short_term_goal
):
    # Programs from the old app may serve a mid-term goal; the form offers session levels only,
    # but a goal already linked stays offered and ticked, so saving does not drop it unseen.
    mid_term = short_term_goal.parent
    program.goals.add(mid_term)
    form = owner_client.get(program_url("program-edit", program)).context["form"]
    assert {goal.pk for goal in form.fields["goals"].queryset} >= {mid_term.pk, short_term_goal.pk}
    assert str(mid_term.pk) in {str(value) for value, _label in form.fields["goals"].choices}
    data = {
        "name": program.name,
        "start_date": program.start_date.isoformat(),
        "end_date": program.end_date.isoformat(),
        "goals": [goal.pk for goal in form.initial["goals"]],
    }
    assert owner_client.post(program_url("program-edit", program), data).status_code == 302
    assert set(program.goals.values_list("pk", flat=True)) == {mid_term.pk, short_term_goal.pk}
