import datetime

import pytest

from goals.models import Goal
from sessions.models import TargetAchievement
from sessions.targets import evaluate_goal
from tests.factories import (
    ActivityDefinitionFactory,
    ActivityInstanceFactory,
    GoalFactory,
    MetricDefinitionFactory,
    PracticeSessionFactory,
    TargetFactory,
    TargetMetricFactory,
)

T0 = datetime.datetime(2026, 3, 1, 8, 0, tzinfo=datetime.UTC)


@pytest.fixture
def target(short_term_goal, lift):
    """Weight ≥ 10 and reps ≥ 5 in one set."""
    activity, weight, reps = lift
    target = TargetFactory(goal=short_term_goal, activity=activity)
    TargetMetricFactory(target=target, metric=weight, threshold=10)
    TargetMetricFactory(target=target, metric=reps, threshold=5)
    return target


def practice(fractal, goal, activity, sets, *, when=T0, complete=True):
    session = PracticeSessionFactory(root=fractal, goals=[goal], started_at=when)
    instance = ActivityInstanceFactory(session=session, activity=activity)
    metrics = {m.name: m for m in activity.metrics.all()}
    entries = []
    for number, values in enumerate(sets, start=1):
        for name, value in values.items():
            entries.append(
                {"metric": metrics[name], "set_number": number if activity.has_sets else None, "value": value}
            )
    instance.record_values(entries)
    result = session.complete(when=when + datetime.timedelta(hours=1)) if complete else None
    return session, result


def test_a_target_is_met_by_a_single_set_reaching_every_threshold(fractal, short_term_goal, lift, target):
    session, result = practice(fractal, short_term_goal, lift[0], [{"Weight": 8, "Reps": 8}, {"Weight": 10, "Reps": 5}])
    assert result.targets_met == [target]
    achievement = TargetAchievement.objects.get(target=target)
    assert (achievement.session_id, achievement.set_number) == (session.pk, 2)


def test_thresholds_met_in_different_sets_do_not_count(fractal, short_term_goal, lift, target):
    _, result = practice(fractal, short_term_goal, lift[0], [{"Weight": 12, "Reps": 3}, {"Weight": 6, "Reps": 9}])
    assert result.targets_met == []
    assert not TargetAchievement.objects.exists()


def test_a_missing_value_means_not_met(fractal, short_term_goal, lift, target):
    _, result = practice(fractal, short_term_goal, lift[0], [{"Weight": 15}])
    assert result.targets_met == [] and not Goal.objects.get(pk=short_term_goal.pk).completed


def test_a_target_on_a_non_set_activity_is_met_by_the_instance(fractal, short_term_goal):
    run = ActivityDefinitionFactory(root=fractal, has_sets=False)
    distance = MetricDefinitionFactory(activity=run, name="Distance")
    run_target = TargetFactory(goal=short_term_goal, activity=run)
    TargetMetricFactory(target=run_target, metric=distance, threshold=10)
    _, result = practice(fractal, short_term_goal, run, [{"Distance": 10.2}])
    assert result.targets_met == [run_target]


def test_the_goal_completes_when_all_targets_are_met_at_the_session_end(fractal, short_term_goal, lift, target):
    hold = ActivityDefinitionFactory(root=fractal, has_sets=True)
    seconds = MetricDefinitionFactory(activity=hold, name="Hold")
    second_target = TargetFactory(goal=short_term_goal, activity=hold)
    TargetMetricFactory(target=second_target, metric=seconds, threshold=5)

    _, first = practice(fractal, short_term_goal, lift[0], [{"Weight": 10, "Reps": 5}])
    assert first.goals_completed == []
    assert not Goal.objects.get(pk=short_term_goal.pk).completed

    later = T0 + datetime.timedelta(days=2)
    _, second = practice(fractal, short_term_goal, hold, [{"Hold": 6}], when=later)
    goal = Goal.objects.get(pk=short_term_goal.pk)
    assert second.goals_completed == [goal]
    assert goal.completed and goal.completed_at == later + datetime.timedelta(hours=1)


def test_sessions_of_the_subtree_count_for_an_ancestor_target(fractal, short_term_goal, lift):
    mid_term = short_term_goal.parent
    ancestor_target = TargetFactory(goal=mid_term, activity=lift[0])
    TargetMetricFactory(target=ancestor_target, metric=lift[1], threshold=10)
    _, result = practice(fractal, short_term_goal, lift[0], [{"Weight": 11, "Reps": 1}])
    assert result.targets_met == [ancestor_target]
    assert Goal.objects.get(pk=mid_term.pk).completed


def test_an_unfinished_session_does_not_meet_targets(fractal, short_term_goal, lift, target):
    practice(fractal, short_term_goal, lift[0], [{"Weight": 20, "Reps": 20}], complete=False)
    evaluation = evaluate_goal(short_term_goal)
    assert evaluation.open == [target] and evaluation.met == []


def test_a_session_of_an_unrelated_goal_does_not_count(fractal, short_term_goal, lift, target):
    other = GoalFactory(parent=short_term_goal.parent)
    practice(fractal, other, lift[0], [{"Weight": 20, "Reps": 20}])
    assert evaluate_goal(short_term_goal).open == [target]


def test_a_reopened_goal_is_not_completed_again_by_an_old_achievement(fractal, short_term_goal, lift, target):
    practice(fractal, short_term_goal, lift[0], [{"Weight": 10, "Reps": 5}])
    goal = Goal.objects.get(pk=short_term_goal.pk)
    goal.reopen()
    evaluation = evaluate_goal(goal)
    assert evaluation.met == [target] and not evaluation.completed_now
    assert not Goal.objects.get(pk=goal.pk).completed
