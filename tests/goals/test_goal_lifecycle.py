"""Completion modes (targets, hand, children) and pause / archive, as model rules on every path."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from activities.copying import copy_goal
from goals.models import CompletedBy, CompletionMode, Goal, GoalLevel, GoalPause
from goals.services import delete_object, restore_object
from goals.tree import rolled_up_progress
from sessions.services import complete_session
from tests.factories import (
    ActivityDefinitionFactory,
    ActivityInstanceFactory,
    GoalFactory,
    MetricDefinitionFactory,
    MetricValueFactory,
    PracticeSessionFactory,
    TargetFactory,
    TargetMetricFactory,
    goal_chain,
)

pytestmark = pytest.mark.django_db


def fresh(goal):
    return Goal.all_objects.get(pk=goal.pk)


@pytest.fixture
def parent(fractal):
    """A long-term goal completed by its two mid-term children."""
    goal = fractal.add_child("Calisthenics", completion_mode=CompletionMode.CHILDREN)
    goal.add_child("Levers")
    goal.add_child("Handstands")
    return goal


def kids(goal):
    return list(Goal.objects.filter(parent=goal).order_by("created_at"))


# --- the children mode -------------------------------------------------------------------------


def test_a_children_mode_goal_completes_when_its_last_child_completes(parent):
    first, second = kids(parent)
    first.complete()
    assert not fresh(parent).completed
    second.complete()
    parent = fresh(parent)
    assert parent.completed and parent.completed_by == CompletedBy.CHILDREN
    assert parent.completed_at == fresh(second).completed_at


def test_it_reopens_when_a_child_reopens(parent):
    for child in kids(parent):
        child.complete()
    kids(parent)[0].reopen()
    parent = fresh(parent)
    assert not parent.completed and parent.completed_at is None and parent.completed_by == ""


def test_a_goal_without_children_stays_open_in_the_children_mode(fractal):
    goal = fractal.add_child("Empty", completion_mode=CompletionMode.CHILDREN)
    assert not fresh(goal).completed


def test_hand_completion_and_reopening_are_refused_in_the_children_mode(parent):
    with pytest.raises(ValidationError, match="children"):
        fresh(parent).complete()
    for child in kids(parent):
        child.complete()
    with pytest.raises(ValidationError, match="children"):
        fresh(parent).reopen()
    assert fresh(parent).completed


def test_a_new_open_child_reopens_the_parent(parent):
    for child in kids(parent):
        child.complete()
    parent = fresh(parent)
    parent.add_child("Rings")
    assert not fresh(parent).completed


def test_a_child_made_by_a_plain_save_reopens_the_parent_too(parent):
    for child in kids(parent):
        child.complete()
    GoalFactory(parent=fresh(parent), name="Admin-made")
    assert not fresh(parent).completed


def test_deleting_the_last_open_child_completes_the_parent_and_restoring_it_reopens(parent):
    first, second = kids(parent)
    first.complete()
    delete_object(second)
    assert fresh(parent).completed
    restore_object(fresh(second))
    assert not fresh(parent).completed


def test_deleting_every_child_reopens_the_parent(parent):
    for child in kids(parent):
        child.complete()
    for child in kids(parent):
        delete_object(child)
    assert not fresh(parent).completed


def test_moving_an_open_child_in_reopens_and_moving_it_out_completes(fractal, parent):
    first, second = kids(parent)
    first.complete()
    other = fractal.add_child("Running")
    second.move_to(other)
    assert fresh(parent).completed, "its only counted child left is complete"
    fresh(second).move_to(fresh(parent))
    assert not fresh(parent).completed


def test_moving_a_completed_child_under_an_empty_children_mode_goal_completes_it(fractal, parent):
    target = fractal.add_child("Skills", completion_mode=CompletionMode.CHILDREN)
    child = kids(parent)[0]
    child.complete()
    child.move_to(target)
    assert fresh(target).completed
    assert not fresh(parent).completed


def test_a_copy_under_a_completed_parent_reopens_it(parent):
    for child in kids(parent):
        child.complete()
    copy = copy_goal(kids(parent)[0])
    assert not fresh(copy).completed and fresh(copy).completed_by == ""
    assert not fresh(parent).completed


def test_chains_of_children_mode_goals_follow_each_other(fractal):
    top = fractal.add_child("Top", completion_mode=CompletionMode.CHILDREN)
    middle = top.add_child("Middle", completion_mode=CompletionMode.CHILDREN)
    leaf = middle.add_child("Leaf")
    leaf.complete()
    assert fresh(middle).completed and fresh(top).completed
    assert fresh(top).completed_by == CompletedBy.CHILDREN
    fresh(leaf).reopen()
    assert not fresh(middle).completed and not fresh(top).completed


def test_switching_to_the_children_mode_settles_the_goal_at_once(fractal):
    goal = fractal.add_child("Switch")
    goal.add_child("Done").complete()
    goal = fresh(goal)
    goal.completion_mode = CompletionMode.CHILDREN
    goal.full_clean()
    goal.save()
    assert fresh(goal).completed and fresh(goal).completed_by == CompletedBy.CHILDREN


def test_switching_to_the_children_mode_reopens_a_goal_its_open_children_do_not_support(fractal):
    goal = fractal.add_child("Switch")
    goal.add_child("Open")
    goal = fresh(goal)
    goal.complete()
    goal.completion_mode = CompletionMode.CHILDREN
    goal.save()
    assert not fresh(goal).completed


def test_a_nano_goal_cannot_be_completed_by_children(fractal):
    nano = goal_chain(fractal, down_to=GoalLevel.NANO)[-1]
    nano.completion_mode = CompletionMode.CHILDREN
    with pytest.raises(ValidationError, match="Nano"):
        nano.full_clean()


# --- paused and archived children ----------------------------------------------------------------


def test_a_paused_child_does_not_block_its_parent_and_resuming_it_reopens(parent):
    first, second = kids(parent)
    first.complete()
    second.pause()
    assert fresh(parent).completed
    fresh(second).resume()
    assert not fresh(parent).completed


def test_an_archived_child_does_not_block_and_a_parent_of_only_archived_children_is_open(parent):
    first, second = kids(parent)
    first.complete()
    second.archive()
    assert fresh(parent).completed
    fresh(first).archive()
    assert not fresh(parent).completed, "no counted child left"


# --- the targets and hand modes ----------------------------------------------------------------


@pytest.fixture
def measured(fractal, short_term_goal):
    activity = ActivityDefinitionFactory(root=fractal)
    metric = MetricDefinitionFactory(activity=activity)
    target = TargetFactory(goal=short_term_goal, activity=activity)
    TargetMetricFactory(target=target, metric=metric, threshold=5)
    return short_term_goal, activity, metric


def _meet(goal, activity, metric):
    session = PracticeSessionFactory(root=goal.root, goals=[goal])
    MetricValueFactory(instance=ActivityInstanceFactory(session=session, activity=activity), metric=metric, value=9)
    complete_session(session)
    return session


def test_targets_complete_a_goal_in_the_targets_mode_the_default(measured):
    goal, activity, metric = measured
    assert goal.completion_mode == CompletionMode.TARGETS
    _meet(goal, activity, metric)
    assert fresh(goal).completed_by == CompletedBy.TARGETS


def test_targets_never_complete_a_goal_in_the_hand_mode(measured):
    goal, activity, metric = measured
    goal.completion_mode = CompletionMode.HAND
    goal.save()
    _meet(goal, activity, metric)
    assert not fresh(goal).completed
    assert goal.targets.get().achievements.exists(), "the achievement is still recorded"


def test_switching_a_goal_back_to_the_targets_mode_lets_met_targets_complete_it(measured):
    goal, activity, metric = measured
    goal.completion_mode = CompletionMode.HAND
    goal.save()
    _meet(goal, activity, metric)
    goal = fresh(goal)
    goal.completion_mode = CompletionMode.TARGETS
    goal.save()
    assert fresh(goal).completed_by == CompletedBy.TARGETS


def test_a_goal_completed_by_targets_completes_its_children_mode_parent_and_reopens_it(fractal, measured):
    goal, activity, metric = measured
    parent = goal.parent
    parent.completion_mode = CompletionMode.CHILDREN
    parent.save()
    session = _meet(goal, activity, metric)
    assert fresh(parent).completed
    delete_object(session)  # the evidence goes: the goal reopens, and so does its parent
    assert not fresh(goal).completed
    assert not fresh(parent).completed


# --- pause and archive -------------------------------------------------------------------------


def test_pausing_and_resuming_records_the_interval(short_term_goal):
    start = timezone.now() - datetime.timedelta(days=3)
    short_term_goal.pause(when=start)
    assert fresh(short_term_goal).paused_at == start
    fresh(short_term_goal).resume(when=start + datetime.timedelta(days=1))
    pause = GoalPause.objects.get(goal=short_term_goal)
    assert (pause.started_at, pause.ended_at) == (start, start + datetime.timedelta(days=1))
    assert fresh(short_term_goal).paused_at is None
    fresh(short_term_goal).pause()
    assert GoalPause.objects.filter(goal=short_term_goal).count() == 2


def test_pause_rules_refuse_what_makes_no_sense(fractal, short_term_goal):
    with pytest.raises(ValidationError, match="root"):
        fractal.pause()
    with pytest.raises(ValidationError, match="not paused"):
        short_term_goal.resume()
    short_term_goal.pause()
    with pytest.raises(ValidationError, match="already paused"):
        short_term_goal.pause()
    short_term_goal.archive()
    with pytest.raises(ValidationError, match="unarchive"):
        short_term_goal.pause()
    with pytest.raises(ValidationError, match="already archived"):
        short_term_goal.archive()


def test_archiving_a_paused_goal_ends_its_pause(short_term_goal):
    short_term_goal.pause()
    short_term_goal.archive()
    goal = fresh(short_term_goal)
    assert goal.archived_at and goal.paused_at is None
    assert GoalPause.objects.get(goal=goal).ended_at == goal.archived_at
    goal.unarchive()
    assert fresh(goal).lifecycle_state == "active"


def test_a_goal_below_a_paused_goal_is_inactive(fractal):
    chain = goal_chain(fractal, down_to=GoalLevel.IMMEDIATE)
    chain[1].pause()
    assert not fresh(chain[-1]).is_active
    assert set(Goal.objects.filter(root=fractal).active()) == {fractal, chain[0]}
    fresh(chain[1]).resume()
    assert fresh(chain[-1]).is_active


def test_deleting_a_paused_goal_takes_its_pauses_and_restoring_brings_them_back(short_term_goal):
    short_term_goal.pause()
    delete_object(fresh(short_term_goal))
    assert not GoalPause.objects.filter(goal=short_term_goal).exists()
    restore_object(fresh(short_term_goal))
    assert GoalPause.objects.filter(goal=short_term_goal, ended_at=None).exists()


def test_a_copy_of_a_paused_goal_starts_active(short_term_goal):
    short_term_goal.pause()
    copy = copy_goal(fresh(short_term_goal))
    assert copy.paused_at is None and not GoalPause.objects.filter(goal=copy).exists()


# --- rolled-up progress ------------------------------------------------------------------------


def test_progress_is_the_mean_of_children_and_targets_and_100_when_completed():
    rows = [
        ("root", None, False, True),
        ("a", "root", False, True),  # targets 1 of 2: 0.5
        ("b", "root", True, True),  # completed: 1
        ("c", "root", False, False),  # paused: not counted by root
        ("a1", "a", False, True),  # open leaf, no parts: 0
    ]
    progress = rolled_up_progress(rows, {"a": (2, 1)})
    assert progress["a"] == (0.25, 2)  # mean of a1 (0) and its targets (0.5)
    assert progress["root"] == (0.625, 2)  # mean of a (0.25) and b (1); c left out
    assert progress["b"] == (1.0, 0)
    assert progress["a1"] == (0.0, 0)


def test_unloaded_children_count_by_their_completion():
    assert rolled_up_progress([("g", None, False, True)], {}, {"g": (4, 1)})["g"] == (0.25, 4)


def test_check_integrity_finds_a_paused_goal_without_an_open_pause(short_term_goal):
    from goals.integrity import find_problems

    assert not [p for p in find_problems() if "pause" in str(p)]
    Goal.objects.filter(pk=short_term_goal.pk).update(paused_at=timezone.now())
    assert [p for p in find_problems() if "paused without an open pause" in str(p)]
