"""Copying a goal with its subtree and targets (page, API and service), and the goal page's SMART check."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from activities.copying import copy_goal
from activities.models import Target, TargetMetric
from goals.models import Goal
from sessions.models import PracticeSession
from tests.factories import ActivityDefinitionFactory, GoalFactory, MetricDefinitionFactory, TargetFactory

pytestmark = pytest.mark.django_db


def copy_page(goal):
    return reverse("goal-copy", kwargs={"root_id": goal.root_id, "goal_id": goal.pk})


def copy_api(goal):
    return f"/api/fractals/{goal.root_id}/goals/{goal.pk}/copy/"


@pytest.fixture
def plan(short_term_goal):
    """A short-term goal (completed, with a deadline) with two immediate goals, one with a micro goal,
    targets on the goal and on a child, and a session that met nothing in particular."""
    goal = short_term_goal
    goal.description = "Straight body"
    goal.deadline = datetime.date(2030, 6, 1)
    goal.save()
    first = GoalFactory(parent=goal, name="Tuck lever")
    second = GoalFactory(parent=goal, name="Straddle lever")
    micro = GoalFactory(parent=first, name="Ten seconds tuck")
    activity = ActivityDefinitionFactory(root=goal.root, name="Lever hold")
    seconds = MetricDefinitionFactory(activity=activity, name="seconds", unit="s")
    on_goal = TargetFactory(goal=goal, activity=activity, name="Full lever 5 s")
    TargetMetric.objects.create(target=on_goal, metric=seconds, threshold=5)
    on_child = TargetFactory(goal=first, activity=activity, name="Tuck 10 s")
    TargetMetric.objects.create(target=on_child, metric=seconds, threshold=10)
    session = PracticeSession.create(goal.root, [goal], "Practice")
    session.complete(when=timezone.now())
    goal.complete()
    return {"goal": goal, "children": [first, second], "micro": micro, "session": session}


def subtree_names(goal):
    names = []
    frontier = [goal]
    while frontier:
        frontier = list(Goal.objects.filter(parent__in=frontier).order_by("sort_order", "name"))
        names.extend(child.name for child in frontier)
    return names


def test_a_copy_takes_the_subtree_and_targets_but_not_the_sessions_and_starts_open(plan):
    goal = plan["goal"]
    before_goals = Goal.objects.count()
    copy = copy_goal(goal)
    assert copy.pk != goal.pk and copy.parent_id == goal.parent_id and copy.root_id == goal.root_id
    assert copy.name == "Front lever (copy)"
    assert (copy.description, copy.deadline, copy.level) == (goal.description, goal.deadline, goal.level)
    assert copy.completed is False and copy.completed_at is None
    assert subtree_names(copy) == subtree_names(goal) == ["Tuck lever", "Straddle lever", "Ten seconds tuck"]
    assert Goal.objects.count() == before_goals + 4
    copied_targets = Target.objects.filter(goal__in=[copy, *Goal.objects.filter(parent=copy)])
    assert sorted(t.name for t in copied_targets) == ["Full lever 5 s", "Tuck 10 s"]
    assert sorted(TargetMetric.objects.filter(target__in=copied_targets).values_list("threshold", flat=True)) == [5, 10]
    assert not PracticeSession.objects.filter(goal_links__goal=copy).exists()
    # The original is untouched.
    goal.refresh_from_db()
    assert goal.completed and subtree_names(goal) == ["Tuck lever", "Straddle lever", "Ten seconds tuck"]


def test_a_copy_leaves_goals_and_targets_in_the_trash_behind(plan):
    plan["children"][1].delete()
    Target.objects.get(name="Tuck 10 s").delete()
    copy = copy_goal(plan["goal"])
    assert subtree_names(copy) == ["Tuck lever", "Ten seconds tuck"]
    assert list(Target.objects.filter(goal__parent=copy).values_list("name", flat=True)) == []


def test_a_copy_goes_under_another_parent_of_the_level_above_and_not_under_a_wrong_level(plan):
    goal = plan["goal"]
    other_mid = GoalFactory(parent=goal.parent.parent, name="Other mid-term")
    copy = copy_goal(goal, other_mid)
    assert copy.parent_id == other_mid.pk
    before = Goal.objects.count()
    with pytest.raises(ValidationError):
        copy_goal(goal, plan["children"][0])
    with pytest.raises(ValidationError):
        copy_goal(goal.root)
    assert Goal.objects.count() == before


def test_the_copy_page_copies_and_lands_on_the_copy(owner_client, plan):
    goal = plan["goal"]
    page = owner_client.get(copy_page(goal))
    assert page.status_code == 200 and "Copy under" in page.content.decode()
    response = owner_client.post(copy_page(goal), {"parent": goal.parent_id})
    copy = Goal.objects.get(name="Front lever (copy)")
    assert response.status_code == 302
    assert response["Location"] == reverse("goal-detail", kwargs={"root_id": goal.root_id, "goal_id": copy.pk})


def test_the_copy_page_refuses_a_parent_of_the_wrong_level_or_fractal_and_changes_nothing(
    owner_client, plan, stranger_fractal
):
    goal = plan["goal"]
    before = Goal.all_objects.count()
    for parent in (plan["children"][0].pk, stranger_fractal.pk, "not-a-uuid"):
        response = owner_client.post(copy_page(goal), {"parent": parent})
        assert response.status_code == 400
        assert "parent" in response.context["form"].errors
        assert "field-errors" in response.content.decode()
    assert Goal.all_objects.count() == before


def test_strangers_and_anonymous_users_cannot_copy(stranger_client, anonymous_client, plan):
    goal = plan["goal"]
    before = Goal.all_objects.count()
    assert stranger_client.get(copy_page(goal)).status_code == 404
    assert stranger_client.post(copy_page(goal), {"parent": goal.parent_id}).status_code == 404
    assert stranger_client.post(copy_api(goal), {}, content_type="application/json").status_code == 404
    assert anonymous_client.post(copy_page(goal), {"parent": goal.parent_id}).status_code == 302
    assert anonymous_client.post(copy_api(goal), {}, content_type="application/json").status_code in (401, 403)
    assert Goal.all_objects.count() == before


def test_the_root_has_no_copy_page(owner_client, fractal):
    assert owner_client.get(copy_page(fractal)).status_code == 404


def test_the_api_copies_under_the_parent_given_and_answers_the_new_goal(owner_client, plan):
    goal = plan["goal"]
    other_mid = GoalFactory(parent=goal.parent.parent, name="Other mid-term")
    response = owner_client.post(copy_api(goal), {"parent": str(other_mid.pk)}, content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    copy = Goal.objects.get(pk=body["id"])
    assert body["name"] == "Front lever (copy)" and copy.parent_id == other_mid.pk
    assert subtree_names(copy) == ["Tuck lever", "Straddle lever", "Ten seconds tuck"]


def test_the_api_refuses_a_wrong_parent_with_a_400_and_changes_nothing(owner_client, plan, stranger_fractal):
    goal = plan["goal"]
    before = Goal.all_objects.count()
    for parent in (str(plan["children"][0].pk), str(stranger_fractal.pk), "nope", 5):
        response = owner_client.post(copy_api(goal), {"parent": parent}, content_type="application/json")
        assert response.status_code == 400, (parent, response.content)
        assert "parent" in response.json()
    assert Goal.all_objects.count() == before


def test_the_goal_page_links_copy_and_move(owner_client, plan):
    goal = plan["goal"]
    page = owner_client.get(reverse("goal-detail", kwargs={"root_id": goal.root_id, "goal_id": goal.pk}))
    html = page.content.decode()
    assert copy_page(goal) in html
    assert reverse("goal-edit", kwargs={"root_id": goal.root_id, "goal_id": goal.pk}) + "#move" in html


# --- SMART check -------------------------------------------------------------------------------


def smart(client, goal):
    page = client.get(reverse("goal-detail", kwargs={"root_id": goal.root_id, "goal_id": goal.pk}))
    return {label: done for label, done, _hint in page.context["smart"]}


def test_the_smart_check_lists_what_a_bare_goal_is_missing(owner_client, short_term_goal):
    assert smart(owner_client, short_term_goal) == {
        "A description says what it means": False,
        "Measured by targets or by its children": False,
        "Linked to activities you practise": False,
        "A deadline": False,
    }


def test_the_smart_check_is_all_done_for_a_described_targeted_dated_goal(owner_client, plan):
    assert all(smart(owner_client, plan["goal"]).values())


def test_practising_an_activity_in_a_linked_session_counts_as_linked_activities(owner_client, short_term_goal):
    session = PracticeSession.create(short_term_goal.root, [short_term_goal], "Practice")
    session.add_activity(ActivityDefinitionFactory(root=short_term_goal.root))
    checks = smart(owner_client, short_term_goal)
    assert checks["Linked to activities you practise"] is True
    assert checks["Measured by targets or by its children"] is False
