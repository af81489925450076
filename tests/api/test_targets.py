import pytest

from activities.models import Target, TargetMetric
from goals.models import Goal
from sessions.models import TargetAchievement
from tests.api.conftest import url
from tests.factories import ActivityDefinitionFactory, MetricDefinitionFactory

pytestmark = pytest.mark.django_db


def _payload(goal, activity, **thresholds):
    return {
        "goal": str(goal.pk),
        "activity": str(activity.pk),
        "name": "Hold",
        "thresholds": [
            {"metric": str(activity.metrics.get(name=name).pk), "threshold": value}
            for name, value in thresholds.items()
        ],
    }


def test_create_a_target_with_thresholds(api, fractal, short_term_goal, activity):
    response = api.post(url(fractal, "targets/"), _payload(short_term_goal, activity, seconds=10), format="json")
    assert response.status_code == 201, response.json()
    target = Target.objects.get(pk=response.json()["id"])
    assert [(t.metric.name, t.threshold) for t in target.thresholds.all()] == [("seconds", 10)]


def test_a_metric_of_another_activity_is_a_400(api, fractal, short_term_goal, activity, plain_activity):
    payload = _payload(short_term_goal, activity, seconds=10)
    payload["thresholds"].append({"metric": str(plain_activity.metrics.get().pk), "threshold": 1})
    response = api.post(url(fractal, "targets/"), payload, format="json")
    assert response.status_code == 400
    assert not Target.objects.exists()


def test_an_activity_from_another_fractal_is_a_400(api, fractal, short_term_goal, stranger_fractal):
    foreign = ActivityDefinitionFactory(root=stranger_fractal)
    metric = MetricDefinitionFactory(activity=foreign)
    response = api.post(
        url(fractal, "targets/"),
        {
            "goal": str(short_term_goal.pk),
            "activity": str(foreign.pk),
            "thresholds": [{"metric": str(metric.pk), "threshold": 1}],
        },
        format="json",
    )
    assert response.status_code == 400
    assert "activity" in response.json()
    assert not Target.objects.exists()


def test_a_target_needs_a_threshold_and_a_number(api, fractal, short_term_goal, activity):
    empty = _payload(short_term_goal, activity)
    assert api.post(url(fractal, "targets/"), empty, format="json").status_code == 400
    word = _payload(short_term_goal, activity, seconds=1)
    word["thresholds"][0]["threshold"] = "ten"
    response = api.post(url(fractal, "targets/"), word, format="json")
    assert response.status_code == 400
    assert not Target.objects.exists()


def test_update_replaces_the_thresholds(api, fractal, short_term_goal, activity):
    created = api.post(url(fractal, "targets/"), _payload(short_term_goal, activity, seconds=10), format="json").json()
    weight = activity.metrics.get(name="weight")
    response = api.patch(
        url(fractal, f"targets/{created['id']}/"),
        {"thresholds": [{"metric": str(weight.pk), "threshold": 20}]},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["thresholds"] == [{"metric": str(weight.pk), "threshold": 20.0}]
    assert TargetMetric.objects.filter(target_id=created["id"]).count() == 1


def test_filter_targets_by_goal(api, fractal, everything, immediate_goal):
    assert api.get(url(fractal, f"targets/?goal={immediate_goal.pk}")).json()["count"] == 0
    assert api.get(url(fractal, f"targets/?goal={everything['targets'].goal_id}")).json()["count"] == 1


def test_evaluate_reports_open_targets_and_changes_nothing(api, fractal, everything):
    target = everything["targets"]
    response = api.post(url(fractal, f"targets/{target.pk}/evaluate/"))
    assert response.status_code == 200
    assert response.json() == {
        "goal": str(target.goal_id),
        "met": [],
        "open": [str(target.pk)],
        "goal_completed": False,
    }
    target.goal.refresh_from_db()
    assert not target.goal.completed


def test_evaluate_completes_the_goal_when_a_completed_session_met_the_target(api, fractal, everything):
    target = everything["targets"]
    instance = everything["instances"]
    seconds = instance.activity.metrics.get(name="seconds")
    instance.record_values([{"metric": seconds, "set_number": 1, "value": 12}])
    instance.session.complete()
    # Start from a goal that is open and a target without its achievement.
    Goal.objects.get(pk=target.goal_id).reopen()
    TargetAchievement.objects.all().hard_delete()
    response = api.post(url(fractal, f"targets/{target.pk}/evaluate/"))
    assert response.json()["met"] == [str(target.pk)]
    assert response.json()["goal_completed"] is True
