import pytest

from tests.api.conftest import url
from tests.factories import GoalFactory, TargetFactory, TargetMetricFactory
from tests.helpers import json_of

pytestmark = pytest.mark.django_db


def _find(node, goal_id):
    if node["id"] == str(goal_id):
        return node
    for child in node["children"]:
        found = _find(child, goal_id)
        if found:
            return found
    return None


def test_progress_tree_shows_targets_met_per_goal(api, fractal, everything, short_term_goal):
    instance = everything["instances"]
    seconds = instance.activity.metrics.get(name="seconds")
    TargetFactory(goal=short_term_goal, activity=instance.activity, name="Second target")
    instance.record_values([{"metric": seconds, "set_number": 1, "value": 12}])
    instance.session.complete()
    response = api.get(url(fractal, "progress-tree/"))
    assert response.status_code == 200
    tree = json_of(response)
    node = _find(tree, short_term_goal.pk)
    assert (node["targets_met"], node["targets_total"]) == (1, 2)
    assert _find(tree, fractal.pk)["targets_total"] == 0


def test_progress_tree_is_hidden_from_strangers_and_anonymous(stranger_api, anonymous_api, fractal):
    assert stranger_api.get(url(fractal, "progress-tree/")).status_code == 404
    assert anonymous_api.get(url(fractal, "progress-tree/")).status_code in (401, 403)


@pytest.mark.parametrize("count", [3, 30])
def test_progress_tree_query_count_does_not_grow(api, fractal, activity, count, django_assert_num_queries):
    long_term = GoalFactory(parent=fractal)
    for _ in range(count):
        goal = GoalFactory(parent=long_term)
        target = TargetFactory(goal=goal, activity=activity)
        TargetMetricFactory(target=target, metric=activity.metrics.first())
    # savepoint, fractal, target counts, goal states for the rolled-up progress, goals, release
    with django_assert_num_queries(6):
        response = api.get(url(fractal, "progress-tree/"))
    assert len(json_of(response)["children"][0]["children"]) == count
