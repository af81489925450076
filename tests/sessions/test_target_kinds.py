"""Evaluation of every kind of target (threshold with each operator, sum, frequency) within its
scope (all time, a date range, a program block), and its re-evaluation when the scope moves."""

import datetime
import functools
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from activities.models import TargetKind, TargetMetric, TargetOperator, TargetScope
from goals.models import CompletedBy, Goal, Profile, WeekStart
from goals.services import delete_object
from sessions.models import TargetAchievement
from sessions.targets import evaluate_goal
from tests.factories import (
    ActivityDefinitionFactory,
    ActivityInstanceFactory,
    MetricDefinitionFactory,
    PracticeSessionFactory,
    ProgramBlockFactory,
    ProgramFactory,
    TargetFactory,
    TargetMetricFactory,
)

pytestmark = pytest.mark.django_db
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
HOUR = datetime.timedelta(hours=1)


def local(year, month, day, hour=12, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=NEW_YORK)


@pytest.fixture
def new_york_owner(owner):
    profile = Profile.for_user(owner)
    profile.time_zone = "America/New_York"
    profile.save()
    return owner


@pytest.fixture
def api_client(owner):
    client = APIClient()
    client.force_authenticate(owner)
    return client


@pytest.fixture
def run(fractal):
    activity = ActivityDefinitionFactory(root=fractal, name="Run", has_sets=True)
    distance = MetricDefinitionFactory(activity=activity, name="Distance", unit="km")
    pace = MetricDefinitionFactory(activity=activity, name="Pace", unit="min/km")
    return activity, distance, pace


def practice(goal, activity, sets, when, complete=True):
    """A session linked to ``goal`` at ``when`` with one instance; ``sets`` are {metric: value} dicts."""
    session = PracticeSessionFactory(root=goal.root, goals=[goal], started_at=when)
    instance = ActivityInstanceFactory(session=session, activity=activity)
    instance.record_values(
        [
            {"metric": metric, "set_number": number, "value": value}
            for number, values in enumerate(sets, start=1)
            for metric, value in values.items()
        ]
    )
    if complete:
        session.complete(when=when + HOUR)
    return session, instance


def achievement(target):
    return TargetAchievement.objects.filter(target=target).first()


def goal_state(goal):
    goal = Goal.all_objects.get(pk=goal.pk)
    return goal.completed, goal.completed_by


# --- threshold: operators ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "operator, threshold, value, met",
    [
        (TargetOperator.GTE, 10, 10, True),
        (TargetOperator.GTE, 10, 9.99, False),
        (TargetOperator.GT, 10, 10, False),
        (TargetOperator.GT, 10, 10.01, True),
        (TargetOperator.LTE, 6, 6, True),
        (TargetOperator.LTE, 6, 6.01, False),
        (TargetOperator.LT, 6, 6, False),
        (TargetOperator.LT, 6, 5.99, True),
        (TargetOperator.EQ, 5, 5, True),
        (TargetOperator.EQ, 5, 5.01, False),
        (TargetOperator.EQ, 5, 4.99, False),
    ],
)
def test_a_threshold_target_honours_its_operator_at_the_boundary(
    fractal, short_term_goal, run, operator, threshold, value, met
):
    activity, distance, _ = run
    target = TargetFactory(goal=short_term_goal, activity=activity)
    TargetMetricFactory(target=target, metric=distance, operator=operator, threshold=threshold)
    practice(short_term_goal, activity, [{distance: value}], local(2026, 3, 2))
    assert (achievement(target) is not None) is met
    assert goal_state(short_term_goal)[0] is met


def test_a_pace_to_beat_is_met_by_the_first_set_at_or_under_it_with_every_rule(fractal, short_term_goal, run):
    activity, distance, pace = run
    target = TargetFactory(goal=short_term_goal, activity=activity)
    TargetMetricFactory(target=target, metric=pace, operator=TargetOperator.LTE, threshold=5.5)
    TargetMetricFactory(target=target, metric=distance, operator=TargetOperator.GTE, threshold=5)
    # Fast but short, then long but slow: no single set meets both rules.
    practice(short_term_goal, activity, [{pace: 5.0, distance: 2}, {pace: 6.0, distance: 8}], local(2026, 3, 2))
    assert achievement(target) is None
    session, _ = practice(
        short_term_goal, activity, [{pace: 5.8, distance: 6}, {pace: 5.4, distance: 5}], local(2026, 3, 4)
    )
    found = achievement(target)
    assert (found.session_id, found.set_number) == (session.pk, 2)


# --- scopes ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "when, counts",
    [
        (local(2026, 3, 9, 23, 59), False),
        (local(2026, 3, 10, 0, 0), True),
        (local(2026, 3, 12, 23, 59), True),
        (local(2026, 3, 13, 0, 0), False),
    ],
)
def test_a_date_range_counts_whole_local_days_of_the_owners_zone(
    new_york_owner, fractal, short_term_goal, run, when, counts
):
    activity, distance, _ = run
    target = TargetFactory(
        goal=short_term_goal,
        activity=activity,
        scope=TargetScope.RANGE,
        starts_on=datetime.date(2026, 3, 10),
        ends_on=datetime.date(2026, 3, 12),
    )
    TargetMetricFactory(target=target, metric=distance, threshold=5)
    practice(short_term_goal, activity, [{distance: 6}], when)
    assert (achievement(target) is not None) is counts


def test_moving_the_block_re_evaluates_a_block_scoped_target(fractal, short_term_goal, run):
    activity, distance, _ = run
    program = ProgramFactory(root=fractal, start_date=datetime.date(2026, 1, 1), end_date=datetime.date(2026, 12, 31))
    block = ProgramBlockFactory(
        program=program, start_date=datetime.date(2026, 4, 1), end_date=datetime.date(2026, 4, 28)
    )
    target = TargetFactory(goal=short_term_goal, activity=activity, scope=TargetScope.BLOCK, block=block)
    TargetMetricFactory(target=target, metric=distance, threshold=5)
    session, _ = practice(short_term_goal, activity, [{distance: 6}], local(2026, 3, 2))
    assert achievement(target) is None
    block.start_date = datetime.date(2026, 3, 1)
    block.save()
    assert achievement(target).session_id == session.pk
    assert goal_state(short_term_goal) == (True, CompletedBy.TARGETS)
    block.start_date = datetime.date(2026, 3, 3)
    block.save()
    assert achievement(target) is None
    # Completed by its targets, it reopens; a goal completed by hand would stay completed.
    assert goal_state(short_term_goal) == (False, CompletedBy.TARGETS)


def test_editing_the_scope_of_a_target_through_the_api_re_evaluates_it(api_client, fractal, short_term_goal, run):
    activity, distance, _ = run
    target = TargetFactory(goal=short_term_goal, activity=activity)
    TargetMetricFactory(target=target, metric=distance, threshold=5)
    practice(short_term_goal, activity, [{distance: 6}], local(2026, 3, 2))
    assert goal_state(short_term_goal) == (True, CompletedBy.TARGETS)
    response = api_client.patch(
        f"/api/fractals/{fractal.pk}/targets/{target.pk}/",
        {"scope": "range", "starts_on": "2026-04-01", "ends_on": "2026-04-30"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert achievement(target) is None
    assert goal_state(short_term_goal) == (False, CompletedBy.TARGETS)


# --- sum ---------------------------------------------------------------------------------------


def sum_target(goal, activity, *rules, **fields):
    target = TargetFactory(goal=goal, activity=activity, kind=TargetKind.SUM, **fields)
    for metric, total in rules:
        TargetMetricFactory(target=target, metric=metric, threshold=total)
    return target


def test_a_sum_target_records_the_set_whose_value_crossed_the_total(fractal, short_term_goal, run):
    activity, distance, _ = run
    target = sum_target(short_term_goal, activity, (distance, 10))
    practice(short_term_goal, activity, [{distance: 3}, {distance: 3}], local(2026, 3, 2))
    practice(short_term_goal, activity, [{distance: 50}], local(2026, 3, 3), complete=False)  # open: not counted
    assert achievement(target) is None
    session, _ = practice(short_term_goal, activity, [{distance: 2}, {distance: 3}, {distance: 5}], local(2026, 3, 4))
    found = achievement(target)  # 3 + 3 + 2 + 3 = 11 crosses 10 at the second set
    assert (found.session_id, found.set_number) == (session.pk, 2)
    assert goal_state(short_term_goal) == (True, CompletedBy.TARGETS)


def test_a_sum_target_with_two_metrics_is_met_when_the_later_total_is_reached(fractal, short_term_goal, run):
    activity, distance, pace = run
    target = sum_target(short_term_goal, activity, (distance, 5), (pace, 20))
    practice(short_term_goal, activity, [{distance: 6, pace: 6}], local(2026, 3, 2))
    assert achievement(target) is None
    practice(short_term_goal, activity, [{distance: 1, pace: 6}], local(2026, 3, 3))
    last, _ = practice(short_term_goal, activity, [{distance: 1, pace: 6}, {distance: 1, pace: 6}], local(2026, 3, 4))
    found = achievement(target)  # distance crossed on the 2nd, pace (6+6+6+6 = 24) on the 4th's second set
    assert (found.session_id, found.set_number) == (last.pk, 2)


def test_deleting_a_session_under_the_total_reopens_a_sum_target_goal(fractal, short_term_goal, run):
    activity, distance, _ = run
    target = sum_target(short_term_goal, activity, (distance, 10))
    practice(short_term_goal, activity, [{distance: 6}], local(2026, 3, 2))
    second, _ = practice(short_term_goal, activity, [{distance: 6}], local(2026, 3, 3))
    assert achievement(target).session_id == second.pk
    delete_object(second)
    assert achievement(target) is None
    assert goal_state(short_term_goal) == (False, CompletedBy.TARGETS)


def test_a_sum_counts_only_the_sessions_in_its_range(new_york_owner, fractal, short_term_goal, run):
    activity, distance, _ = run
    target = sum_target(
        short_term_goal,
        activity,
        (distance, 10),
        scope=TargetScope.RANGE,
        starts_on=datetime.date(2026, 3, 3),
        ends_on=datetime.date(2026, 3, 31),
    )
    practice(short_term_goal, activity, [{distance: 8}], local(2026, 3, 2, 23, 30))  # the day before
    practice(short_term_goal, activity, [{distance: 8}], local(2026, 3, 3, 0, 30))
    assert achievement(target) is None
    practice(short_term_goal, activity, [{distance: 2}], local(2026, 3, 4))
    assert achievement(target) is not None


# --- frequency ---------------------------------------------------------------------------------


def frequency_target(goal, activity, times, weeks, *rules, **fields):
    target = TargetFactory(goal=goal, activity=activity, kind=TargetKind.FREQUENCY, times=times, weeks=weeks, **fields)
    for metric, operator, threshold in rules:
        TargetMetricFactory(target=target, metric=metric, operator=operator, threshold=threshold)
    return target


def test_a_frequency_run_follows_the_owners_sunday_weeks_across_the_week_boundary(
    new_york_owner, fractal, short_term_goal, run
):
    profile = Profile.for_user(new_york_owner)
    profile.week_start = WeekStart.SUNDAY
    profile.save()
    activity, distance, _ = run
    target = frequency_target(short_term_goal, activity, 2, 2)
    # 2026-03-01 is a Sunday. Sunday weeks: Mar 1–7 gets Monday and Saturday evening (already Sunday
    # in UTC), Mar 8–14 gets Sunday and Tuesday.
    practice(short_term_goal, activity, [{distance: 3}], local(2026, 3, 2, 19))
    practice(short_term_goal, activity, [{distance: 3}], local(2026, 3, 7, 21))
    practice(short_term_goal, activity, [{distance: 3}], local(2026, 3, 8, 9))
    assert achievement(target) is None
    last, instance = practice(short_term_goal, activity, [{distance: 3}], local(2026, 3, 10, 7))
    found = achievement(target)
    assert (found.session_id, found.instance_id) == (last.pk, instance.pk)
    assert goal_state(short_term_goal) == (True, CompletedBy.TARGETS)
    # With Monday weeks the same sessions are three in Mar 2–8 and one in Mar 9–15: no run.
    profile.week_start = WeekStart.MONDAY
    profile.save()
    assert achievement(target) is None
    assert goal_state(short_term_goal) == (False, CompletedBy.TARGETS)


def test_a_week_short_of_sessions_breaks_the_run(fractal, short_term_goal, run):
    activity, distance, _ = run
    target = frequency_target(short_term_goal, activity, 1, 3)
    for day in (2, 9, 23, 30):  # Mondays; the week of the 16th has none
        practice(short_term_goal, activity, [{distance: 3}], local(2026, 3, day))
    assert achievement(target) is None
    session, _ = practice(short_term_goal, activity, [{distance: 3}], local(2026, 4, 6))
    assert achievement(target).session_id == session.pk


def test_frequency_counts_only_sessions_whose_instance_meets_the_rules(fractal, short_term_goal, run):
    activity, distance, _ = run
    target = frequency_target(short_term_goal, activity, 2, 1, (distance, TargetOperator.GTE, 5))
    practice(short_term_goal, activity, [{distance: 6}], local(2026, 3, 2))
    practice(short_term_goal, activity, [{distance: 4}], local(2026, 3, 3))
    practice(short_term_goal, activity, [{distance: 9}], local(2026, 3, 4), complete=False)
    assert achievement(target) is None
    session, _ = practice(short_term_goal, activity, [{distance: 2}, {distance: 5}], local(2026, 3, 5))
    assert achievement(target).session_id == session.pk


def test_two_instances_in_one_session_count_once(fractal, short_term_goal, run):
    activity, distance, _ = run
    target = frequency_target(short_term_goal, activity, 2, 1)
    session, _ = practice(short_term_goal, activity, [{distance: 3}], local(2026, 3, 2), complete=False)
    ActivityInstanceFactory(session=session, activity=activity)
    session.complete(when=local(2026, 3, 2, 13))
    assert achievement(target) is None


# --- one query count, whatever the history ----------------------------------------------------


def evaluation_queries(goal):
    evaluate_goal(Goal.objects.get(pk=goal.pk))  # settle the achievements
    with CaptureQueriesContext(connection) as queries:
        evaluate_goal(Goal.objects.get(pk=goal.pk))
    return len(queries)


@pytest.mark.parametrize("kind", ["threshold", "sum", "frequency"])
def test_evaluation_runs_the_same_queries_for_a_short_and_a_long_history(fractal, short_term_goal, run, kind):
    activity, distance, pace = run
    if kind == "sum":
        sum_target(short_term_goal, activity, (distance, 1000), (pace, 1000))
    elif kind == "frequency":
        frequency_target(short_term_goal, activity, 2, 50, (distance, TargetOperator.GTE, 1))
    else:
        target = TargetFactory(
            goal=short_term_goal,
            activity=activity,
            scope=TargetScope.RANGE,
            starts_on=datetime.date(2026, 1, 1),
            ends_on=datetime.date(2026, 12, 31),
        )
        TargetMetricFactory(target=target, metric=pace, operator=TargetOperator.LT, threshold=1)

    def add(count, start):
        for day in range(count):
            practice(
                short_term_goal,
                activity,
                [{distance: 5, pace: 6}],
                local(2026, 3, 1) + datetime.timedelta(days=start + day),
            )

    add(2, 0)
    small = evaluation_queries(short_term_goal)
    add(12, 2)
    assert evaluation_queries(short_term_goal) == small


# --- a target's own edits -----------------------------------------------------------------------


def test_trashing_the_rule_not_met_meets_the_target_and_restoring_it_reopens_the_goal(fractal, short_term_goal, run):
    from goals.services import restore_object

    activity, distance, pace = run
    target = TargetFactory(goal=short_term_goal, activity=activity)
    TargetMetricFactory(target=target, metric=distance, threshold=5)
    fast = TargetMetricFactory(target=target, metric=pace, operator=TargetOperator.LTE, threshold=4)
    practice(short_term_goal, activity, [{distance: 6, pace: 5}], local(2026, 3, 2))
    assert achievement(target) is None
    delete_object(fast)
    assert achievement(target) is not None
    assert goal_state(short_term_goal) == (True, CompletedBy.TARGETS)
    restore_object(fast)
    assert achievement(target) is None
    assert goal_state(short_term_goal) == (False, CompletedBy.TARGETS)


def test_the_admin_edits_kind_scope_and_operators_and_re_evaluates(client, fractal, short_term_goal, run):
    from django.urls import reverse

    from tests.factories import UserFactory

    activity, distance, _ = run
    target = TargetFactory(goal=short_term_goal, activity=activity)
    rule = TargetMetricFactory(target=target, metric=distance, threshold=50)
    practice(short_term_goal, activity, [{distance: 6}], local(2026, 3, 2))
    client.force_login(UserFactory(username="admin", is_staff=True, is_superuser=True))
    page = client.get(reverse("admin:activities_target_change", args=[target.pk])).content.decode()
    for name in ('name="kind"', 'name="scope"', 'name="starts_on"', 'name="block"', 'name="times"', "operator"):
        assert name in page
    change = reverse("admin:activities_targetmetric_change", args=[rule.pk])
    form = {"target": target.pk, "metric": distance.pk, "operator": "lte", "threshold": 50}
    response = client.post(change, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert achievement(target) is not None


def test_trashing_the_block_takes_its_target_along_and_the_goals_other_targets_decide(fractal, short_term_goal, run):
    from goals.services import restore_object

    activity, distance, _ = run
    met = TargetFactory(goal=short_term_goal, activity=activity)
    TargetMetricFactory(target=met, metric=distance, threshold=5)
    block = ProgramBlockFactory(program=ProgramFactory(root=fractal))
    scoped = TargetFactory(goal=short_term_goal, activity=activity, scope=TargetScope.BLOCK, block=block)
    TargetMetricFactory(target=scoped, metric=distance, threshold=500)
    practice(short_term_goal, activity, [{distance: 6}], local(2026, 3, 2))
    assert goal_state(short_term_goal) == (False, "")
    delete_object(block)
    # What held it open is gone: every target left is met.
    assert goal_state(short_term_goal) == (True, CompletedBy.TARGETS)
    restore_object(block)
    assert achievement(met) is not None and achievement(scoped) is None
    assert goal_state(short_term_goal) == (False, CompletedBy.TARGETS)


@pytest.mark.parametrize(
    ("operator", "values", "best", "word"),
    [
        ("gte", [8, None, 12, 12.0, 9], 12, "best"),
        ("gt", [8, 12, 9], 12, "best"),
        ("lte", [5.4, 4.9, None, 5.0], 4.9, "lowest"),
        ("lt", [5.4, 4.9, 5.0], 4.9, "lowest"),
        # "= 10": the nearest wins; of two as near, the first seen stays.
        ("eq", [13, 7, 11, 9, 12], 11, "closest"),
        ("eq", [None, 8, 12], 8, "closest"),
    ],
)
def test_the_better_of_two_values_follows_the_rule(operator, values, best, word):
    rule = TargetMetric(operator=operator, threshold=10 if operator in ("gte", "gt", "eq") else 5)
    assert functools.reduce(rule.better, values, None) == best
    assert rule.best_word == word
