import pytest

from activities.models import ActivityDefinition
from goals.models import Goal
from tests.api.conftest import url
from tests.factories import ActivityDefinitionFactory, GoalFactory

pytestmark = pytest.mark.django_db


def test_trash_lists_deleted_objects_newest_first_without_cascaded_children(api, fractal, short_term_goal, activity):
    short_term_goal.parent.delete()  # takes the short-term goal with it
    activity.delete()
    response = api.get(url(fractal, "trash/"))
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [(row["type"], row["name"]) for row in rows] == [("activity", "Front lever hold"), ("goal", "Levers")]


def test_trash_filters_by_type_and_rejects_unknown_types(api, fractal, short_term_goal, activity):
    activity.delete()
    short_term_goal.delete()
    assert [row["type"] for row in api.get(url(fractal, "trash/?type=goal")).json()["results"]] == ["goal"]
    assert api.get(url(fractal, "trash/?type=bogus")).status_code == 400


def test_restore_from_the_trash(api, fractal, activity):
    activity.delete()
    response = api.post(url(fractal, "trash/restore/"), {"type": "activity", "id": str(activity.pk)}, format="json")
    assert response.status_code == 200
    assert ActivityDefinition.objects.filter(pk=activity.pk).exists()


def test_restore_of_a_live_or_foreign_object_is_a_404(api, fractal, activity, stranger_fractal):
    assert api.post(url(fractal, "trash/restore/"), {"type": "activity", "id": str(activity.pk)}).status_code == 404
    foreign = ActivityDefinitionFactory(root=stranger_fractal)
    foreign.delete()
    response = api.post(url(fractal, "trash/restore/"), {"type": "activity", "id": str(foreign.pk)})
    assert response.status_code == 404
    assert ActivityDefinition.all_objects.get(pk=foreign.pk).deleted_at is not None


def test_restore_that_breaks_a_rule_is_a_400(api, fractal, activity):
    activity.delete()
    ActivityDefinitionFactory(root=fractal, name="Front lever hold")
    response = api.post(url(fractal, "trash/restore/"), {"type": "activity", "id": str(activity.pk)})
    assert response.status_code == 400
    assert ActivityDefinition.all_objects.get(pk=activity.pk).deleted_at is not None


def test_restoring_a_goal_under_a_deleted_parent_is_a_400(api, fractal, short_term_goal):
    child = GoalFactory(parent=short_term_goal)
    child.delete()
    short_term_goal.delete()
    response = api.post(url(fractal, "trash/restore/"), {"type": "goal", "id": str(child.pk)})
    assert response.status_code == 400
    assert Goal.all_objects.get(pk=child.pk).deleted_at is not None
