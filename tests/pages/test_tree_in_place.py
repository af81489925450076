"""The tree's in-place edits: add, rename, the row fragment, and drag and drop (move / reorder)."""

import pytest
from django.urls import reverse

from goals.models import Goal, GoalLevel
from tests.factories import GoalFactory

pytestmark = pytest.mark.django_db


def url(name, goal):
    return reverse(name, kwargs={"root_id": goal.root_id or goal.pk, "goal_id": goal.pk})


def test_adding_in_place_answers_with_the_new_row_only(owner_client, fractal):
    response = owner_client.post(url("tree-add", fractal), {"name": "Running"})
    assert response.status_code == 201
    child = Goal.objects.get(name="Running")
    assert child.parent_id == fractal.pk and child.level == GoalLevel.LONG_TERM
    html = response.content.decode()
    assert html.startswith(f'<li class="tree-item level-{child.level}" id="goal-{child.pk}"')
    assert "<!doctype" not in html


def test_adding_in_place_without_a_name_is_refused_and_adds_nothing(owner_client, fractal):
    before = Goal.objects.count()
    response = owner_client.post(url("tree-add", fractal), {"name": "  ", "deadline": ""})
    assert response.status_code == 400
    assert Goal.objects.count() == before


def test_adding_in_place_with_a_bad_deadline_is_refused(owner_client, fractal):
    response = owner_client.post(url("tree-add", fractal), {"name": "Run", "deadline": "soon"})
    assert response.status_code == 400
    assert not Goal.objects.filter(name="Run").exists()


def test_renaming_in_place_answers_with_the_row_summary(owner_client, fractal, short_term_goal):
    response = owner_client.post(url("tree-rename", short_term_goal), {"name": "Full front lever"})
    assert response.status_code == 200
    assert response.content.decode().startswith('<summary class="goal-row')
    short_term_goal.refresh_from_db()
    assert short_term_goal.name == "Full front lever"


def test_completing_with_the_row_as_next_lands_on_the_row_fragment(owner_client, fractal, short_term_goal):
    complete = url("goal-complete", short_term_goal)
    response = owner_client.post(complete, {"next": url("tree-row", short_term_goal)}, follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="done-mark"' in html and ">Reopen<" in html
    assert 'hx-swap-oob="true"' in html and "Completed" in html  # the message comes with the row


@pytest.mark.parametrize("name", ["tree-row", "tree-add", "tree-rename", "tree-drop"])
def test_strangers_get_not_found_and_anonymous_visitors_are_sent_to_sign_in(
    name, stranger_client, anonymous_client, fractal, short_term_goal
):
    method = "get" if name == "tree-row" else "post"
    data = {"name": "Taken", "parent": str(short_term_goal.parent_id), "position": "0"}
    assert getattr(stranger_client, method)(url(name, short_term_goal), data).status_code == 404
    response = getattr(anonymous_client, method)(url(name, short_term_goal), data)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    short_term_goal.refresh_from_db()
    assert short_term_goal.name != "Taken"


def test_dropping_onto_a_sibling_place_reorders(owner_client, fractal):
    first, second, third = (GoalFactory(parent=fractal, name=n) for n in ["First", "Second", "Third"])
    response = owner_client.post(url("tree-drop", third), {"parent": str(fractal.pk), "position": "0"})
    assert response.status_code == 200
    ordered = list(Goal.objects.filter(parent=fractal).order_by("sort_order").values_list("name", flat=True))
    assert ordered == ["Third", "First", "Second"]
    assert response.json()["order"] == [str(third.pk), str(first.pk), str(second.pk)]


def test_dropping_onto_a_parent_one_level_up_moves_the_goal_there(owner_client, fractal):
    old, new = GoalFactory(parent=fractal, name="Old"), GoalFactory(parent=fractal, name="New")
    kept = GoalFactory(parent=new, name="Kept")
    moving = GoalFactory(parent=old, name="Moving")
    response = owner_client.post(url("tree-drop", moving), {"parent": str(new.pk), "position": "0"})
    assert response.status_code == 200
    moving.refresh_from_db()
    assert moving.parent_id == new.pk
    assert list(Goal.objects.filter(parent=new).order_by("sort_order")) == [moving, kept]


def test_dropping_onto_a_parent_of_the_wrong_level_is_refused_and_changes_nothing(
    owner_client, fractal, short_term_goal
):
    sibling = GoalFactory(parent=fractal, name="Other long-term")
    response = owner_client.post(url("tree-drop", short_term_goal), {"parent": str(sibling.pk), "position": "0"})
    assert response.status_code == 400
    assert "one level above" in response.content.decode()
    parent_before = short_term_goal.parent_id
    short_term_goal.refresh_from_db()
    assert short_term_goal.parent_id == parent_before


def test_dropping_under_a_goal_of_another_fractal_is_not_found(owner_client, fractal, short_term_goal, owner):
    other = GoalFactory(parent=Goal.create_fractal(owner, "Other fractal"))
    other_mid = GoalFactory(parent=other)
    response = owner_client.post(url("tree-drop", short_term_goal), {"parent": str(other_mid.pk), "position": "0"})
    assert response.status_code == 404
    before = short_term_goal.parent_id
    short_term_goal.refresh_from_db()
    assert short_term_goal.parent_id == before


@pytest.mark.parametrize("position", ["", "-1", "first"])
def test_dropping_with_a_bad_position_is_refused(owner_client, fractal, position):
    goal = GoalFactory(parent=fractal)
    assert (
        owner_client.post(url("tree-drop", goal), {"parent": str(fractal.pk), "position": position}).status_code == 400
    )


def test_the_root_cannot_be_dropped(owner_client, fractal):
    assert owner_client.post(url("tree-drop", fractal), {"parent": str(fractal.pk), "position": "0"}).status_code == 400


@pytest.mark.parametrize("sessions", [1, 8])
def test_the_row_fragment_takes_the_same_queries_whatever_the_goal_holds(
    owner_client, fractal, short_term_goal, sessions, django_assert_num_queries
):
    from tests.factories import PracticeSessionFactory, TargetFactory

    for _ in range(sessions):
        PracticeSessionFactory(root=fractal, goals=[short_term_goal])
        TargetFactory(goal=short_term_goal)
    with django_assert_num_queries(11):  # the same at both sizes (one for the subtree's progress)
        response = owner_client.get(url("tree-row", short_term_goal))
    assert response.status_code == 200
    assert f"{sessions} session" in response.content.decode()
