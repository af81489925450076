import pytest
from django.urls import reverse

from activities.models import ActivityDefinition, ActivityGroup, MetricDefinition, SplitDefinition
from tests.factories import ActivityDefinitionFactory, ActivityGroupFactory, MetricValueFactory
from tests.pages.session_data import queries_of, set_activity, split_activity


def library_url(fractal):
    return reverse("activity-library", kwargs={"root_id": fractal.pk})


def activity_post(name="Front lever hold", metrics=(), splits=(), **fields):
    """Form data for the activity form: ``metrics`` are dicts (name, unit, flags, id)."""
    data = {
        "name": name,
        "description": "",
        "group": "",
        "has_metrics": "on",
        "metrics-TOTAL_FORMS": str(max(3, len(metrics))),
        "metrics-INITIAL_FORMS": "0",
        "splits-TOTAL_FORMS": str(max(5, len(splits))),
        "splits-INITIAL_FORMS": "0",
    }
    for key, value in fields.items():
        if value is True:
            data[key] = "on"
        elif value not in (False, None):
            data[key] = value
    for index, metric in enumerate(metrics):
        data[f"metrics-{index}-name"] = metric["name"]
        data[f"metrics-{index}-unit"] = metric.get("unit", "")
        data[f"metrics-{index}-id"] = metric.get("id", "")
        for flag in ("is_top_set_metric", "is_multiplicative"):
            if metric.get(flag):
                data[f"metrics-{index}-{flag}"] = "on"
        if metric.get("is_active", True):
            data[f"metrics-{index}-is_active"] = "on"
    for index, split in enumerate(splits):
        data[f"splits-{index}-name"] = split["name"]
        data[f"splits-{index}-id"] = split.get("id", "")
    return data


# --- access --------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["activity-library", "activity-create"])
def test_library_pages_are_for_the_owner_only(name, owner_client, stranger_client, anonymous_client, fractal):
    url = reverse(name, kwargs={"root_id": fractal.pk})
    assert owner_client.get(url).status_code == 200
    assert stranger_client.get(url).status_code == 404
    response = anonymous_client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_editing_an_activity_is_for_the_owner_only(owner_client, stranger_client, anonymous_client, fractal):
    activity = set_activity(fractal)
    url = reverse("activity-edit", kwargs={"root_id": fractal.pk, "activity_id": activity.pk})
    assert owner_client.get(url).status_code == 200
    assert stranger_client.get(url).status_code == 404
    assert stranger_client.post(url, activity_post("Hijacked")).status_code == 404
    assert anonymous_client.get(url).status_code == 302
    activity.refresh_from_db()
    assert activity.name == "Weighted pull-up"


def test_a_stranger_cannot_delete_an_activity_or_a_group(stranger_client, anonymous_client, fractal):
    activity = set_activity(fractal)
    group = ActivityGroupFactory(root=fractal)
    for client, status in ((stranger_client, 404), (anonymous_client, 302)):
        response = client.post(reverse("activity-delete", kwargs={"root_id": fractal.pk, "activity_id": activity.pk}))
        assert response.status_code == status
        response = client.post(reverse("group-delete", kwargs={"root_id": fractal.pk, "group_id": group.pk}))
        assert response.status_code == status
        response = client.post(reverse("group-create", kwargs={"root_id": fractal.pk}), {"name": "Mine"})
        assert response.status_code == status
    assert ActivityDefinition.objects.filter(pk=activity.pk).exists()
    assert ActivityGroup.objects.filter(root=fractal).count() == 1


def test_an_activity_of_another_fractal_is_not_found_through_this_one(owner_client, fractal, owner):
    from tests.factories import FractalFactory

    other = FractalFactory(owner=owner)
    foreign = ActivityDefinitionFactory(root=other)
    url = reverse("activity-edit", kwargs={"root_id": fractal.pk, "activity_id": foreign.pk})
    assert owner_client.get(url).status_code == 404


# --- listing and search --------------------------------------------------------------------
def test_the_library_lists_activities_by_group_with_metrics_and_splits(owner_client, fractal):
    group = ActivityGroupFactory(root=fractal, name="Pulling")
    set_activity(fractal, group=group)
    split_activity(fractal)
    page = owner_client.get(library_url(fractal)).content.decode()
    assert "Pulling" in page
    assert "Weighted pull-up" in page
    assert "Weight (kg)" in page
    assert "Left, Right" in page
    assert page.index("Pulling") < page.index("Weighted pull-up") < page.index("Ungrouped")


def test_searching_the_library_shows_matching_activities_only(owner_client, fractal):
    set_activity(fractal, name="Weighted pull-up")
    split_activity(fractal, name="Single-arm hang")
    page = owner_client.get(library_url(fractal), {"q": "pull"}).content.decode()
    assert "Weighted pull-up" in page
    assert "Single-arm hang" not in page


def test_deleted_activities_are_not_listed(owner_client, fractal):
    set_activity(fractal, name="Old drill").delete()
    assert "Old drill" not in owner_client.get(library_url(fractal)).content.decode()


def test_the_library_runs_the_same_number_of_queries_for_few_and_many_activities(
    owner_client, fractal, django_assert_num_queries
):
    def build(count):
        for index in range(count):
            group = ActivityGroupFactory(root=fractal)
            set_activity(fractal, name=f"Drill {index} {group.pk}", group=group)
            split_activity(fractal, name=f"Hang {index} {group.pk}")

    build(2)
    small = queries_of(lambda: owner_client.get(library_url(fractal)))
    build(10)
    with django_assert_num_queries(small):
        response = owner_client.get(library_url(fractal))
    assert response.content.decode().count('class="activity-card"') == 24


# --- create and edit -----------------------------------------------------------------------
def test_creating_an_activity_saves_its_metrics_and_splits_together(owner_client, fractal):
    data = activity_post(
        "Single-leg squat",
        metrics=[{"name": "Weight", "unit": "kg", "is_top_set_metric": True}, {"name": "Reps", "unit": "reps"}],
        splits=[{"name": "Left"}, {"name": "Right"}],
        has_sets=True,
        has_splits=True,
    )
    response = owner_client.post(reverse("activity-create", kwargs={"root_id": fractal.pk}), data)
    assert response.status_code == 302
    activity = ActivityDefinition.objects.get(root=fractal, name="Single-leg squat")
    assert activity.has_sets and activity.has_splits
    assert [(m.name, m.unit, m.is_top_set_metric) for m in activity.metrics.order_by("sort_order")] == [
        ("Weight", "kg", True),
        ("Reps", "reps", False),
    ]
    assert list(activity.splits.order_by("sort_order").values_list("name", flat=True)) == ["Left", "Right"]


def test_split_rows_left_typed_after_unticking_splits_are_not_saved(owner_client, fractal):
    data = activity_post("Plank", metrics=[{"name": "Seconds", "unit": "s"}], splits=[{"name": "Left"}])
    response = owner_client.post(reverse("activity-create", kwargs={"root_id": fractal.pk}), data)
    assert response.status_code == 302
    activity = ActivityDefinition.objects.get(root=fractal, name="Plank")
    assert not activity.has_splits and not activity.splits.exists()


def test_an_activity_with_four_metrics_is_refused_and_nothing_is_saved(owner_client, fractal):
    metrics = [{"name": f"m{index}"} for index in range(4)]
    response = owner_client.post(
        reverse("activity-create", kwargs={"root_id": fractal.pk}), activity_post("Too much", metrics=metrics)
    )
    assert response.status_code == 400
    assert "at most 3 metrics" in response.content.decode()
    assert not ActivityDefinition.all_objects.filter(name="Too much").exists()
    assert not MetricDefinition.all_objects.filter(root=fractal).exists()


def test_an_activity_with_one_split_only_is_refused(owner_client, fractal):
    response = owner_client.post(
        reverse("activity-create", kwargs={"root_id": fractal.pk}),
        activity_post("Lopsided", metrics=[{"name": "Seconds"}], splits=[{"name": "Left"}], has_splits=True),
    )
    assert response.status_code == 400
    assert "needs 2 to 5 splits" in response.content.decode()
    assert not ActivityDefinition.all_objects.filter(name="Lopsided").exists()


def test_two_top_set_metrics_are_refused(owner_client, fractal):
    metrics = [{"name": "a", "is_top_set_metric": True}, {"name": "b", "is_top_set_metric": True}]
    response = owner_client.post(
        reverse("activity-create", kwargs={"root_id": fractal.pk}), activity_post("Two tops", metrics=metrics)
    )
    assert response.status_code == 400
    assert "Only one metric can be the top-set metric" in response.content.decode()
    assert not ActivityDefinition.all_objects.filter(name="Two tops").exists()


def test_a_duplicate_activity_name_is_a_form_error(owner_client, fractal):
    set_activity(fractal, name="Dips")
    response = owner_client.post(reverse("activity-create", kwargs={"root_id": fractal.pk}), activity_post("dips"))
    assert response.status_code == 400
    assert "already has an activity with this name" in response.content.decode()
    assert ActivityDefinition.objects.filter(root=fractal).count() == 1


def test_a_group_of_another_fractal_cannot_be_chosen(owner_client, fractal, stranger_fractal):
    foreign = ActivityGroupFactory(root=stranger_fractal)
    response = owner_client.post(
        reverse("activity-create", kwargs={"root_id": fractal.pk}), activity_post("Rows", group=str(foreign.pk))
    )
    assert response.status_code == 400
    assert not ActivityDefinition.all_objects.filter(name="Rows").exists()


def test_editing_keeps_renames_and_soft_deletes_removed_metrics(owner_client, fractal):
    activity = set_activity(fractal)
    weight, reps = activity.metrics.order_by("sort_order")
    MetricValueFactory(metric=reps, instance__session__root=fractal, instance__activity=activity, set_number=1)
    data = activity_post(
        "Weighted pull-up",
        metrics=[{"id": str(weight.pk), "name": "Load", "unit": "kg", "is_top_set_metric": True}, {"name": "RPE"}],
        has_sets=True,
    )
    data["metrics-INITIAL_FORMS"] = "2"
    response = owner_client.post(
        reverse("activity-edit", kwargs={"root_id": fractal.pk, "activity_id": activity.pk}), data
    )
    assert response.status_code == 302
    live = list(MetricDefinition.objects.filter(activity=activity).order_by("sort_order"))
    assert [metric.name for metric in live] == ["Load", "RPE"]
    assert live[0].pk == weight.pk
    reps = MetricDefinition.all_objects.get(pk=reps.pk)
    assert reps.deleted_at is not None  # soft-deleted: recorded values keep their metric


def test_turning_splits_off_removes_them(owner_client, fractal):
    activity = split_activity(fractal)
    metric = activity.metrics.get()
    data = activity_post("Single-arm hang", metrics=[{"id": str(metric.pk), "name": "Seconds", "unit": "s"}])
    response = owner_client.post(
        reverse("activity-edit", kwargs={"root_id": fractal.pk, "activity_id": activity.pk}), data
    )
    assert response.status_code == 302
    assert not SplitDefinition.objects.filter(activity=activity).exists()
    assert SplitDefinition.all_objects.filter(activity=activity).count() == 2


def test_a_metric_id_of_another_activity_is_refused(owner_client, fractal):
    activity = set_activity(fractal)
    other = split_activity(fractal)
    foreign_metric = other.metrics.get()
    data = activity_post("Weighted pull-up", metrics=[{"id": str(foreign_metric.pk), "name": "Stolen"}])
    response = owner_client.post(
        reverse("activity-edit", kwargs={"root_id": fractal.pk, "activity_id": activity.pk}), data
    )
    assert response.status_code == 400
    foreign_metric.refresh_from_db()
    assert foreign_metric.name == "Seconds"
    assert MetricDefinition.objects.filter(activity=activity).count() == 2


def test_deleting_an_activity_is_a_soft_delete(owner_client, fractal):
    activity = set_activity(fractal)
    response = owner_client.post(reverse("activity-delete", kwargs={"root_id": fractal.pk, "activity_id": activity.pk}))
    assert response.status_code == 302
    activity = ActivityDefinition.all_objects.get(pk=activity.pk)
    assert activity.deleted_at is not None
    assert activity.name == "Weighted pull-up"


def test_deleting_needs_a_post(owner_client, fractal):
    activity = set_activity(fractal)
    response = owner_client.get(reverse("activity-delete", kwargs={"root_id": fractal.pk, "activity_id": activity.pk}))
    assert response.status_code == 405
    assert ActivityDefinition.objects.filter(pk=activity.pk).exists()


# --- groups --------------------------------------------------------------------------------
def test_creating_a_group(owner_client, fractal):
    response = owner_client.post(reverse("group-create", kwargs={"root_id": fractal.pk}), {"name": "Core"})
    assert response.status_code == 302
    assert ActivityGroup.objects.get(root=fractal).name == "Core"


def test_a_duplicate_group_name_is_refused(owner_client, fractal):
    ActivityGroupFactory(root=fractal, name="Core")
    response = owner_client.post(reverse("group-create", kwargs={"root_id": fractal.pk}), {"name": "core"})
    assert response.status_code == 400
    assert "already has an activity group with this name" in response.content.decode()
    assert ActivityGroup.objects.filter(root=fractal).count() == 1


def test_an_empty_group_name_is_refused(owner_client, fractal):
    response = owner_client.post(reverse("group-create", kwargs={"root_id": fractal.pk}), {"name": ""})
    assert response.status_code == 400
    assert not ActivityGroup.objects.filter(root=fractal).exists()


def test_renaming_a_group(owner_client, stranger_client, fractal):
    group = ActivityGroupFactory(root=fractal, name="Core")
    url = reverse("group-edit", kwargs={"root_id": fractal.pk, "group_id": group.pk})
    assert owner_client.get(url).status_code == 200
    assert stranger_client.post(url, {"name": "Mine"}).status_code == 404
    assert owner_client.post(url, {"name": "Trunk"}).status_code == 302
    group.refresh_from_db()
    assert group.name == "Trunk"


def test_renaming_a_group_to_a_taken_name_is_refused(owner_client, fractal):
    ActivityGroupFactory(root=fractal, name="Legs")
    group = ActivityGroupFactory(root=fractal, name="Core")
    url = reverse("group-edit", kwargs={"root_id": fractal.pk, "group_id": group.pk})
    assert owner_client.post(url, {"name": "LEGS"}).status_code == 400
    group.refresh_from_db()
    assert group.name == "Core"


def test_deleting_a_group_ungroups_its_activities(owner_client, fractal):
    group = ActivityGroupFactory(root=fractal)
    activity = set_activity(fractal, group=group)
    response = owner_client.post(reverse("group-delete", kwargs={"root_id": fractal.pk, "group_id": group.pk}))
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.group_id is None
    assert activity.deleted_at is None
    assert not ActivityGroup.objects.filter(pk=group.pk).exists()


def test_moving_a_group_down_and_reordering_all_groups(owner_client, fractal):
    first = ActivityGroupFactory(root=fractal, name="A")
    second = ActivityGroupFactory(root=fractal, name="B")
    third = ActivityGroupFactory(root=fractal, name="C")
    url = reverse("group-reorder", kwargs={"root_id": fractal.pk})
    assert owner_client.post(url, {"group": first.pk, "offset": "1"}).status_code == 302
    order = list(ActivityGroup.objects.filter(root=fractal).order_by("sort_order").values_list("name", flat=True))
    assert order == ["B", "A", "C"]
    assert owner_client.post(url, {"ids": [third.pk, first.pk, second.pk]}).status_code == 302
    order = list(ActivityGroup.objects.filter(root=fractal).order_by("sort_order").values_list("name", flat=True))
    assert order == ["C", "A", "B"]


def test_a_reorder_that_leaves_out_a_group_is_refused(owner_client, fractal):
    first = ActivityGroupFactory(root=fractal, name="A")
    ActivityGroupFactory(root=fractal, name="B")
    response = owner_client.post(reverse("group-reorder", kwargs={"root_id": fractal.pk}), {"ids": [first.pk]})
    assert response.status_code == 400
    order = list(ActivityGroup.objects.filter(root=fractal).order_by("sort_order").values_list("name", flat=True))
    assert order == ["A", "B"]


def test_a_stranger_cannot_reorder_groups(stranger_client, fractal):
    group = ActivityGroupFactory(root=fractal)
    response = stranger_client.post(
        reverse("group-reorder", kwargs={"root_id": fractal.pk}), {"group": group.pk, "offset": "1"}
    )
    assert response.status_code == 404
