import pytest

from activities.models import ActivityDefinition, ActivityGroup, MetricDefinition, SplitDefinition
from tests.api.conftest import url
from tests.factories import ActivityGroupFactory

pytestmark = pytest.mark.django_db


# --- groups ------------------------------------------------------------------------------------
def test_create_rename_and_delete_a_group(api, fractal, activity):
    response = api.post(url(fractal, "activity-groups/"), {"name": "Levers"}, format="json")
    assert response.status_code == 201
    group = ActivityGroup.objects.get(pk=response.json()["id"])
    assert group.root_id == fractal.pk
    activity.group = group
    activity.save()
    assert api.patch(url(fractal, f"activity-groups/{group.pk}/"), {"name": "Holds"}).json()["name"] == "Holds"
    assert api.delete(url(fractal, f"activity-groups/{group.pk}/")).status_code == 204
    activity.refresh_from_db()
    assert activity.group is None


def test_a_duplicate_group_name_is_a_400(api, fractal):
    ActivityGroupFactory(root=fractal, name="Levers")
    response = api.post(url(fractal, "activity-groups/"), {"name": "levers"}, format="json")
    assert response.status_code == 400
    assert ActivityGroup.objects.filter(root=fractal).count() == 1


def test_reorder_groups(api, fractal):
    first = ActivityGroupFactory(root=fractal, name="A")
    second = ActivityGroupFactory(root=fractal, name="B")
    response = api.post(url(fractal, "activity-groups/reorder/"), {"ids": [str(second.pk), str(first.pk)]})
    assert response.status_code == 200
    assert [row["name"] for row in response.json()] == ["B", "A"]


def test_reorder_groups_with_a_group_of_another_fractal_is_a_400(api, fractal, stranger_fractal):
    mine = ActivityGroupFactory(root=fractal, name="A")
    theirs = ActivityGroupFactory(root=stranger_fractal, name="B")
    response = api.post(url(fractal, "activity-groups/reorder/"), {"ids": [str(mine.pk), str(theirs.pk)]})
    assert response.status_code == 400
    theirs.refresh_from_db()
    assert theirs.sort_order == 0


# --- definitions with nested metrics and splits ------------------------------------------------
def test_create_an_activity_with_metrics_and_splits_in_one_request(api, fractal):
    response = api.post(
        url(fractal, "activities/"),
        {
            "name": "One-arm hang",
            "has_sets": True,
            "has_splits": True,
            "metrics": [{"name": "seconds", "unit": "s", "is_top_set_metric": True}, {"name": "kg"}],
            "splits": [{"name": "Left"}, {"name": "Right"}],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert [m["name"] for m in body["metrics"]] == ["seconds", "kg"]
    assert [s["name"] for s in body["splits"]] == ["Left", "Right"]
    activity = ActivityDefinition.objects.get(pk=body["id"])
    assert activity.metrics.count() == 2 and activity.splits.count() == 2


def test_too_many_metrics_is_a_400_and_creates_nothing(api, fractal):
    response = api.post(
        url(fractal, "activities/"),
        {"name": "Greedy", "metrics": [{"name": n} for n in "abcd"]},
        format="json",
    )
    assert response.status_code == 400
    assert "metrics" in response.json()
    assert not ActivityDefinition.all_objects.filter(name="Greedy").exists()


def test_two_top_set_metrics_is_a_400(api, fractal):
    response = api.post(
        url(fractal, "activities/"),
        {
            "name": "Twin",
            "metrics": [{"name": "a", "is_top_set_metric": True}, {"name": "b", "is_top_set_metric": True}],
        },
        format="json",
    )
    assert response.status_code == 400
    assert not ActivityDefinition.all_objects.filter(name="Twin").exists()


def test_splits_need_has_splits_and_two_to_five(api, fractal):
    one = api.post(
        url(fractal, "activities/"), {"name": "One", "has_splits": True, "splits": [{"name": "L"}]}, format="json"
    )
    unwanted = api.post(url(fractal, "activities/"), {"name": "Two", "splits": [{"name": "L"}, {"name": "R"}]})
    assert one.status_code == 400 and "splits" in one.json()
    assert unwanted.status_code == 400
    assert not ActivityDefinition.all_objects.filter(name__in=["One", "Two"]).exists()


def test_update_keeps_edits_adds_and_soft_deletes_metrics(api, fractal, activity):
    seconds = activity.metrics.get(name="seconds")
    weight = activity.metrics.get(name="weight")
    response = api.patch(
        url(fractal, f"activities/{activity.pk}/"),
        {"metrics": [{"id": str(seconds.pk), "name": "hold", "is_top_set_metric": True}, {"name": "reps"}]},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert [m["name"] for m in response.json()["metrics"]] == ["hold", "reps"]
    assert MetricDefinition.all_objects.get(pk=weight.pk).deleted_at is not None
    seconds.refresh_from_db()
    assert seconds.name == "hold"


def test_moving_the_top_set_flag_in_one_update_works(api, fractal, activity):
    seconds = activity.metrics.get(name="seconds")
    weight = activity.metrics.get(name="weight")
    response = api.patch(
        url(fractal, f"activities/{activity.pk}/"),
        {
            "metrics": [
                {"id": str(seconds.pk), "name": "seconds", "is_top_set_metric": False},
                {"id": str(weight.pk), "name": "weight", "is_top_set_metric": True},
            ]
        },
        format="json",
    )
    assert response.status_code == 200
    weight.refresh_from_db()
    assert weight.is_top_set_metric


def test_a_metric_id_of_another_activity_is_a_400(api, fractal, activity, plain_activity):
    foreign = plain_activity.metrics.get()
    response = api.patch(
        url(fractal, f"activities/{activity.pk}/"),
        {"metrics": [{"id": str(foreign.pk), "name": "stolen"}]},
        format="json",
    )
    assert response.status_code == 400 and "metrics" in response.json()
    foreign.refresh_from_db()
    assert foreign.name == "minutes" and foreign.activity_id == plain_activity.pk


def test_a_group_of_another_fractal_is_a_400(api, fractal, stranger_fractal):
    theirs = ActivityGroupFactory(root=stranger_fractal)
    response = api.post(url(fractal, "activities/"), {"name": "X", "group": str(theirs.pk)}, format="json")
    assert response.status_code == 400
    assert "group" in response.json()


def test_delete_is_soft_and_restore_brings_metrics_back(api, fractal, activity):
    assert api.delete(url(fractal, f"activities/{activity.pk}/")).status_code == 204
    assert ActivityDefinition.all_objects.get(pk=activity.pk).deleted_at is not None
    assert MetricDefinition.objects.filter(activity=activity).count() == 0
    assert api.post(url(fractal, f"activities/{activity.pk}/restore/")).status_code == 200
    assert MetricDefinition.objects.filter(activity=activity).count() == 2


def test_list_filters_by_group_and_rejects_foreign_groups(api, fractal, activity, plain_activity, stranger_fractal):
    group = ActivityGroupFactory(root=fractal)
    activity.group = group
    activity.save()
    listed = api.get(url(fractal, f"activities/?group={group.pk}")).json()["results"]
    assert [row["id"] for row in listed] == [str(activity.pk)]
    foreign = ActivityGroupFactory(root=stranger_fractal)
    assert api.get(url(fractal, f"activities/?group={foreign.pk}")).status_code == 400


@pytest.mark.parametrize("count", [3, 30])
def test_activity_list_query_count_does_not_grow(api, fractal, count, django_assert_num_queries):
    for index in range(count):
        response = api.post(
            url(fractal, "activities/"),
            {
                "name": f"A{index}",
                "has_splits": True,
                "metrics": [{"name": "m"}],
                "splits": [{"name": "L"}, {"name": "R"}],
            },
            format="json",
        )
        assert response.status_code == 201
    # savepoint, fractal, count, page, metrics, splits, release
    with django_assert_num_queries(7):
        response = api.get(url(fractal, "activities/"))
    assert response.json()["count"] == count
    assert SplitDefinition.objects.filter(root=fractal).count() == 2 * count
