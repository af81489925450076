import pytest

from activities.models import Target, TargetMetric
from goals.models import Goal
from sessions.models import TargetAchievement
from tests.api.conftest import url
from tests.factories import ActivityDefinitionFactory, MetricDefinitionFactory, ProgramBlockFactory, ProgramFactory

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
    assert response.json()["thresholds"] == [{"metric": str(weight.pk), "operator": "gte", "threshold": 20.0}]
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


# --- kinds, operators and scopes ---------------------------------------------------------------


def test_create_a_frequency_target_over_a_block_with_a_lower_is_better_rule(api, fractal, short_term_goal, activity):
    block = ProgramBlockFactory(program=ProgramFactory(root=fractal))
    payload = _payload(short_term_goal, activity, seconds=30)
    payload["thresholds"][0]["operator"] = "lte"
    payload.update({"kind": "frequency", "times": 3, "weeks": 4, "scope": "block", "block": str(block.pk)})
    response = api.post(url(fractal, "targets/"), payload, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["kind"], body["times"], body["weeks"], body["scope"], body["block"]) == (
        "frequency",
        3,
        4,
        "block",
        str(block.pk),
    )
    assert body["thresholds"][0]["operator"] == "lte"
    assert TargetMetric.objects.get(target_id=body["id"]).operator == "lte"


def test_a_frequency_target_may_count_every_session_without_rules(api, fractal, short_term_goal, activity):
    payload = _payload(short_term_goal, activity) | {"kind": "frequency", "times": 2, "weeks": 3}
    response = api.post(url(fractal, "targets/"), payload, format="json")
    assert response.status_code == 201, response.json()


def test_a_date_range_target_keeps_its_iso_dates(api, fractal, short_term_goal, activity):
    payload = _payload(short_term_goal, activity, seconds=3) | {
        "kind": "sum",
        "scope": "range",
        "starts_on": "2026-03-01",
        "ends_on": "2026-03-31",
    }
    response = api.post(url(fractal, "targets/"), payload, format="json")
    assert response.status_code == 201, response.json()
    assert (response.json()["starts_on"], response.json()["ends_on"]) == ("2026-03-01", "2026-03-31")


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"kind": "frequency"}, "times"),
        ({"kind": "frequency", "times": 3}, "weeks"),
        ({"kind": "threshold", "times": 3, "weeks": 2}, "times"),
        ({"scope": "range", "starts_on": "2026-03-01"}, "starts_on"),
        ({"scope": "range", "starts_on": "2026-03-10", "ends_on": "2026-03-01"}, "ends_on"),
        ({"scope": "range", "starts_on": "1899-12-31", "ends_on": "2026-03-01"}, "starts_on"),
        ({"scope": "range", "starts_on": "2026-03-01", "ends_on": "2201-01-01"}, "ends_on"),
        ({"scope": "range", "starts_on": "03/01/2026", "ends_on": "2026-03-02"}, "starts_on"),
        ({"starts_on": "2026-03-01", "ends_on": "2026-03-02"}, "starts_on"),
        ({"scope": "block"}, "block"),
        ({"kind": "weekly"}, "kind"),
        ({"scope": "forever"}, "scope"),
    ],
)
def test_kind_and_scope_rules_are_a_400_on_the_field(api, fractal, short_term_goal, activity, fields, field):
    payload = _payload(short_term_goal, activity, seconds=3) | fields
    response = api.post(url(fractal, "targets/"), payload, format="json")
    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert not Target.objects.exists()


def test_a_sum_target_only_counts_up(api, fractal, short_term_goal, activity):
    payload = _payload(short_term_goal, activity, seconds=3) | {"kind": "sum"}
    payload["thresholds"][0]["operator"] = "lte"
    response = api.post(url(fractal, "targets/"), payload, format="json")
    assert response.status_code == 400
    assert not Target.objects.exists()


def test_an_unknown_operator_is_a_400(api, fractal, short_term_goal, activity):
    payload = _payload(short_term_goal, activity, seconds=3)
    payload["thresholds"][0]["operator"] = "about"
    assert api.post(url(fractal, "targets/"), payload, format="json").status_code == 400


def test_a_block_of_another_fractal_is_refused_like_any_foreign_id(
    api, fractal, short_term_goal, activity, stranger_fractal
):
    foreign = ProgramBlockFactory(program=ProgramFactory(root=stranger_fractal))
    payload = _payload(short_term_goal, activity, seconds=3) | {"scope": "block", "block": str(foreign.pk)}
    response = api.post(url(fractal, "targets/"), payload, format="json")
    assert response.status_code == 400
    assert "block" in response.json()
    assert not Target.objects.exists()


def test_turning_a_target_into_a_sum_keeps_its_rules_only_if_they_count_up(api, fractal, short_term_goal, activity):
    payload = _payload(short_term_goal, activity, seconds=30)
    payload["thresholds"][0]["operator"] = "lte"
    target_id = api.post(url(fractal, "targets/"), payload, format="json").json()["id"]
    response = api.patch(url(fractal, f"targets/{target_id}/"), {"kind": "sum"}, format="json")
    assert response.status_code == 400
    assert Target.objects.get(pk=target_id).kind == "threshold"
