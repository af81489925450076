import datetime

import pytest
from django.utils import timezone

from activities.models import Target, TargetMetric
from sessions.models import PracticeSession
from sessions.targets import target_progress
from tests.factories import ActivityDefinitionFactory, GoalFactory, MetricDefinitionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def lever(fractal):
    activity = ActivityDefinitionFactory(root=fractal, name="Front lever hold", has_sets=True)
    seconds = MetricDefinitionFactory(activity=activity, name="seconds", unit="s")
    weight = MetricDefinitionFactory(activity=activity, name="weight", unit="kg")
    return activity, seconds, weight


def make_target(goal, activity, thresholds):
    target = Target(goal=goal, activity=activity, name="Hold")
    target.save()
    for metric, value in thresholds:
        TargetMetric(target=target, metric=metric, threshold=value).save()
    return target


def session_with(goal, activity, sets, completed=True):
    """A session linked to ``goal`` with one instance of ``activity``; ``sets`` are lists of (metric, value)."""
    session = PracticeSession.create(goal.root, [goal], "Practice")
    instance = session.add_activity(activity)
    entries = [
        {"metric": metric, "set_number": number, "value": value}
        for number, values in enumerate(sets, start=1)
        for metric, value in values
    ]
    instance.record_values(entries)
    if completed:
        session.complete(when=timezone.now() + datetime.timedelta(minutes=1))
    return session


def test_no_targets_means_no_progress_and_no_queries(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert target_progress([]) == []


def test_best_values_come_from_completed_sessions_of_the_goal_and_its_subtree(fractal, short_term_goal, lever):
    activity, seconds, weight = lever
    immediate = GoalFactory(parent=short_term_goal)
    target = make_target(short_term_goal, activity, [(seconds, 10), (weight, 5)])
    session_with(short_term_goal, activity, [[(seconds, 4), (weight, 2)], [(seconds, 6), (weight, 1)]])
    session_with(immediate, activity, [[(seconds, 8), (weight, 3)]])
    session_with(short_term_goal, activity, [[(seconds, 50), (weight, 50)]], completed=False)  # not counted
    (progress,) = target_progress([target])
    assert [(row.metric.name, row.threshold, row.best, row.reached) for row in progress.thresholds] == [
        ("seconds", 10.0, 8.0, False),
        ("weight", 5.0, 3.0, False),
    ]
    assert not progress.met


def test_a_target_met_in_one_set_is_reported_met(fractal, short_term_goal, lever):
    activity, seconds, _weight = lever
    target = make_target(short_term_goal, activity, [(seconds, 10)])
    session = session_with(short_term_goal, activity, [[(seconds, 7)], [(seconds, 12)]])
    (progress,) = target_progress([target])
    assert progress.met
    assert progress.achievement.session_id == session.pk
    assert [(row.best, row.reached) for row in progress.thresholds] == [(12.0, True)]


def test_sessions_of_other_goals_and_deleted_sessions_do_not_count(fractal, short_term_goal, lever):
    activity, seconds, _ = lever
    sibling = GoalFactory(parent=short_term_goal.parent)
    target = make_target(short_term_goal, activity, [(seconds, 10)])
    session_with(sibling, activity, [[(seconds, 30)]])
    session_with(short_term_goal, activity, [[(seconds, 20)]]).delete()
    session_with(short_term_goal, activity, [[(seconds, 3)]])
    (progress,) = target_progress([target])
    assert progress.thresholds[0].best == 3.0
    assert not progress.met


def test_progress_runs_a_constant_number_of_queries(fractal, short_term_goal, lever, django_assert_num_queries):
    activity, seconds, weight = lever
    targets = []
    for index in range(6):
        goal = GoalFactory(parent=short_term_goal)
        targets.append(make_target(goal, activity, [(seconds, 10 + index), (weight, 1)]))
        session_with(goal, activity, [[(seconds, 10), (weight, 1)]])
    with django_assert_num_queries(3):
        small = target_progress(targets[:1])
    with django_assert_num_queries(3):
        large = target_progress(targets)
    assert [p.met for p in small] == [True]
    assert [p.met for p in large] == [True, False, False, False, False, False]
