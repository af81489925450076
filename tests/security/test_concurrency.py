"""Two (or more) requests doing the same thing at the same moment, on real separate connections
(domain operations, then the same through the API).

Each thread loads its own copy of the objects (as two requests would) and waits at a barrier so
the operations overlap. Outcomes allowed: success, or a clean ValidationError. Never a duplicate
row, a lost update, a half-applied change or an unhandled database error. Runs on SQLite (a file
database in WAL mode with IMMEDIATE transactions, see the testing profile) and on PostgreSQL.
"""

import json
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client

from activities.models import Target, TargetMetric
from goals.models import Goal
from sessions.models import ActivityInstance, MetricValue, PracticeSession, TargetAchievement

from .world import build_world, make_user

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 5


def run_together(*functions):
    """Run ``functions`` in threads released at the same moment; return their results or errors."""
    barrier = threading.Barrier(len(functions))
    outcomes = [None] * len(functions)

    def runner(index, function):
        try:
            barrier.wait(timeout=30)
            outcomes[index] = ("ok", function())
        except Exception as error:  # every failure is reported by the test, none is swallowed
            outcomes[index] = ("error", error)
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(index, fn)) for index, fn in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread hung (deadlock?)"
    return outcomes


def unexpected(outcomes, allowed=()):
    return [value for kind, value in outcomes if kind == "error" and not isinstance(value, allowed)]


@pytest.fixture
def world():
    return build_world(make_user("racer"), "RACE")


def fresh(model, pk):
    return model.objects.get(pk=pk)


def test_a_timer_started_twice_at_once_runs_once(world):
    pk = world.instance.pk
    for _ in range(ROUNDS):
        outcomes = run_together(*[lambda: fresh(ActivityInstance, pk).start_timer() for _ in range(4)])
        assert unexpected(outcomes) == []
        instance = fresh(ActivityInstance, pk)
        assert instance.time_start is not None
        assert instance.time_stop is None
        assert instance.duration_seconds is None


def test_a_timer_started_and_stopped_at_once_never_stops_before_it_starts(world):
    pk = world.instance.pk
    world.instance.start_timer()
    for _ in range(ROUNDS):
        outcomes = run_together(
            lambda: fresh(ActivityInstance, pk).start_timer(),
            lambda: fresh(ActivityInstance, pk).stop_timer(),
            lambda: fresh(ActivityInstance, pk).stop_timer(),
        )
        assert unexpected(outcomes, allowed=ValidationError) == []
        instance = fresh(ActivityInstance, pk)
        assert instance.time_start is not None
        if instance.time_stop is None:
            assert instance.duration_seconds is None
        else:
            assert instance.time_stop >= instance.time_start
            assert instance.duration_seconds == int((instance.time_stop - instance.time_start).total_seconds())


def test_the_same_metric_value_recorded_at_once_is_stored_once(world):
    pk, metric, split = world.instance.pk, world.metric, world.split
    for set_number in range(2, 2 + ROUNDS):
        values = [10.0, 20.0, 30.0, 40.0]

        def record(value, set_number=set_number):
            cell = {"metric": metric, "split": split, "set_number": set_number, "value": value}
            return fresh(ActivityInstance, pk).record_values([cell])

        outcomes = run_together(*[lambda value=value: record(value) for value in values])
        assert unexpected(outcomes) == []
        stored = MetricValue.objects.filter(instance_id=pk, metric=metric, split=split, set_number=set_number)
        assert stored.count() == 1
        assert stored.get().value in values


def test_two_different_cells_recorded_at_once_are_both_kept(world):
    pk, metric, second, split = world.instance.pk, world.metric, world.second_metric, world.split
    for set_number in range(2, 2 + ROUNDS):
        outcomes = run_together(
            lambda n=set_number: fresh(ActivityInstance, pk).record_values(
                [{"metric": metric, "split": split, "set_number": n, "value": 50}]
            ),
            lambda n=set_number: fresh(ActivityInstance, pk).record_values(
                [{"metric": second, "split": split, "set_number": n, "value": 8}]
            ),
        )
        assert unexpected(outcomes) == []
        stored = MetricValue.objects.filter(instance_id=pk, split=split, set_number=set_number)
        assert sorted(stored.values_list("value", flat=True)) == [8, 50]


def test_the_same_list_reordered_twice_at_once_ends_in_one_of_the_two_orders(world):
    session = world.session
    for _ in range(3):
        session.add_activity(world.plain_activity, section=world.section)
    ids = list(
        ActivityInstance.objects.filter(session=session, section=world.section)
        .order_by("sort_order")
        .values_list("pk", flat=True)
    )
    assert len(ids) == 5
    forward, backward = ids[1:] + ids[:1], list(reversed(ids))
    for _ in range(ROUNDS):
        outcomes = run_together(
            lambda: fresh(PracticeSession, session.pk).reorder_instances(forward, section=world.section),
            lambda: fresh(PracticeSession, session.pk).reorder_instances(backward, section=world.section),
        )
        assert unexpected(outcomes) == []
        final = list(ActivityInstance.objects.filter(pk__in=ids).order_by("sort_order").values_list("pk", flat=True))
        orders = sorted(ActivityInstance.objects.filter(pk__in=ids).values_list("sort_order", flat=True))
        assert orders == list(range(5))
        assert final in (forward, backward)


def test_a_session_completed_twice_at_once_is_completed_once(world):
    session = world.session
    goal = world.goal
    # A target only this session meets: weight ≥ 60 (its squat recorded 60 on set 1).
    target = Target(goal=goal, activity=world.activity, name="RACE sixty")
    target.save()
    TargetMetric(target=target, metric=world.metric, threshold=60).save()
    outcomes = run_together(*[lambda: fresh(PracticeSession, session.pk).complete() for _ in range(3)])
    assert unexpected(outcomes) == []
    results = [value for kind, value in outcomes]
    assert sum(1 for result in results if result.targets_met) == 1
    completed = fresh(PracticeSession, session.pk)
    assert completed.completed
    assert completed.total_duration_seconds is not None
    assert TargetAchievement.objects.filter(target=target).count() == 1


def test_two_sessions_meeting_the_same_target_at_once_record_it_once(world):
    goal = world.goals["ImmediateGoal"]
    target = Target(goal=goal, activity=world.plain_activity, name="RACE ten")
    target.save()
    TargetMetric(target=target, metric=world.plain_metric, threshold=10).save()
    sessions = []
    for index in range(2):
        session = PracticeSession.create(world.root, [goal], f"RACE session {index}")
        instance = session.add_activity(world.plain_activity)
        instance.record_values([{"metric": world.plain_metric, "value": 12 + index}])
        sessions.append(session.pk)
    outcomes = run_together(*[lambda pk=pk: fresh(PracticeSession, pk).complete() for pk in sessions])
    assert unexpected(outcomes) == []
    assert TargetAchievement.objects.filter(target=target).count() == 1
    assert Goal.objects.get(pk=goal.pk).completed


# --- the same through the API: two requests at once never answer 5xx ---------------------------


def api_clients(world, count):
    clients = []
    for _ in range(count):
        client = Client()
        client.force_login(world.user)
        clients.append(client)
    return clients


def post(client, url, body=None):
    return client.post(url, json.dumps(body or {}), content_type="application/json").status_code


def test_two_requests_starting_and_stopping_one_timer_answer_cleanly(world):
    api = f"/api/fractals/{world.root.pk}/instances/{world.instance.pk}"
    clients = api_clients(world, 4)
    for _ in range(ROUNDS):
        outcomes = run_together(
            lambda: post(clients[0], f"{api}/start/"),
            lambda: post(clients[1], f"{api}/stop/"),
            lambda: post(clients[2], f"{api}/start/"),
            lambda: post(clients[3], f"{api}/stop/"),
        )
        assert unexpected(outcomes) == []
        assert all(status in (200, 400) for _, status in outcomes), outcomes
        instance = fresh(ActivityInstance, world.instance.pk)
        assert instance.time_stop is None or instance.time_stop >= instance.time_start


def test_two_requests_recording_one_cell_store_it_once(world):
    url = f"/api/fractals/{world.root.pk}/instances/{world.instance.pk}/values/"
    clients = api_clients(world, 3)
    for set_number in range(2, 2 + ROUNDS):

        def cell(value, set_number=set_number):
            return [
                {"metric": str(world.metric.pk), "split": str(world.split.pk), "set_number": set_number, "value": value}
            ]

        outcomes = run_together(
            *[lambda c=c, v=v: post(c, url, cell(v)) for c, v in zip(clients, (1, 2, 3), strict=True)]
        )
        assert unexpected(outcomes) == []
        assert [status for _, status in outcomes] == [200, 200, 200]
        assert (
            MetricValue.objects.filter(instance=world.instance, set_number=set_number, metric=world.metric).count() == 1
        )


def test_two_requests_completing_one_session_complete_it_once(world):
    target = Target(goal=world.goal, activity=world.activity, name="RACE api sixty")
    target.save()
    TargetMetric(target=target, metric=world.metric, threshold=60).save()
    url = f"/api/fractals/{world.root.pk}/sessions/{world.session.pk}/complete/"
    outcomes = run_together(*[lambda c=c: post(c, url) for c in api_clients(world, 3)])
    assert unexpected(outcomes) == []
    assert all(status in (200, 400) for _, status in outcomes), outcomes
    assert fresh(PracticeSession, world.session.pk).completed
    assert TargetAchievement.objects.filter(target=target).count() == 1


def test_two_requests_reordering_one_list_leave_one_of_the_orders(world):
    for _ in range(3):
        world.session.add_activity(world.plain_activity, section=world.section)
    ids = [
        str(pk)
        for pk in ActivityInstance.objects.filter(session=world.session, section=world.section)
        .order_by("sort_order")
        .values_list("pk", flat=True)
    ]
    forward, backward = ids[1:] + ids[:1], list(reversed(ids))
    url = f"/api/fractals/{world.root.pk}/instances/reorder/"
    clients = api_clients(world, 2)
    for _ in range(ROUNDS):
        outcomes = run_together(
            lambda: post(
                clients[0], url, {"session": str(world.session.pk), "section": str(world.section.pk), "ids": forward}
            ),
            lambda: post(
                clients[1], url, {"session": str(world.session.pk), "section": str(world.section.pk), "ids": backward}
            ),
        )
        assert unexpected(outcomes) == []
        assert [status for _, status in outcomes] == [200, 200]
        final = [
            str(pk)
            for pk in ActivityInstance.objects.filter(pk__in=ids).order_by("sort_order").values_list("pk", flat=True)
        ]
        assert final in (forward, backward)
