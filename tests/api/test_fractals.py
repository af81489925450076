import pytest

from goals.models import Goal, GoalLevel
from tests.factories import FractalFactory, GoalFactory
from tests.helpers import json_of

pytestmark = pytest.mark.django_db


def test_owner_lists_only_their_own_live_fractals(api, fractal, stranger_fractal, owner):
    gone = FractalFactory(owner=owner, name="Old")
    gone.delete()
    response = api.get("/api/fractals/")
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [str(fractal.pk)]


def test_deleted_true_lists_the_deleted_fractals(api, owner, fractal):
    gone = FractalFactory(owner=owner, name="Old")
    gone.delete()
    response = api.get("/api/fractals/?deleted=true")
    assert [row["id"] for row in response.json()["results"]] == [str(gone.pk)]


def test_create_a_fractal(api, owner):
    response = api.post("/api/fractals/", {"name": "Learn piano", "level": "LongTermGoal"}, format="json")
    assert response.status_code == 201
    goal = Goal.objects.get(pk=response.json()["id"])
    assert goal.owner == owner and goal.root_id == goal.pk and goal.level == GoalLevel.LONG_TERM


def test_a_fractal_root_cannot_be_immediate(api, owner):
    response = api.post("/api/fractals/", {"name": "Bad", "level": "ImmediateGoal"}, format="json")
    assert response.status_code == 400
    assert "level" in response.json()
    assert not Goal.objects.filter(name="Bad").exists()


def test_a_fractal_needs_a_name(api):
    response = api.post("/api/fractals/", {"level": "UltimateGoal"}, format="json")
    assert response.status_code == 400
    assert "name" in response.json()


def test_rename_a_fractal(api, fractal):
    response = api.patch(f"/api/fractals/{fractal.pk}/", {"name": "Get stronger"}, format="json")
    assert response.status_code == 200
    fractal.refresh_from_db()
    assert fractal.name == "Get stronger"


def test_malformed_deadline_is_a_400_and_changes_nothing(api, fractal):
    response = api.patch(f"/api/fractals/{fractal.pk}/", {"deadline": "next tuesday"}, format="json")
    assert response.status_code == 400
    assert "deadline" in response.json()
    fractal.refresh_from_db()
    assert fractal.deadline is None


def test_delete_and_restore_a_fractal(api, fractal, short_term_goal):
    assert api.delete(f"/api/fractals/{fractal.pk}/").status_code == 204
    assert Goal.objects.filter(root_id=fractal.pk).count() == 0
    assert api.get(f"/api/fractals/{fractal.pk}/").status_code == 404
    response = api.post(f"/api/fractals/{fractal.pk}/restore/")
    assert response.status_code == 200
    assert Goal.objects.filter(root_id=fractal.pk).count() == 4


def test_stranger_cannot_see_delete_or_restore_a_fractal(stranger_api, fractal):
    assert stranger_api.get(f"/api/fractals/{fractal.pk}/").status_code == 404
    assert stranger_api.delete(f"/api/fractals/{fractal.pk}/").status_code == 404
    assert stranger_api.get(f"/api/fractals/{fractal.pk}/tree/").status_code == 404
    fractal.delete()
    assert stranger_api.post(f"/api/fractals/{fractal.pk}/restore/").status_code == 404
    assert Goal.all_objects.get(pk=fractal.pk).deleted_at is not None


def test_anonymous_cannot_use_fractals(anonymous_api, fractal):
    assert anonymous_api.get("/api/fractals/").status_code in (401, 403)
    assert anonymous_api.post("/api/fractals/", {"name": "x", "level": "UltimateGoal"}).status_code in (401, 403)
    assert anonymous_api.get(f"/api/fractals/{fractal.pk}/tree/").status_code in (401, 403)


def test_tree_nests_every_live_goal_in_sibling_order(api, fractal, short_term_goal):
    second = GoalFactory(parent=short_term_goal.parent, name="Planche")
    gone = GoalFactory(parent=short_term_goal.parent, name="Gone")
    gone.delete()
    response = api.get(f"/api/fractals/{fractal.pk}/tree/")
    assert response.status_code == 200
    tree = json_of(response)
    assert tree["id"] == str(fractal.pk)
    mid = tree["children"][0]["children"][0]
    assert [child["name"] for child in mid["children"]] == ["Front lever", "Planche"]
    assert second.name == "Planche"


def _wide_tree(fractal, count):
    long_term = GoalFactory(parent=fractal)
    for _ in range(count):
        mid = GoalFactory(parent=long_term)
        GoalFactory(parent=mid)


@pytest.mark.parametrize("count", [3, 30])
def test_tree_query_count_does_not_grow(api, fractal, count, django_assert_num_queries):
    _wide_tree(fractal, count)
    # savepoint, fractal, goals, release (the request is atomic)
    with django_assert_num_queries(4):
        response = api.get(f"/api/fractals/{fractal.pk}/tree/")
    assert response.status_code == 200
    assert len(json_of(response)["children"][0]["children"]) == count
