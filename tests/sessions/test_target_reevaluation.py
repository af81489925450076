"""Targets follow their inputs: editing or deleting the evidence, reopening, deleting or restoring
the session re-evaluates them, from any entry point (service, API, admin)."""

import datetime
import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from goals.models import CompletedBy, Goal
from goals.services import delete_object, restore_object
from sessions.models import MetricValue, PracticeSession, TargetAchievement
from sessions.services import complete_session, reopen_session
from tests.factories import (
    ActivityInstanceFactory,
    PracticeSessionFactory,
    TargetFactory,
    TargetMetricFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
T0 = datetime.datetime(2026, 3, 1, 8, 0, tzinfo=datetime.UTC)
DAY = datetime.timedelta(days=1)
REOPENED_BY_TARGETS = (False, CompletedBy.TARGETS)


@pytest.fixture
def target(short_term_goal, lift):
    """Weight ≥ 10 in one set."""
    activity, weight, _reps = lift
    target = TargetFactory(goal=short_term_goal, activity=activity)
    TargetMetricFactory(target=target, metric=weight, threshold=10)
    return target


@pytest.fixture
def api(owner):
    client = APIClient()
    client.force_authenticate(owner)
    return client


def practice(fractal, goal, lift, weight, *, when=T0):
    """A completed session with one set of ``weight``; returns (session, instance)."""
    activity, metric, _ = lift
    session = PracticeSessionFactory(root=fractal, goals=[goal], started_at=when)
    instance = ActivityInstanceFactory(session=session, activity=activity)
    complete_session(session, [(instance, [{"metric": metric, "set_number": 1, "value": weight}])], when=when)
    return session, instance


def goal_state(goal):
    goal = Goal.all_objects.get(pk=goal.pk)
    return goal.completed, goal.completed_by


def achievement_session(target):
    return TargetAchievement.objects.filter(target=target).values_list("session_id", flat=True).first()


def test_meeting_all_targets_completes_the_goal_by_targets(fractal, short_term_goal, lift, target):
    practice(fractal, short_term_goal, lift, 12)
    assert goal_state(short_term_goal) == (True, CompletedBy.TARGETS)


def test_editing_the_value_below_the_threshold_removes_the_achievement_and_reopens_the_goal(
    fractal, short_term_goal, lift, target
):
    _, instance = practice(fractal, short_term_goal, lift, 12)
    instance.record_values([{"metric": lift[1], "set_number": 1, "value": 8}])
    assert not TargetAchievement.objects.filter(target=target).exists()
    assert goal_state(short_term_goal) == REOPENED_BY_TARGETS


def test_deleting_the_value_through_the_api_reopens_the_goal(api, fractal, short_term_goal, lift, target):
    _, instance = practice(fractal, short_term_goal, lift, 12)
    cells = [{"metric": str(lift[1].pk), "set_number": 1, "value": None}]
    response = api.post(f"/api/fractals/{fractal.pk}/instances/{instance.pk}/values/", cells, format="json")
    assert response.status_code == 200
    assert goal_state(short_term_goal) == REOPENED_BY_TARGETS


def test_a_value_raised_in_a_completed_session_meets_the_target_and_completes_the_goal(
    fractal, short_term_goal, lift, target
):
    session, instance = practice(fractal, short_term_goal, lift, 8)
    assert goal_state(short_term_goal) == (False, "")
    instance.record_values([{"metric": lift[1], "set_number": 1, "value": 11}])
    assert achievement_session(target) == session.pk
    assert goal_state(short_term_goal) == (True, CompletedBy.TARGETS)


def test_a_hard_deleted_value_reopens_the_goal(fractal, short_term_goal, lift, target):
    _, instance = practice(fractal, short_term_goal, lift, 12)
    MetricValue.objects.get(instance=instance).hard_delete()
    assert goal_state(short_term_goal) == REOPENED_BY_TARGETS


def test_deleting_the_instance_reopens_the_goal_and_restoring_it_completes_it_again(
    fractal, short_term_goal, lift, target
):
    _, instance = practice(fractal, short_term_goal, lift, 12)
    delete_object(instance)
    assert goal_state(short_term_goal) == REOPENED_BY_TARGETS
    restore_object(instance)
    assert goal_state(short_term_goal) == (True, CompletedBy.TARGETS)
    assert TargetAchievement.objects.get(target=target).instance_id == instance.pk


def test_reopening_the_session_reopens_the_goal(api, fractal, short_term_goal, lift, target):
    session, _ = practice(fractal, short_term_goal, lift, 12)
    assert api.post(f"/api/fractals/{fractal.pk}/sessions/{session.pk}/reopen/").status_code == 200
    assert not TargetAchievement.objects.exists()
    assert goal_state(short_term_goal) == REOPENED_BY_TARGETS


def test_deleting_the_session_through_the_api_and_restoring_it(api, fractal, short_term_goal, lift, target):
    session, _ = practice(fractal, short_term_goal, lift, 12)
    address = f"/api/fractals/{fractal.pk}/sessions/{session.pk}/"
    assert api.delete(address).status_code == 204
    assert goal_state(short_term_goal) == REOPENED_BY_TARGETS
    assert api.post(address + "restore/").status_code == 200
    assert goal_state(short_term_goal) == (True, CompletedBy.TARGETS)
    assert achievement_session(target) == session.pk


def test_deleting_the_first_evidence_repoints_the_achievement_to_the_next_one(fractal, short_term_goal, lift, target):
    first, _ = practice(fractal, short_term_goal, lift, 12, when=T0)
    second, _ = practice(fractal, short_term_goal, lift, 15, when=T0 + DAY)
    assert achievement_session(target) == first.pk
    delete_object(first)
    assert achievement_session(target) == second.pk
    goal = Goal.objects.get(pk=short_term_goal.pk)
    assert (goal.completed, goal.completed_at) == (True, PracticeSession.objects.get(pk=second.pk).ended_at)
    restore_object(first)
    assert achievement_session(target) == first.pk
    assert TargetAchievement.objects.filter(target=target).count() == 1


def test_unlinking_the_goal_from_the_session_removes_the_achievement(api, fractal, short_term_goal, lift, target):
    from goals.models import GoalLevel
    from tests.factories import GoalFactory

    other = GoalFactory(parent=short_term_goal, level=GoalLevel.IMMEDIATE)
    session, _ = practice(fractal, short_term_goal, lift, 12)
    response = api.patch(
        f"/api/fractals/{fractal.pk}/sessions/{session.pk}/", {"goals": [str(other.pk)]}, format="json"
    )
    assert response.status_code == 200
    # The session still counts: it serves a goal inside the target's subtree.
    assert achievement_session(target) == session.pk
    sibling = GoalFactory(parent=short_term_goal.parent, level=GoalLevel.SHORT_TERM)
    api.patch(f"/api/fractals/{fractal.pk}/sessions/{session.pk}/", {"goals": [str(sibling.pk)]}, format="json")
    assert not TargetAchievement.objects.exists()
    assert goal_state(short_term_goal) == REOPENED_BY_TARGETS


def test_a_goal_completed_by_hand_stays_completed_when_the_evidence_goes(fractal, short_term_goal, lift, target):
    session, _ = practice(fractal, short_term_goal, lift, 8)
    Goal.objects.get(pk=short_term_goal.pk).complete()
    assert goal_state(short_term_goal) == (True, CompletedBy.HAND)
    reopen_session(session)
    delete_object(session)
    assert goal_state(short_term_goal) == (True, CompletedBy.HAND)


def test_a_goal_completed_by_hand_via_the_page_is_marked_so(owner_client, fractal, short_term_goal, target):
    owner_client.post(reverse("goal-complete", kwargs={"root_id": fractal.pk, "goal_id": short_term_goal.pk}))
    assert goal_state(short_term_goal) == (True, CompletedBy.HAND)


def test_a_soft_delete_from_the_admin_reopens_the_goal(client, fractal, short_term_goal, lift, target):
    session, _ = practice(fractal, short_term_goal, lift, 12)
    client.force_login(UserFactory(username="admin", is_staff=True, is_superuser=True))
    url = reverse("admin:practice_sessions_practicesession_changelist")
    client.post(url, {"action": "soft_delete_selected", "_selected_action": [session.pk]})
    assert PracticeSession.all_objects.get(pk=session.pk).deleted_at is not None
    assert goal_state(short_term_goal) == REOPENED_BY_TARGETS


def test_recording_many_values_in_a_completed_session_evaluates_a_fixed_number_of_times(
    fractal, short_term_goal, lift, target
):
    _, instance = practice(fractal, short_term_goal, lift, 12)

    def evaluation_queries(sets):
        entries = [{"metric": lift[1], "set_number": n, "value": 12} for n in range(1, sets + 1)]
        with CaptureQueriesContext(connection) as queries:
            instance.record_values(entries)
        return [q["sql"] for q in queries if '"targets"' in q["sql"] or '"target_achievements"' in q["sql"]]

    small, large = evaluation_queries(2), evaluation_queries(8)
    assert small and len(large) == len(small)


def test_the_migration_infers_how_existing_goals_were_completed(fractal, short_term_goal, lift, target):
    from goals.models import GoalLevel
    from tests.factories import GoalFactory

    practice(fractal, short_term_goal, lift, 12)
    by_hand = GoalFactory(parent=short_term_goal.parent, level=GoalLevel.SHORT_TERM)
    by_hand.complete()
    Goal.objects.filter(pk__in=[short_term_goal.pk, by_hand.pk]).update(completed_by="")
    migration = importlib.import_module("goals.migrations.0009_goal_completed_by")
    migration.infer_completed_by(apps, SimpleNamespace(connection=connection))
    assert goal_state(short_term_goal) == (True, CompletedBy.TARGETS)
    assert goal_state(by_hand) == (True, CompletedBy.HAND)
    assert goal_state(fractal) == (False, "")


def test_the_goal_page_says_how_the_goal_was_completed(owner_client, fractal, short_term_goal, lift, target):
    practice(fractal, short_term_goal, lift, 12)
    page = owner_client.get(reverse("goal-detail", kwargs={"root_id": fractal.pk, "goal_id": short_term_goal.pk}))
    assert "(by its targets)" in page.content.decode()
