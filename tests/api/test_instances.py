import pytest

from sessions.models import ActivityInstance, MetricValue
from tests.api.conftest import url
from tests.factories import ActivityDefinitionFactory, MetricDefinitionFactory, SplitDefinitionFactory

pytestmark = pytest.mark.django_db

T0 = "2026-03-01T10:00:00Z"
T1 = "2026-03-01T10:01:30Z"


def test_add_an_activity_to_a_session(api, fractal, session, plain_activity):
    response = api.post(
        url(fractal, "instances/"), {"session": str(session.pk), "activity": str(plain_activity.pk)}, format="json"
    )
    assert response.status_code == 201
    assert ActivityInstance.objects.get(pk=response.json()["id"]).session == session


def test_an_activity_of_another_fractal_is_a_400(api, fractal, session, stranger_fractal):
    foreign = ActivityDefinitionFactory(root=stranger_fractal)
    response = api.post(
        url(fractal, "instances/"), {"session": str(session.pk), "activity": str(foreign.pk)}, format="json"
    )
    assert response.status_code == 400
    assert "activity" in response.json()
    assert not ActivityInstance.objects.exists()


def test_a_section_of_another_session_is_a_400(api, fractal, session, plain_activity, short_term_goal):
    from sessions.models import PracticeSession

    other = PracticeSession.create(fractal, [short_term_goal], "Other", sections=[("X", None)])
    response = api.post(
        url(fractal, "instances/"),
        {"session": str(session.pk), "activity": str(plain_activity.pk), "section": str(other.sections.get().pk)},
        format="json",
    )
    assert response.status_code == 400
    assert not ActivityInstance.objects.exists()


def test_start_and_stop_the_timer(api, fractal, instance):
    started = api.post(url(fractal, f"instances/{instance.pk}/start/"), {"at": T0}, format="json")
    assert started.status_code == 200 and started.json()["time_stop"] is None
    stopped = api.post(url(fractal, f"instances/{instance.pk}/stop/"), {"at": T1}, format="json")
    assert stopped.status_code == 200
    assert stopped.json()["duration_seconds"] == 90


def test_stop_without_start_is_refused(api, fractal, instance):
    response = api.post(url(fractal, f"instances/{instance.pk}/stop/"))
    assert response.status_code == 400
    assert "started" in str(response.json())
    instance.refresh_from_db()
    assert instance.time_stop is None


def test_stop_before_start_is_refused(api, fractal, instance):
    api.post(url(fractal, f"instances/{instance.pk}/start/"), {"at": T1}, format="json")
    response = api.post(url(fractal, f"instances/{instance.pk}/stop/"), {"at": T0}, format="json")
    assert response.status_code == 400
    instance.refresh_from_db()
    assert instance.time_stop is None and instance.duration_seconds is None


def test_a_malformed_timer_time_is_a_400(api, fractal, instance):
    response = api.post(url(fractal, f"instances/{instance.pk}/start/"), {"at": "noon"}, format="json")
    assert response.status_code == 400
    instance.refresh_from_db()
    assert instance.time_start is None


def test_manual_times_derive_the_duration(api, fractal, instance):
    response = api.patch(url(fractal, f"instances/{instance.pk}/"), {"time_start": T0, "time_stop": T1}, format="json")
    assert response.status_code == 200
    assert response.json()["duration_seconds"] == 90


def test_manual_stop_before_start_is_a_400(api, fractal, instance):
    response = api.patch(url(fractal, f"instances/{instance.pk}/"), {"time_start": T1, "time_stop": T0}, format="json")
    assert response.status_code == 400
    assert "time_stop" in response.json()
    instance.refresh_from_db()
    assert instance.time_start is None


def test_manual_stop_without_start_is_a_400(api, fractal, instance):
    response = api.patch(url(fractal, f"instances/{instance.pk}/"), {"time_stop": T1}, format="json")
    assert response.status_code == 400


def _cells(activity, **values):
    return [
        {"metric": str(activity.metrics.get(name=name).pk), "set_number": set_number, "value": value}
        for name, rows in values.items()
        for set_number, value in rows
    ]


def test_record_values_for_several_sets(api, fractal, instance):
    cells = _cells(instance.activity, seconds=[(1, 8), (2, 10)], weight=[(1, 5)])
    response = api.post(url(fractal, f"instances/{instance.pk}/values/"), cells, format="json")
    assert response.status_code == 200, response.json()
    assert len(response.json()["values"]) == 3
    assert MetricValue.objects.filter(instance=instance).count() == 3


def test_values_are_upserted_and_null_removes_a_cell(api, fractal, instance):
    api.post(url(fractal, f"instances/{instance.pk}/values/"), _cells(instance.activity, seconds=[(1, 8)]))
    cells = _cells(instance.activity, seconds=[(1, 9)], weight=[(1, 5)])
    api.post(url(fractal, f"instances/{instance.pk}/values/"), cells, format="json")
    assert MetricValue.objects.get(instance=instance, metric__name="seconds").value == 9
    removal = _cells(instance.activity, weight=[(1, None)])
    api.post(url(fractal, f"instances/{instance.pk}/values/"), removal, format="json")
    assert list(MetricValue.objects.filter(instance=instance).values_list("metric__name", flat=True)) == ["seconds"]


def test_a_non_numeric_value_is_a_400_and_nothing_is_written(api, fractal, instance):
    cells = _cells(instance.activity, seconds=[(1, 8)]) + _cells(instance.activity, weight=[(1, "heavy")])
    response = api.post(url(fractal, f"instances/{instance.pk}/values/"), cells, format="json")
    assert response.status_code == 400
    assert not MetricValue.objects.exists()


def test_a_missing_set_number_for_a_set_activity_is_a_400(api, fractal, instance):
    cells = [{"metric": str(instance.activity.metrics.get(name="seconds").pk), "value": 3}]
    response = api.post(url(fractal, f"instances/{instance.pk}/values/"), cells, format="json")
    assert response.status_code == 400
    assert "set_number" in str(response.json())
    assert not MetricValue.objects.exists()


def test_a_metric_of_another_activity_is_a_400(api, fractal, instance, plain_activity):
    cells = [{"metric": str(plain_activity.metrics.get().pk), "set_number": 1, "value": 3}]
    response = api.post(url(fractal, f"instances/{instance.pk}/values/"), cells, format="json")
    assert response.status_code == 400
    assert not MetricValue.objects.exists()


def test_a_metric_of_another_fractal_is_a_400(api, fractal, instance, stranger_fractal):
    foreign = MetricDefinitionFactory(activity=ActivityDefinitionFactory(root=stranger_fractal))
    cells = [{"metric": str(foreign.pk), "set_number": 1, "value": 3}]
    response = api.post(url(fractal, f"instances/{instance.pk}/values/"), cells, format="json")
    assert response.status_code == 400
    assert not MetricValue.objects.exists()


def test_split_values_need_a_split_of_the_activity(api, fractal, session):
    activity = ActivityDefinitionFactory(root=fractal, has_splits=True)
    metric = MetricDefinitionFactory(activity=activity, name="kg")
    left = SplitDefinitionFactory(activity=activity, name="L")
    SplitDefinitionFactory(activity=activity, name="R")
    instance = session.add_activity(activity)
    missing = api.post(url(fractal, f"instances/{instance.pk}/values/"), [{"metric": str(metric.pk), "value": 3}])
    assert missing.status_code == 400
    good = [{"metric": str(metric.pk), "split": str(left.pk), "value": 3}]
    assert api.post(url(fractal, f"instances/{instance.pk}/values/"), good, format="json").status_code == 200
    assert MetricValue.objects.get(instance=instance).split == left


def test_the_same_cell_twice_is_a_400(api, fractal, instance):
    cells = _cells(instance.activity, seconds=[(1, 8), (1, 9)])
    assert api.post(url(fractal, f"instances/{instance.pk}/values/"), cells, format="json").status_code == 400
    assert not MetricValue.objects.exists()


def test_values_must_be_a_list(api, fractal, instance):
    response = api.post(url(fractal, f"instances/{instance.pk}/values/"), {"metric": "x"}, format="json")
    assert response.status_code == 400


def test_reorder_within_a_section(api, fractal, session, instance, plain_activity):
    section = session.sections.get()
    second = session.add_activity(plain_activity, section=section)
    response = api.post(
        url(fractal, "instances/reorder/"),
        {"session": str(session.pk), "section": str(section.pk), "ids": [str(second.pk), str(instance.pk)]},
        format="json",
    )
    assert response.status_code == 200
    assert [row["id"] for row in response.json()] == [str(second.pk), str(instance.pk)]


def test_reorder_with_a_missing_id_is_a_400(api, fractal, session, instance, plain_activity):
    section = session.sections.get()
    session.add_activity(plain_activity, section=section)
    response = api.post(
        url(fractal, "instances/reorder/"),
        {"session": str(session.pk), "section": str(section.pk), "ids": [str(instance.pk)]},
        format="json",
    )
    assert response.status_code == 400


def test_metric_values_list_filters_by_session_and_activity(api, fractal, instance, stranger_fractal):
    api.post(url(fractal, f"instances/{instance.pk}/values/"), _cells(instance.activity, seconds=[(1, 8)]))
    listed = api.get(url(fractal, f"metric-values/?session={instance.session_id}&activity={instance.activity_id}"))
    assert listed.json()["count"] == 1
    foreign = ActivityDefinitionFactory(root=stranger_fractal)
    assert api.get(url(fractal, f"metric-values/?activity={foreign.pk}")).status_code == 400


def test_delete_and_restore_an_instance_with_its_values(api, fractal, instance):
    api.post(url(fractal, f"instances/{instance.pk}/values/"), _cells(instance.activity, seconds=[(1, 8)]))
    assert api.delete(url(fractal, f"instances/{instance.pk}/")).status_code == 204
    assert not MetricValue.objects.exists()
    assert api.post(url(fractal, f"instances/{instance.pk}/restore/")).status_code == 200
    assert MetricValue.objects.count() == 1
