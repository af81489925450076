"""Pages: "Start practice" in one tap from a tree row, a template and a program day; a planned
program session without goals picks them on the spot; the program form offers session goals only."""

import re
from urllib.parse import urljoin

import pytest
from django.urls import reverse
from django.utils import timezone

from goals.models import GoalLevel
from sessions.models import PracticeSession, Program, ScheduledSession, SessionTemplate
from sessions.views.common import session_url
from tests.factories import ActivityDefinitionFactory, GoalFactory, ProgramBlockFactory, ProgramFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def template(fractal):
    squat = ActivityDefinitionFactory(root=fractal, name="Squat")
    return SessionTemplate.create(fractal, "Legs", [("Main", 30, [squat])])


@pytest.fixture
def running(fractal, short_term_goal):
    return PracticeSession.create(fractal, [short_term_goal], "Already running", started_at=timezone.now())


def template_url(name, template):
    return reverse(name, kwargs={"root_id": template.root_id, "template_id": template.pk})


# --- tree rows -----------------------------------------------------------------------------


def test_tree_rows_of_open_session_goals_offer_start_practice(owner_client, fractal, short_term_goal):
    immediate = GoalFactory(parent=short_term_goal, name="Tuck hold")
    done = GoalFactory(parent=short_term_goal, name="Done already", completed=True)
    html = owner_client.get(reverse("fractal-tree", kwargs={"root_id": fractal.pk})).content.decode()
    # Row URLs are relative to the tree page (a big tree stays small); they resolve to goal-start-practice.
    assert f'{short_term_goal.pk}/start-practice/" class="primary" data-start-practice>Start practice' in html
    assert f"{immediate.pk}/start-practice/" in html
    assert str(done.pk) + "/start-practice/" not in html
    assert str(fractal.pk) + "/start-practice/" not in html  # the root is no session goal
    assert str(short_term_goal.parent_id) + "/start-practice/" not in html


def test_the_tree_rows_start_practice_opens_a_running_session(owner_client, fractal, short_term_goal):
    tree = reverse("fractal-tree", kwargs={"root_id": fractal.pk})
    html = owner_client.get(tree).content.decode()
    relative = re.search(rf'formaction="([^"]*{short_term_goal.pk}/start-practice/)"', html).group(1)
    start = urljoin(tree, relative)
    assert start == reverse("goal-start-practice", kwargs={"root_id": fractal.pk, "goal_id": short_term_goal.pk})
    response = owner_client.post(start)
    session = PracticeSession.objects.get()
    assert response["Location"] == session_url(session) and session.is_running


# --- templates -----------------------------------------------------------------------------


def test_template_list_and_editor_offer_start_practice(owner_client, template):
    start = template_url("template-start-practice", template)
    assert start in owner_client.get(reverse("template-list", kwargs={"root_id": template.root_id})).content.decode()
    assert start in owner_client.get(template_url("template-edit", template)).content.decode()


def test_a_template_used_before_starts_in_one_tap_for_the_same_goals(owner_client, template, short_term_goal):
    template.create_session([short_term_goal]).complete()
    response = owner_client.post(template_url("template-start-practice", template))
    session = PracticeSession.objects.filter(completed=False).get()
    assert response["Location"] == session_url(session)
    assert session.is_running and session.template == template
    assert list(session.goals.all()) == [short_term_goal]
    assert [instance.activity.name for instance in session.instances.all()] == ["Squat"]


def test_a_new_template_asks_for_the_goals_then_starts(owner_client, template, short_term_goal):
    response = owner_client.post(template_url("template-start-practice", template))
    assert response["Location"] == template_url("session-from-template", template) + "?start=1"
    assert not PracticeSession.objects.exists()
    page = owner_client.get(response["Location"]).content.decode()
    assert "Choose the goals this session serves." in page and 'id="start-practice"' in page
    response = owner_client.post(
        template_url("session-from-template", template), {"goals": [short_term_goal.pk], "start": "1"}
    )
    session = PracticeSession.objects.get()
    assert response["Location"] == session_url(session) and session.is_running


def test_creating_from_a_template_without_start_leaves_it_planned(owner_client, template, short_term_goal):
    owner_client.post(template_url("session-from-template", template), {"goals": [short_term_goal.pk]})
    assert PracticeSession.objects.get().started_at is None


def test_starting_a_template_while_a_session_runs_asks_first_and_keeps_the_chosen_goals(
    owner_client, template, short_term_goal, running
):
    data = {"goals": [short_term_goal.pk], "start": "1", "name": "Legs again"}
    response = owner_client.post(template_url("session-from-template", template), data)
    assert response.status_code == 409
    html = response.content.decode()
    assert "A session is in progress" in html and f'name="goals" value="{short_term_goal.pk}"' in html
    assert PracticeSession.objects.count() == 1
    response = owner_client.post(template_url("session-from-template", template), {**data, "confirm": "1"})
    assert response.status_code == 302
    assert PracticeSession.objects.get(name="Legs again").is_running


def test_one_tap_on_a_template_asks_first_too(owner_client, template, short_term_goal, running):
    template.create_session([short_term_goal])
    assert owner_client.post(template_url("template-start-practice", template)).status_code == 409
    assert PracticeSession.objects.count() == 2


def test_template_start_is_for_the_owner_only(owner_client, stranger_client, anonymous_client, template):
    start = template_url("template-start-practice", template)
    assert owner_client.get(start).status_code == 405
    assert stranger_client.post(start).status_code == 404
    assert anonymous_client.post(start).status_code == 302
    assert not PracticeSession.objects.exists()


# --- program days --------------------------------------------------------------------------


@pytest.fixture
def bare_program(fractal, template):
    """A program (and block) without goals, with the template scheduled today."""
    program = ProgramFactory(root=fractal, name="Bare", start_date=TODAY, end_date=TODAY)
    block = ProgramBlockFactory(program=program, start_date=TODAY, end_date=TODAY)
    block.schedule(template, [TODAY.weekday()])
    return program


def start_url(program):
    scheduled = ScheduledSession.objects.get(day__block__program=program)
    return reverse(
        "scheduled-start", kwargs={"root_id": program.root_id, "program_id": program.pk, "scheduled_id": scheduled.pk}
    )


def test_a_program_day_without_goals_offers_the_goals_right_there(owner_client, bare_program, short_term_goal):
    immediate = GoalFactory(parent=short_term_goal, name="Tuck hold")
    response = owner_client.post(start_url(bare_program))
    assert response.status_code == 200
    assert "choose the goals this session serves" in response.content.decode()
    choices = [pk for pk, _ in response.context["form"].fields["goals"].choices]
    assert choices == [short_term_goal.pk, immediate.pk]
    assert not PracticeSession.objects.exists()


def test_goals_picked_for_a_program_day_start_it_and_stay_with_the_program(owner_client, bare_program, short_term_goal):
    response = owner_client.post(
        start_url(bare_program), {"pick": "1", "goals": [short_term_goal.pk], "remember": "on"}
    )
    session = PracticeSession.objects.get()
    assert response["Location"] == session_url(session)
    assert session.is_running and list(session.goals.all()) == [short_term_goal]
    assert ScheduledSession.objects.get(day__block__program=bare_program).session == session
    assert list(bare_program.goals.all()) == [short_term_goal]


def test_goals_picked_without_remember_leave_the_program_as_it_was(owner_client, bare_program, short_term_goal):
    owner_client.post(start_url(bare_program), {"pick": "1", "goals": [short_term_goal.pk]})
    assert PracticeSession.objects.exists()
    assert not bare_program.goals.exists()


@pytest.mark.parametrize("goals", [[], ["not-an-id"], "FOREIGN", "MID"])
def test_bad_goal_picks_are_refused_and_change_nothing(
    owner_client, bare_program, short_term_goal, stranger_fractal, goals
):
    if goals == "FOREIGN":
        goals = [GoalFactory(parent=GoalFactory(parent=GoalFactory(parent=stranger_fractal))).pk]
    elif goals == "MID":
        goals = [short_term_goal.parent_id]
    response = owner_client.post(start_url(bare_program), {"pick": "1", "goals": goals, "remember": "on"})
    assert response.status_code == 400
    assert not PracticeSession.objects.exists()
    assert not bare_program.goals.exists()
    assert ScheduledSession.objects.get(day__block__program=bare_program).session is None


def test_a_program_day_asks_first_when_a_session_runs(owner_client, bare_program, short_term_goal, running):
    data = {"pick": "1", "goals": [short_term_goal.pk], "remember": "on"}
    response = owner_client.post(start_url(bare_program), data)
    assert response.status_code == 409
    assert PracticeSession.objects.count() == 1 and not bare_program.goals.exists()
    assert owner_client.post(start_url(bare_program), {**data, "confirm": "1"}).status_code == 302
    assert PracticeSession.objects.count() == 2


def test_the_goal_picker_is_for_the_owner_only(stranger_client, anonymous_client, bare_program, short_term_goal):
    for method in ("get", "post"):
        call = getattr(stranger_client, method)
        assert call(start_url(bare_program), {"pick": "1", "goals": [short_term_goal.pk]}).status_code == 404
        assert getattr(anonymous_client, method)(start_url(bare_program)).status_code == 302
    assert not PracticeSession.objects.exists() and not bare_program.goals.exists()


# --- program form --------------------------------------------------------------------------


def test_the_program_form_offers_only_session_goals_in_tree_order(owner_client, fractal, short_term_goal):
    mid_term = short_term_goal.parent
    second = GoalFactory(parent=mid_term, name="A second short-term goal")  # after the first among siblings
    child_of_first = GoalFactory(parent=short_term_goal, name="Zz immediate")
    child_of_second = GoalFactory(parent=second, name="Aa immediate")
    page = owner_client.get(reverse("program-create", kwargs={"root_id": fractal.pk}))
    choices = [pk for pk, _ in page.context["form"].fields["goals"].choices]
    assert choices == [short_term_goal.pk, child_of_first.pk, second.pk, child_of_second.pk]
    assert {goal.level for goal in [short_term_goal, second]} == {GoalLevel.SHORT_TERM}


def test_the_program_form_refuses_a_goal_of_a_level_sessions_cannot_link(owner_client, fractal, short_term_goal):
    data = {
        "name": "Spring",
        "start_date": "2027-03-01",
        "end_date": "2027-05-31",
        "goals": [short_term_goal.parent_id],
    }
    response = owner_client.post(reverse("program-create", kwargs={"root_id": fractal.pk}), data)
    assert response.status_code == 400
    assert not Program.all_objects.exists()


def test_the_program_form_goal_menu_costs_the_same_queries_for_few_and_many_goals(
    owner_client, fractal, short_term_goal, count_queries
):
    page = reverse("program-create", kwargs={"root_id": fractal.pk})
    few = count_queries(lambda: owner_client.get(page))
    for index in range(30):
        GoalFactory(parent=GoalFactory(parent=short_term_goal.parent, name=f"Short {index}"), name=f"Now {index}")
    many = count_queries(lambda: owner_client.get(page))
    assert many == few
    assert len(owner_client.get(page).context["form"].fields["goals"].choices) == 61
