"""Completion modes and pause / archive on the pages: goal page, edit form, tree, session menus."""

import pytest
from django.urls import reverse

from goals.models import CompletedBy, CompletionMode, Goal, GoalPause
from sessions.models import PracticeSession
from tests.factories import FractalFactory, GoalFactory, PracticeSessionFactory, TargetFactory, goal_chain

pytestmark = pytest.mark.django_db

ACTIONS = ["goal-pause", "goal-resume", "goal-archive", "goal-unarchive"]


def url(name, goal):
    return reverse(name, kwargs={"root_id": goal.root_id, "goal_id": goal.pk})


def tree(fractal, **params):
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return reverse("fractal-tree", kwargs={"root_id": fractal.pk}) + (f"?{query}" if query else "")


def tree_names(response):
    def walk(node):
        yield node.goal.name
        for child in node.children:
            yield from walk(child)

    return list(walk(response.context["tree"]))


def fresh(goal):
    return Goal.all_objects.get(pk=goal.pk)


# --- ownership -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ACTIONS)
def test_lifecycle_actions_are_the_owners_only(name, stranger_client, anonymous_client, short_term_goal):
    assert stranger_client.post(url(name, short_term_goal)).status_code == 404
    response = anonymous_client.post(url(name, short_term_goal))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert fresh(short_term_goal).lifecycle_state == "active"
    assert not GoalPause.all_objects.exists()


@pytest.mark.parametrize("name", ACTIONS)
def test_lifecycle_actions_take_posts_only(name, owner_client, short_term_goal):
    assert owner_client.get(url(name, short_term_goal)).status_code == 405


def test_the_owner_pauses_resumes_archives_and_unarchives_from_the_goal_page(owner_client, short_term_goal):
    page = url("goal-detail", short_term_goal)
    assert 'id="pause"' in owner_client.get(page).content.decode()
    response = owner_client.post(url("goal-pause", short_term_goal), {"next": page})
    assert response.status_code == 302 and response["Location"] == page
    content = owner_client.get(page).content.decode()
    assert "Paused since" in content and 'id="resume"' in content and 'id="start-practice"' not in content
    owner_client.post(url("goal-resume", short_term_goal))
    owner_client.post(url("goal-archive", short_term_goal))
    assert "Archived" in owner_client.get(page).content.decode()
    owner_client.post(url("goal-unarchive", short_term_goal))
    assert fresh(short_term_goal).lifecycle_state == "active"
    assert GoalPause.objects.get(goal=short_term_goal).ended_at is not None
    assert "Pauses" in owner_client.get(page).content.decode()


def test_a_refused_action_says_why_and_changes_nothing(owner_client, fractal, short_term_goal):
    response = owner_client.post(url("goal-resume", short_term_goal), follow=True)
    assert "This goal is not paused." in response.content.decode()
    response = owner_client.post(url("goal-pause", fractal), follow=True)
    assert "fractal root" in response.content.decode()
    assert fresh(fractal).paused_at is None


def test_a_goal_below_a_paused_goal_says_so_and_cannot_be_practised(owner_client, short_term_goal):
    short_term_goal.parent.pause()
    content = owner_client.get(url("goal-detail", short_term_goal)).content.decode()
    assert "which is paused" in content and 'id="start-practice"' not in content
    response = owner_client.post(url("goal-start-practice", short_term_goal), follow=True)
    assert "resume it to practise" in response.content.decode()
    assert not PracticeSession.objects.exists()


# --- completion mode on the goal page and the edit form -----------------------------------------


def test_the_edit_form_sets_the_children_mode_and_the_goal_page_shows_it(owner_client, fractal):
    goal = fractal.add_child("Calisthenics")
    goal.add_child("Levers").complete()
    response = owner_client.post(url("goal-edit", goal), {"name": "Calisthenics", "completion_mode": "children"})
    assert response.status_code == 302
    goal = fresh(goal)
    assert goal.completion_mode == CompletionMode.CHILDREN and goal.completed_by == CompletedBy.CHILDREN
    content = owner_client.get(url("goal-detail", goal)).content.decode()
    assert "When all its children are complete" in content and "1 of 1 counted children complete" in content
    assert "Mark complete" not in content and ">Reopen<" not in content


def test_an_edit_without_the_mode_keeps_it(owner_client, fractal):
    goal = fractal.add_child("Calisthenics", completion_mode=CompletionMode.HAND)
    owner_client.post(url("goal-edit", goal), {"name": "Renamed"})
    assert fresh(goal).completion_mode == CompletionMode.HAND


def test_an_unknown_mode_is_refused(owner_client, fractal):
    goal = fractal.add_child("Calisthenics")
    response = owner_client.post(url("goal-edit", goal), {"name": "x", "completion_mode": "magic"})
    assert response.status_code == 400
    assert fresh(goal).name == "Calisthenics"


def test_completing_a_children_mode_goal_by_hand_is_refused_with_a_message(owner_client, fractal):
    goal = fractal.add_child("Calisthenics", completion_mode=CompletionMode.CHILDREN)
    goal.add_child("Levers")
    response = owner_client.post(url("goal-complete", goal), follow=True)
    assert "completes when all its children are complete" in response.content.decode()
    assert not fresh(goal).completed


# --- the tree ------------------------------------------------------------------------------------


def test_the_tree_hides_paused_and_archived_branches_unless_asked(owner_client, fractal, short_term_goal):
    other = GoalFactory(parent=fractal, name="Running")
    short_term_goal.parent.pause()  # Levers, with the short-term goal below it
    other.archive()
    hidden = owner_client.get(tree(fractal))
    assert tree_names(hidden) == ["Get strong", "Calisthenics"]
    assert "2 paused or archived goals hidden" in hidden.content.decode()
    shown = owner_client.get(tree(fractal, inactive=1))
    assert set(tree_names(shown)) == {"Get strong", "Calisthenics", "Levers", short_term_goal.name, "Running"}
    content = shown.content.decode()
    assert "lifecycle-paused" in content and "lifecycle-archived" in content and ">Resume<" in content
    assert "start-practice/" not in content, "no practice from a paused branch"


def test_tree_rows_show_the_rolled_up_progress(owner_client, fractal):
    goal = fractal.add_child("Calisthenics")
    goal.add_child("Done").complete()
    goal.add_child("Open")
    content = owner_client.get(tree(fractal)).content.decode()
    assert '<progress value="50" max="100"></progress> 50 %' in content


def test_the_row_fragment_shows_progress_and_lifecycle(owner_client, fractal):
    goal = fractal.add_child("Calisthenics")
    goal.add_child("Done").complete()
    goal.pause()
    row = owner_client.get(url("tree-row", goal)).content.decode()
    assert "100 %" in row and "lifecycle-paused" in row and ">Resume<" in row


def test_the_tree_runs_the_same_queries_with_paused_goals_for_5_and_50_goals(
    owner_client, owner, count_queries, django_assert_num_queries
):
    fractal = FractalFactory(owner=owner)

    def grow(count):
        for _ in range(count):
            chain = goal_chain(fractal)
            PracticeSessionFactory(root=fractal, goals=[chain[-1]])
            TargetFactory(goal=chain[-1])
            chain[-1].pause()

    grow(2)
    small = count_queries(lambda: owner_client.get(tree(fractal, inactive=1)))
    grow(16)
    with django_assert_num_queries(small):
        owner_client.get(tree(fractal, inactive=1))
    with django_assert_num_queries(small):
        owner_client.get(tree(fractal))


# --- session goal menus --------------------------------------------------------------------------


@pytest.fixture
def paused_goal(fractal, short_term_goal):
    paused = GoalFactory(parent=short_term_goal.parent, name="On hold")
    paused.pause()
    return paused


@pytest.mark.parametrize("name", ["session-create", "session-log"])
def test_session_menus_hide_paused_goals_unless_asked(name, owner_client, fractal, short_term_goal, paused_goal):
    page = reverse(name, kwargs={"root_id": fractal.pk})
    content = owner_client.get(page).content.decode()
    assert short_term_goal.name in content and "On hold" not in content
    assert "Show paused / archived" in content
    assert "On hold (Short-term goal, paused)" in owner_client.get(page + "?inactive=1").content.decode()


def test_a_new_session_for_a_paused_goal_needs_the_filter(owner_client, fractal, paused_goal):
    page = reverse("session-create", kwargs={"root_id": fractal.pk})
    data = {"name": "Practice", "goals": [str(paused_goal.pk)], "template": ""}
    data.update({"sections-TOTAL_FORMS": "0", "sections-INITIAL_FORMS": "0"})
    assert owner_client.post(page, data).status_code == 400
    assert not PracticeSession.objects.exists()
    assert owner_client.post(page + "?inactive=1", data).status_code == 302


def test_program_goal_pickers_hide_paused_goals_but_keep_linked_ones(owner_client, fractal, short_term_goal):
    from tests.factories import ProgramFactory

    program = ProgramFactory(root=fractal)
    program.goals.set([short_term_goal])
    short_term_goal.pause()
    new = owner_client.get(reverse("program-create", kwargs={"root_id": fractal.pk})).content.decode()
    assert short_term_goal.name not in new
    edit = reverse("program-edit", kwargs={"root_id": fractal.pk, "program_id": program.pk})
    assert short_term_goal.name in owner_client.get(edit).content.decode()


def test_sessions_linked_to_a_paused_goal_still_show_it(owner_client, fractal, short_term_goal):
    session = PracticeSessionFactory(root=fractal, goals=[short_term_goal])
    short_term_goal.pause()
    page = reverse("session-detail", kwargs={"root_id": fractal.pk, "session_id": session.pk})
    assert short_term_goal.name in owner_client.get(page).content.decode()


def test_the_map_view_leaves_out_paused_branches(owner_client, fractal, short_term_goal):
    short_term_goal.parent.pause()
    content = owner_client.get(tree(fractal, view="map")).content.decode()
    assert "Calisthenics" in content
    assert short_term_goal.name not in content


def test_the_map_shows_paused_branches_when_asked_and_keeps_asking(owner_client, fractal, short_term_goal):
    levers = short_term_goal.parent
    levers.pause()
    hidden = owner_client.get(tree(fractal, view="map")).content.decode()
    assert "1 paused or archived goal left out with the goals below it." in hidden
    assert "inactive=1" in hidden
    shown = owner_client.get(tree(fractal, view="map", inactive="1")).content.decode()
    assert short_term_goal.name in shown and "left out with the goals below" not in shown
    nodes = shown.split('<g class="map-node')[1:]
    (paused,) = [node for node in nodes if f'id="node-{levers.pk}"' in node]
    (below,) = [node for node in nodes if f'id="node-{short_term_goal.pk}"' in node]
    assert "is-inactive" in paused.split('"')[0] and "Levers — Mid-term goal, paused" in paused
    assert "is-inactive" in below.split('"')[0] and "inactive: above it is paused or archived" in below
    (active,) = [node for node in nodes if f'id="node-{fractal.pk}"' in node]
    assert "is-inactive" not in active.split('"')[0]
    # The goal panel's links and the shape switch keep the choice.
    assert f"panel={short_term_goal.pk}" in shown and "inactive=1&amp;panel=" in shown
    switched = owner_client.post(reverse("fractal-view", args=[fractal.pk]), {"layout": "radial", "inactive": "1"})
    assert switched.status_code == 302 and "inactive=1" in switched["Location"]
