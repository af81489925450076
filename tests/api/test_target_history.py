"""GET /api/fractals/<id>/targets/<id>/history/: the target page's figures for scripts."""

import datetime

import pytest

from tests.api.conftest import url
from tests.factories import TargetFactory
from tests.pages.session_data import queries_of
from tests.pages.target_history_data import (
    at,
    distance_history,
    frequency_history,
    log,
    pace_history,
    set_zone,
    squat_history,
)

pytestmark = pytest.mark.django_db


def history_url(target):
    return url(target.goal.root, f"targets/{target.pk}/history/")


def test_a_threshold_target_history_lists_each_session_with_its_best_values(api, short_term_goal):
    target, sessions, (weight, reps) = squat_history(short_term_goal)
    response = api.get(history_url(target))
    assert response.status_code == 200
    data = response.json()
    assert (data["kind"], data["scope"], data["scope_start"], data["scope_end"]) == ("threshold", "all", None, None)
    assert data["rule_text"] == "Squat: weight ≥ 100 kg and reps ≥ 5 in one set"
    assert [(rule["metric"], rule["operator"], rule["threshold"], rule["best"]) for rule in data["rules"]] == [
        (str(weight.pk), "gte", 100.0, 105.0),
        (str(reps.pk), "gte", 5.0, 8.0),
    ]
    assert [(row["name"], row["values"], row["met"]) for row in data["sessions"]] == [
        ("S1", [100.0, 5.0], False),
        ("S2", [100.0, 5.0], True),
        ("S3", [105.0, 2.0], False),
        ("S6", [80.0, 8.0], False),
    ]
    assert data["achievement"]["session"] == str(sessions["S2"].pk)
    assert data["met"] is True


def test_a_lower_is_better_range_target_in_the_users_zone(owner, api, short_term_goal):
    set_zone(owner, "America/New_York")
    target, _, _ = pace_history(short_term_goal)
    data = api.get(history_url(target)).json()
    assert (data["scope_start"], data["scope_end"]) == ("2026-03-01", "2026-03-31")
    assert [(row["name"], row["local_date"], row["values"], row["met"]) for row in data["sessions"]] == [
        ("B", "2026-03-10", [5.4], False),
        ("C", "2026-03-31", [4.9], True),
    ]
    assert data["sessions"][1]["x"] == "2026-04-01T02:00:00Z"  # the API speaks UTC; local_date is the zone's
    assert data["rules"][0]["best"] == 4.9


def test_a_sum_target_history_has_running_totals(api, short_term_goal):
    target, _, _ = distance_history(short_term_goal)
    data = api.get(history_url(target)).json()
    assert [(row["sums"], row["totals"], row["met"]) for row in data["sessions"]] == [
        ([20.0], [20.0], False),
        ([25.0], [45.0], False),
        ([10.0], [55.0], True),
    ]
    assert (data["rules"][0]["total"], data["rules"][0]["reached"]) == (55.0, True)


def test_a_frequency_target_history_has_the_weeks_and_runs(api, short_term_goal):
    target, _, _ = frequency_history(short_term_goal)
    data = api.get(history_url(target)).json()
    assert (data["times"], data["weeks_needed"]) == (2, 2)
    assert [(week["start"], week["sessions"], week["run"]) for week in data["weeks"]] == [
        ("2026-03-02", 2, 1),
        ("2026-03-09", 1, 0),
        ("2026-03-16", 2, 1),
        ("2026-03-23", 3, 2),
    ]
    assert data["achieved_run"] == {"start": "2026-03-16", "end": "2026-03-23", "length": 2}
    assert data["sessions"][0]["week_start"] == "2026-03-02"


def test_strangers_and_other_fractals_get_not_found(api, stranger_api, short_term_goal, stranger_fractal):
    target, _, _ = distance_history(short_term_goal)
    assert stranger_api.get(history_url(target)).status_code == 404
    stranger_target = TargetFactory(goal=stranger_fractal)
    assert api.get(url(short_term_goal.root, f"targets/{stranger_target.pk}/history/")).status_code == 404
    assert api.get(url(short_term_goal.root, "targets/not-a-uuid/history/")).status_code == 404


def test_anonymous_callers_are_refused(anonymous_api, short_term_goal):
    target, _, _ = distance_history(short_term_goal)
    assert anonymous_api.get(history_url(target)).status_code in (401, 403)


def test_other_methods_are_not_allowed(api, short_term_goal):
    target, _, _ = distance_history(short_term_goal)
    assert api.post(history_url(target), {}).status_code == 405
    assert api.delete(history_url(target)).status_code == 405


def test_a_deleted_target_has_no_history(api, short_term_goal):
    target, _, _ = distance_history(short_term_goal)
    target.delete()
    assert api.get(history_url(target)).status_code == 404


@pytest.mark.parametrize("builder", [squat_history, frequency_history])
def test_the_history_runs_the_same_queries_for_a_short_and_a_long_history(api, short_term_goal, builder):
    target, _, _ = builder(short_term_goal)
    metrics = list(target.activity.metrics.all())

    def add(count):
        for day in range(count):
            when = at(2026, 3, 3, 6) + datetime.timedelta(hours=day)
            log(short_term_goal, target.activity, when, [[dict.fromkeys(metrics, 6)]])

    add(2)
    few = queries_of(lambda: api.get(history_url(target)))
    add(40)
    many = queries_of(lambda: api.get(history_url(target)))
    assert few == many
