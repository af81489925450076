import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from activities.models import Target, TargetKind, TargetMetric, TargetOperator, TargetScope
from sessions.models import PracticeSession
from sessions.targets import target_progress
from tests.factories import ActivityDefinitionFactory, GoalFactory, MetricDefinitionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def count_queries():
    def run(action):
        with CaptureQueriesContext(connection) as context:
            action()
        return len(context.captured_queries)

    return run


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
    # Rules, the owner's preferences, every best value in one aggregate, the achievements.
    with django_assert_num_queries(4):
        small = target_progress(targets[:1])
    with django_assert_num_queries(4):
        large = target_progress(targets)
    assert [p.met for p in small] == [True]
    assert [p.met for p in large] == [True, False, False, False, False, False]


# --- progress per kind -------------------------------------------------------------------------


def make_kind_target(goal, activity, rules, **fields):
    target = Target(goal=goal, activity=activity, name="Kind", **fields)
    target.save()
    for metric, operator, value in rules:
        TargetMetric(target=target, metric=metric, operator=operator, threshold=value).save()
    return target


def test_the_best_value_of_a_lower_is_better_rule_is_the_smallest(fractal, short_term_goal, lever):
    activity, seconds, _ = lever
    target = make_kind_target(short_term_goal, activity, [(seconds, TargetOperator.LTE, 5)])
    session_with(short_term_goal, activity, [[(seconds, 8)], [(seconds, 6.25)], [(seconds, 9)]])
    (progress,) = target_progress([target])
    (row,) = progress.thresholds
    assert (row.best, row.reached, row.percent) == (6.25, False, 80)
    assert progress.percent == 80 and not progress.met


def test_the_best_value_of_an_equal_rule_is_the_closest(fractal, short_term_goal, lever):
    activity, seconds, _ = lever
    target = make_kind_target(short_term_goal, activity, [(seconds, TargetOperator.EQ, 10)])
    session_with(short_term_goal, activity, [[(seconds, 7)], [(seconds, 10.5)], [(seconds, 14)]])
    (progress,) = target_progress([target])
    assert progress.thresholds[0].best == 10.5


def test_a_sum_target_shows_its_total_so_far_of_the_total(fractal, short_term_goal, lever):
    activity, seconds, _ = lever
    target = make_kind_target(short_term_goal, activity, [(seconds, TargetOperator.GTE, 40)], kind=TargetKind.SUM)
    session_with(short_term_goal, activity, [[(seconds, 8)], [(seconds, 6)]])
    session_with(short_term_goal, activity, [[(seconds, 16)]])
    session_with(short_term_goal, activity, [[(seconds, 100)]], completed=False)
    (progress,) = target_progress([target])
    (row,) = progress.thresholds
    assert (row.best, row.threshold, row.percent, row.reached) == (30.0, 40.0, 75, False)
    assert progress.percent == 75


def test_a_range_scope_limits_what_progress_reads(fractal, short_term_goal, lever):
    activity, seconds, _ = lever
    today = timezone.localdate()
    target = make_kind_target(
        short_term_goal,
        activity,
        [(seconds, TargetOperator.GTE, 40)],
        scope=TargetScope.RANGE,
        starts_on=today + datetime.timedelta(days=1),
        ends_on=today + datetime.timedelta(days=30),
    )
    session_with(short_term_goal, activity, [[(seconds, 30)]])
    (progress,) = target_progress([target])
    assert progress.thresholds[0].best is None and progress.percent == 0


def test_a_frequency_target_shows_the_current_run_and_this_weeks_sessions(fractal, short_term_goal, lever):
    activity, seconds, _ = lever
    target = make_kind_target(short_term_goal, activity, [], kind=TargetKind.FREQUENCY, times=2, weeks=4)
    monday = datetime.date(2026, 3, 2)
    for day in (-14, -12, -7, -5, 1):  # two full weeks before this one, one session this week so far
        session = session_with(short_term_goal, activity, [[(seconds, 3)]], completed=False)
        when = datetime.datetime.combine(monday + datetime.timedelta(days=day), datetime.time(12), tzinfo=datetime.UTC)
        PracticeSession.objects.filter(pk=session.pk).update(started_at=when)
        session.complete(when=when + datetime.timedelta(hours=1))
    (progress,) = target_progress([target], today=monday + datetime.timedelta(days=2))
    weeks, this_week = progress.counts
    assert (weeks.value, weeks.of, weeks.percent) == (2, 4, 50)
    assert (this_week.value, this_week.of, this_week.percent) == (1, 2, 50)
    assert progress.percent == 50


def test_progress_of_every_kind_runs_the_same_queries_for_a_short_and_a_long_history(
    fractal, short_term_goal, lever, count_queries
):
    activity, seconds, weight = lever
    targets = [
        make_kind_target(short_term_goal, activity, [(seconds, TargetOperator.LTE, 1)]),
        make_kind_target(short_term_goal, activity, [(weight, TargetOperator.GTE, 500)], kind=TargetKind.SUM),
        make_kind_target(short_term_goal, activity, [], kind=TargetKind.FREQUENCY, times=3, weeks=9),
    ]
    session_with(short_term_goal, activity, [[(seconds, 4), (weight, 2)]])
    small = count_queries(lambda: target_progress(targets))
    for _ in range(6):
        session_with(short_term_goal, activity, [[(seconds, 4), (weight, 2)], [(seconds, 5), (weight, 3)]])
    assert count_queries(lambda: target_progress(targets)) == small
