import pytest

from goals.models import Goal, GoalLevel
from tests.api.conftest import url
from tests.factories import GoalFactory

pytestmark = pytest.mark.django_db


def test_add_a_child_goal_at_the_next_level(api, fractal, short_term_goal):
    response = api.post(url(fractal, "goals/"), {"parent": str(short_term_goal.pk), "name": "Tuck"}, format="json")
    assert response.status_code == 201
    assert response.json()["level"] == GoalLevel.IMMEDIATE
    assert Goal.objects.get(pk=response.json()["id"]).root_id == fractal.pk


def test_a_wrong_level_is_a_400(api, fractal, short_term_goal):
    response = api.post(
        url(fractal, "goals/"),
        {"parent": str(short_term_goal.pk), "name": "Tuck", "level": "MicroGoal"},
        format="json",
    )
    assert response.status_code == 400
    assert "level" in response.json()
    assert not Goal.objects.filter(name="Tuck").exists()


def test_a_parent_from_another_fractal_is_a_400(api, fractal, stranger_fractal):
    response = api.post(url(fractal, "goals/"), {"parent": str(stranger_fractal.pk), "name": "Sneaky"}, format="json")
    assert response.status_code == 400
    assert "parent" in response.json()
    assert not Goal.objects.filter(name="Sneaky").exists()


def test_an_unknown_parent_is_a_400(api, fractal):
    response = api.post(url(fractal, "goals/"), {"parent": "00000000-0000-0000-0000-000000000000", "name": "x"})
    assert response.status_code == 400
    assert "parent" in response.json()


def test_a_nano_goal_cannot_get_children(api, fractal, short_term_goal):
    immediate = GoalFactory(parent=short_term_goal)
    micro = GoalFactory(parent=immediate)
    nano = GoalFactory(parent=micro)
    response = api.post(url(fractal, "goals/"), {"parent": str(nano.pk), "name": "Too deep"}, format="json")
    assert response.status_code == 400
    assert "parent" in response.json()


def test_list_filters_by_level_and_completed(api, fractal, short_term_goal):
    short_term_goal.complete()
    response = api.get(url(fractal, "goals/?level=ShortTermGoal&completed=true"))
    assert [row["id"] for row in response.json()["results"]] == [str(short_term_goal.pk)]
    assert api.get(url(fractal, "goals/?level=Bogus")).status_code == 400


def test_filter_by_a_parent_from_another_fractal_is_a_400(api, fractal, stranger_fractal):
    response = api.get(url(fractal, f"goals/?parent={stranger_fractal.pk}"))
    assert response.status_code == 400
    assert "parent" in response.json()


def test_malformed_deadline_filter_is_a_400(api, fractal):
    assert api.get(url(fractal, "goals/?deadline_after=yesterday")).status_code == 400


def test_update_name_and_deadline(api, fractal, short_term_goal):
    response = api.patch(
        url(fractal, f"goals/{short_term_goal.pk}/"), {"name": "FL", "deadline": "2027-01-31"}, format="json"
    )
    assert response.status_code == 200
    short_term_goal.refresh_from_db()
    assert short_term_goal.name == "FL" and str(short_term_goal.deadline) == "2027-01-31"


def test_complete_and_reopen(api, fractal, short_term_goal):
    assert api.post(url(fractal, f"goals/{short_term_goal.pk}/complete/")).json()["completed"] is True
    short_term_goal.refresh_from_db()
    assert short_term_goal.completed_at is not None
    assert api.post(url(fractal, f"goals/{short_term_goal.pk}/reopen/")).json()["completed"] is False


def test_delete_soft_deletes_the_subtree_and_restore_brings_it_back(api, fractal, short_term_goal):
    mid = short_term_goal.parent
    assert api.delete(url(fractal, f"goals/{mid.pk}/")).status_code == 204
    assert not Goal.objects.filter(pk__in=[mid.pk, short_term_goal.pk]).exists()
    listed = api.get(url(fractal, "goals/?deleted=true")).json()["results"]
    assert {row["id"] for row in listed} == {str(mid.pk), str(short_term_goal.pk)}
    assert api.post(url(fractal, f"goals/{mid.pk}/restore/")).status_code == 200
    assert Goal.objects.filter(pk__in=[mid.pk, short_term_goal.pk]).count() == 2


def test_restoring_a_child_of_a_deleted_parent_is_a_400(api, fractal, short_term_goal):
    short_term_goal.parent.delete()
    response = api.post(url(fractal, f"goals/{short_term_goal.pk}/restore/"))
    assert response.status_code == 400
    assert Goal.all_objects.get(pk=short_term_goal.pk).deleted_at is not None


def test_the_root_cannot_be_deleted_through_goals(api, fractal):
    response = api.delete(url(fractal, f"goals/{fractal.pk}/"))
    assert response.status_code == 400
    fractal.refresh_from_db()
    assert fractal.deleted_at is None


def test_move_under_another_parent_of_the_right_level(api, fractal, short_term_goal):
    other_mid = GoalFactory(parent=short_term_goal.parent.parent, name="Other")
    response = api.post(url(fractal, f"goals/{short_term_goal.pk}/move/"), {"parent": str(other_mid.pk)})
    assert response.status_code == 200
    short_term_goal.refresh_from_db()
    assert short_term_goal.parent_id == other_mid.pk


def test_move_under_a_parent_of_the_wrong_level_is_a_400(api, fractal, short_term_goal):
    response = api.post(url(fractal, f"goals/{short_term_goal.pk}/move/"), {"parent": str(fractal.pk)})
    assert response.status_code == 400
    short_term_goal.refresh_from_db()
    assert short_term_goal.parent.name == "Levers"


def test_move_into_another_fractal_is_a_400(api, fractal, short_term_goal, stranger_fractal):
    response = api.post(url(fractal, f"goals/{short_term_goal.pk}/move/"), {"parent": str(stranger_fractal.pk)})
    assert response.status_code == 400


def test_reorder_children(api, fractal, short_term_goal):
    mid = short_term_goal.parent
    second = GoalFactory(parent=mid)
    response = api.post(
        url(fractal, f"goals/{mid.pk}/reorder-children/"), {"ids": [str(second.pk), str(short_term_goal.pk)]}
    )
    assert response.status_code == 200
    assert [row["id"] for row in response.json()] == [str(second.pk), str(short_term_goal.pk)]
    assert list(Goal.objects.filter(parent=mid).order_by("sort_order")) == [second, short_term_goal]


def test_reorder_children_with_a_missing_or_foreign_id_is_a_400(api, fractal, short_term_goal, stranger_fractal):
    mid = short_term_goal.parent
    response = api.post(url(fractal, f"goals/{mid.pk}/reorder-children/"), {"ids": [str(stranger_fractal.pk)]})
    assert response.status_code == 400
    assert api.post(url(fractal, f"goals/{mid.pk}/reorder-children/"), {"ids": ["nope"]}).status_code == 400
