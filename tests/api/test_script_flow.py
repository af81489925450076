"""A script using a personal token does the whole practice loop through the API alone."""

import pytest
from rest_framework.test import APIClient

from goals.models import Goal

pytestmark = pytest.mark.django_db


def test_token_script_from_fractal_to_met_target_and_completed_goal(token):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    def post(path, data=None, status=201):
        response = api.post(path, data or {}, format="json")
        assert response.status_code == status, response.json()
        return response.json()

    fractal = post("/api/fractals/", {"name": "Get strong", "level": "LongTermGoal"})
    base = f"/api/fractals/{fractal['id']}/"
    mid = post(base + "goals/", {"parent": fractal["id"], "name": "Levers"})
    short = post(base + "goals/", {"parent": mid["id"], "name": "Front lever", "level": "ShortTermGoal"})
    activity = post(
        base + "activities/",
        {
            "name": "Front lever hold",
            "has_sets": True,
            "metrics": [{"name": "seconds", "unit": "s", "is_top_set_metric": True}, {"name": "kg", "unit": "kg"}],
        },
    )
    seconds, kg = (metric["id"] for metric in activity["metrics"])
    target = post(
        base + "targets/",
        {"goal": short["id"], "activity": activity["id"], "thresholds": [{"metric": seconds, "threshold": 10}]},
    )
    session = post(base + "sessions/", {"name": "Monday", "goals": [short["id"]]})
    instance = post(base + "instances/", {"session": session["id"], "activity": activity["id"]})
    post(base + f"instances/{instance['id']}/start/", {"at": "2026-03-02T10:00:00Z"}, status=200)
    stopped = post(base + f"instances/{instance['id']}/stop/", {"at": "2026-03-02T10:02:00Z"}, status=200)
    assert stopped["duration_seconds"] == 120
    values = api.post(
        base + f"instances/{instance['id']}/values/",
        [
            {"metric": seconds, "set_number": 1, "value": 7},
            {"metric": seconds, "set_number": 2, "value": 11},
            {"metric": kg, "set_number": 2, "value": 0},
        ],
        format="json",
    )
    assert values.status_code == 200
    result = post(base + f"sessions/{session['id']}/complete/", status=200)

    assert result["targets_met"] == [target["id"]]
    assert result["goals_completed"] == [short["id"]]
    assert Goal.objects.get(pk=short["id"]).completed
    series = api.get(base + f"analytics/activity-series/?activity={activity['id']}&metric={seconds}").json()
    assert [point["top_set"] for point in series["points"]] == [11]
