"""Goal operations posted from the tree and the goal page: add, edit, complete, reorder, move, delete."""

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse

from goals.models import Goal, GoalLevel
from tests.factories import GoalFactory, goal_chain

pytestmark = pytest.mark.django_db


def url(name, goal, **extra):
    return reverse(name, kwargs={"root_id": goal.root_id, "goal_id": goal.pk, **extra})


def tree(goal):
    return reverse("fractal-tree", kwargs={"root_id": goal.root_id})


# --- add a child -------------------------------------------------------------------------------


def test_adding_a_child_creates_a_goal_at_the_next_level(owner_client, fractal):
    response = owner_client.post(url("goal-add-child", fractal), {"name": "Calisthenics", "deadline": "2030-01-31"})
    child = Goal.objects.get(name="Calisthenics")
    assert response.status_code == 302
    assert response["Location"] == f"{tree(fractal)}#goal-{child.pk}"
    assert (child.parent, child.level, child.deadline) == (fractal, GoalLevel.LONG_TERM, datetime.date(2030, 1, 31))


def test_adding_a_child_from_the_goal_page_returns_there(owner_client, fractal):
    back = reverse("goal-detail", kwargs={"root_id": fractal.pk, "goal_id": fractal.pk})
    response = owner_client.post(url("goal-add-child", fractal) + f"?next={back}", {"name": "Calisthenics"})
    assert response["Location"] == back


def test_adding_a_child_ignores_an_offsite_next(owner_client, fractal):
    response = owner_client.post(url("goal-add-child", fractal), {"name": "A", "next": "https://evil.example/"})
    assert response["Location"].startswith(tree(fractal))


def test_adding_a_child_without_a_name_shows_an_error(owner_client, fractal):
    response = owner_client.post(url("goal-add-child", fractal), {"name": "  ", "deadline": "soon"})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"name", "deadline"}
    assert Goal.objects.count() == 1


def test_the_add_page_is_shown(owner_client, fractal):
    response = owner_client.get(url("goal-add-child", fractal))
    assert response.status_code == 200
    assert b"New long-term goal" in response.content


def test_nano_goals_cannot_get_children(owner_client, fractal):
    nano = goal_chain(fractal, down_to=GoalLevel.NANO)[-1]
    assert owner_client.post(url("goal-add-child", nano), {"name": "Smaller"}).status_code == 404
    assert not Goal.objects.filter(name="Smaller").exists()


def test_strangers_cannot_add_children(stranger_client, fractal):
    assert stranger_client.post(url("goal-add-child", fractal), {"name": "Mine"}).status_code == 404
    assert not Goal.objects.filter(name="Mine").exists()


def test_a_goal_of_another_fractal_in_my_url_is_not_found(owner_client, fractal, stranger_fractal):
    foreign = reverse("goal-add-child", kwargs={"root_id": fractal.pk, "goal_id": stranger_fractal.pk})
    assert owner_client.post(foreign, {"name": "Sneaky"}).status_code == 404
    assert not Goal.objects.filter(name="Sneaky").exists()


# --- edit ------------------------------------------------------------------------------------


def test_editing_saves_name_description_and_deadline(owner_client, short_term_goal):
    response = owner_client.post(
        url("goal-edit", short_term_goal), {"name": "Full lever", "description": "Hold it", "deadline": "2031-02-03"}
    )
    assert response.status_code == 302
    short_term_goal.refresh_from_db()
    assert (short_term_goal.name, short_term_goal.description, short_term_goal.deadline) == (
        "Full lever",
        "Hold it",
        datetime.date(2031, 2, 3),
    )


def test_editing_with_a_blank_name_changes_nothing(owner_client, short_term_goal):
    response = owner_client.post(url("goal-edit", short_term_goal), {"name": "", "description": "Changed"})
    assert response.status_code == 400
    assert "name" in response.context["form"].errors
    short_term_goal.refresh_from_db()
    assert (short_term_goal.name, short_term_goal.description) == ("Front lever", "")


def test_the_edit_page_is_shown_to_the_owner_only(owner_client, stranger_client, anonymous_client, short_term_goal):
    assert owner_client.get(url("goal-edit", short_term_goal)).status_code == 200
    assert stranger_client.get(url("goal-edit", short_term_goal)).status_code == 404
    assert anonymous_client.get(url("goal-edit", short_term_goal)).status_code == 302


# --- complete and reopen ---------------------------------------------------------------------


def test_completing_and_reopening_a_goal(owner_client, short_term_goal):
    owner_client.post(url("goal-complete", short_term_goal))
    short_term_goal.refresh_from_db()
    assert short_term_goal.completed and short_term_goal.completed_at is not None
    owner_client.post(url("goal-reopen", short_term_goal))
    short_term_goal.refresh_from_db()
    assert not short_term_goal.completed and short_term_goal.completed_at is None


def test_strangers_cannot_complete_a_goal(stranger_client, short_term_goal):
    assert stranger_client.post(url("goal-complete", short_term_goal)).status_code == 404
    short_term_goal.refresh_from_db()
    assert not short_term_goal.completed


def test_completing_needs_post(owner_client, short_term_goal):
    assert owner_client.get(url("goal-complete", short_term_goal)).status_code == 405


# --- order among siblings --------------------------------------------------------------------


def test_moving_a_goal_up_and_down_among_its_siblings(owner_client, fractal):
    first, second, third = (GoalFactory(parent=fractal, name=name) for name in ("A", "B", "C"))

    def order():
        return list(Goal.objects.filter(parent=fractal).order_by("sort_order").values_list("name", flat=True))

    owner_client.post(url("goal-up", third))
    assert order() == ["A", "C", "B"]
    owner_client.post(url("goal-down", first))
    assert order() == ["C", "A", "B"]
    owner_client.post(url("goal-up", third))  # already first: stays
    assert order() == ["C", "A", "B"]
    assert second.pk


def test_the_root_cannot_be_reordered_here(owner_client, fractal):
    assert owner_client.post(url("goal-up", fractal)).status_code == 404


# --- move under another parent ---------------------------------------------------------------


def test_moving_a_goal_under_another_parent_of_the_right_level(owner_client, fractal, short_term_goal):
    other_mid = GoalFactory(parent=short_term_goal.parent.parent, name="Planche")
    response = owner_client.post(url("goal-move-to", short_term_goal), {"parent": other_mid.pk})
    assert response.status_code == 302
    short_term_goal.refresh_from_db()
    assert short_term_goal.parent == other_mid


def test_the_move_form_offers_only_goals_of_the_level_above(owner_client, fractal, short_term_goal):
    other_mid = GoalFactory(parent=short_term_goal.parent.parent, name="Planche")
    response = owner_client.get(url("goal-edit", short_term_goal))
    assert list(response.context["move_form"].fields["parent"].queryset) == [other_mid]


@pytest.mark.parametrize("target", ["wrong_level", "foreign", "garbage"])
def test_moving_under_an_invalid_parent_changes_nothing(
    owner_client, fractal, stranger_fractal, short_term_goal, target
):
    choices = {
        "wrong_level": fractal.pk,
        "foreign": GoalFactory(parent=GoalFactory(parent=stranger_fractal)).pk,
        "garbage": "not-a-uuid",
    }
    parent = short_term_goal.parent
    response = owner_client.post(url("goal-move-to", short_term_goal), {"parent": choices[target]})
    assert response.status_code == 200
    assert "parent" in response.context["move_form"].errors
    short_term_goal.refresh_from_db()
    assert short_term_goal.parent == parent


# --- delete and undo -------------------------------------------------------------------------


def test_deleting_a_goal_removes_its_subtree_and_offers_undo(owner_client, fractal, short_term_goal):
    mid = short_term_goal.parent
    response = owner_client.post(url("goal-delete", mid), follow=True)
    assert not Goal.objects.filter(pk__in=[mid.pk, short_term_goal.pk]).exists()
    assert url("goal-restore", mid) in response.content.decode()
    owner_client.post(url("goal-restore", mid))
    assert Goal.objects.filter(pk__in=[mid.pk, short_term_goal.pk]).count() == 2


def test_restoring_a_goal_whose_parent_is_deleted_is_refused(owner_client, fractal, short_term_goal):
    mid = short_term_goal.parent
    short_term_goal.delete()
    mid.delete()
    response = owner_client.post(url("goal-restore", short_term_goal), follow=True)
    assert "restore the parent first" in response.content.decode()
    assert not Goal.objects.filter(pk=short_term_goal.pk).exists()


def test_the_root_is_not_deleted_from_the_tree(owner_client, fractal):
    assert owner_client.post(url("goal-delete", fractal)).status_code == 404
    assert Goal.objects.filter(pk=fractal.pk).exists()


def test_strangers_cannot_delete_or_restore_goals(stranger_client, short_term_goal):
    assert stranger_client.post(url("goal-delete", short_term_goal)).status_code == 404
    assert Goal.objects.filter(pk=short_term_goal.pk).exists()
    short_term_goal.delete()
    assert stranger_client.post(url("goal-restore", short_term_goal)).status_code == 404
    assert not Goal.objects.filter(pk=short_term_goal.pk).exists()


def test_undo_works_with_csrf_checks_enforced(owner, fractal, short_term_goal):
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    page = client.get(tree(fractal)).content.decode()
    token = re.search(
        r'id="goal-action" method="post" hidden><input type="hidden" name="csrfmiddlewaretoken" value="([^"]+)"', page
    )
    assert token, "the shared action form of the tree carries a CSRF token"
    response = client.post(url("goal-delete", short_term_goal), {"csrfmiddlewaretoken": token.group(1)}, follow=True)
    assert not Goal.objects.filter(pk=short_term_goal.pk).exists()
    undo = re.search(
        r'action="([^"]+/restore/)".*?name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode()
    )
    client.post(undo.group(1), {"csrfmiddlewaretoken": undo.group(2)})
    assert Goal.objects.filter(pk=short_term_goal.pk).exists()
