"""The API of completion modes and pause / archive: fields, validation, actions, filters, progress tree."""

import pytest

from goals.models import CompletedBy, CompletionMode, Goal, GoalLevel, GoalPause
from tests.api.conftest import url
from tests.factories import goal_chain
from tests.helpers import json_of

pytestmark = pytest.mark.django_db


def goal_url(goal, suffix=""):
    return url(goal.root, f"goals/{goal.pk}/{suffix}")


def test_a_goal_is_created_in_the_children_mode_and_completed_by_its_children(api, fractal):
    response = api.post(
        url(fractal, "goals/"),
        {"parent": str(fractal.pk), "name": "Skills", "completion_mode": "children"},
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["completion_mode"] == "children" and body["paused_at"] is None and body["archived_at"] is None
    goal = Goal.objects.get(pk=body["id"])
    child = goal.add_child("Handstand")
    assert api.post(goal_url(child, "complete/")).status_code == 200
    body = api.get(goal_url(goal)).json()
    assert body["completed"] and body["completed_by"] == CompletedBy.CHILDREN


def test_bad_modes_are_400s(api, fractal):
    nano = goal_chain(fractal, down_to=GoalLevel.NANO)[-1]
    response = api.patch(goal_url(nano), {"completion_mode": "children"}, format="json")
    assert response.status_code == 400 and "completion_mode" in response.json()
    response = api.patch(goal_url(nano), {"completion_mode": "sometimes"}, format="json")
    assert response.status_code == 400
    assert Goal.objects.get(pk=nano.pk).completion_mode == CompletionMode.TARGETS


def test_completing_a_children_mode_goal_by_hand_is_a_400(api, fractal):
    goal = fractal.add_child("Skills", completion_mode=CompletionMode.CHILDREN)
    response = api.post(goal_url(goal, "complete/"))
    assert response.status_code == 400
    assert not Goal.objects.get(pk=goal.pk).completed


def test_pause_resume_archive_unarchive(api, short_term_goal):
    body = api.post(goal_url(short_term_goal, "pause/")).json()
    assert body["paused_at"] is not None
    assert api.post(goal_url(short_term_goal, "pause/")).status_code == 400
    assert api.post(goal_url(short_term_goal, "resume/")).json()["paused_at"] is None
    assert api.post(goal_url(short_term_goal, "archive/")).json()["archived_at"] is not None
    assert api.post(goal_url(short_term_goal, "unarchive/")).json()["archived_at"] is None
    assert GoalPause.objects.get(goal=short_term_goal).ended_at is not None


def test_the_root_cannot_be_paused(api, fractal):
    assert api.post(goal_url(fractal, "pause/")).status_code == 400


@pytest.mark.parametrize("action", ["pause", "resume", "archive", "unarchive"])
def test_lifecycle_actions_are_hidden_from_strangers_and_anonymous(
    action, stranger_api, anonymous_api, short_term_goal
):
    assert stranger_api.post(goal_url(short_term_goal, f"{action}/")).status_code == 404
    assert anonymous_api.post(goal_url(short_term_goal, f"{action}/")).status_code in (401, 403)
    assert Goal.objects.get(pk=short_term_goal.pk).lifecycle_state == "active"


def test_the_state_filter(api, fractal, short_term_goal):
    short_term_goal.parent.pause()
    listed = api.get(url(fractal, "goals/?state=active")).json()["results"]
    names = {goal["name"] for goal in listed}
    assert short_term_goal.name not in names and short_term_goal.parent.name not in names
    paused = api.get(url(fractal, "goals/?state=paused")).json()["results"]
    assert [goal["id"] for goal in paused] == [str(short_term_goal.parent.pk)]
    assert api.get(url(fractal, "goals/?state=sleeping")).status_code == 400


def _find(node, goal_id):
    if node["id"] == str(goal_id):
        return node
    for child in node["children"]:
        found = _find(child, goal_id)
        if found:
            return found
    return None


def test_the_progress_tree_carries_the_rolled_up_progress_and_state(api, fractal):
    goal = fractal.add_child("Skills")
    goal.add_child("Done").complete()
    goal.add_child("Open")
    paused = goal.add_child("Paused")
    paused.pause()
    tree = json_of(api.get(url(fractal, "progress-tree/")))
    assert _find(tree, goal.pk)["progress"] == 0.5  # the paused child is not counted
    assert _find(tree, paused.pk)["state"] == "paused"
    assert _find(tree, paused.pk)["progress"] is None
