"""Mark complete records the values sent with it before it evaluates the targets."""

import pytest
from django.urls import reverse

from sessions.models import MetricValue
from tests.factories import ActivityInstanceFactory, PracticeSessionFactory
from tests.pages.session_data import set_activity, target_on

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def activity(fractal):
    return set_activity(fractal)


@pytest.fixture
def instance(fractal, short_term_goal, activity):
    session = PracticeSessionFactory(root=fractal, goals=[short_term_goal], name="Pull day")
    return ActivityInstanceFactory(session=session, activity=activity)


def complete_url(instance):
    return reverse("session-complete", kwargs={"root_id": instance.root_id, "session_id": instance.session_id})


def posted_cells(instance, **values):
    metrics = {metric.name: metric for metric in instance.activity.metrics.all()}
    data = {f"{instance.pk}:set_count": "1"}
    for name, value in values.items():
        data[f"{instance.pk}:v-{metrics[name].pk}-x-1"] = value
    return data


def test_values_sent_with_mark_complete_are_stored_and_meet_the_target(
    owner_client, instance, activity, short_term_goal
):
    target_on(short_term_goal, activity, Weight=20, Reps=5)
    response = owner_client.post(complete_url(instance), posted_cells(instance, Weight="20", Reps="5"), **HTMX)
    assert response.status_code == 200
    assert "✔ Weighted pull-up goal" in response.content.decode()
    stored = sorted(MetricValue.objects.filter(instance=instance).values_list("metric__name", "value"))
    assert stored == [("Reps", 5), ("Weight", 20)]
    instance.session.refresh_from_db()
    assert instance.session.completed


def test_a_bad_value_sent_with_mark_complete_refuses_it_and_changes_nothing(owner_client, instance):
    response = owner_client.post(complete_url(instance), posted_cells(instance, Weight="20", Reps="five"), **HTMX)
    assert response.status_code == 400
    assert "“five” is not a number" in response.content.decode()
    assert not MetricValue.objects.filter(instance=instance).exists()
    instance.session.refresh_from_db()
    assert not instance.session.completed


def test_values_for_an_instance_of_another_session_are_refused(owner_client, instance, fractal, short_term_goal):
    other = ActivityInstanceFactory(
        session=PracticeSessionFactory(root=fractal, goals=[short_term_goal]), activity=instance.activity
    )
    response = owner_client.post(complete_url(instance), posted_cells(other, Weight="20"), **HTMX)
    assert response.status_code == 400
    assert not MetricValue.objects.filter(instance=other).exists()
    instance.session.refresh_from_db()
    assert not instance.session.completed


def test_a_stranger_cannot_complete_with_values(stranger_client, instance):
    response = stranger_client.post(complete_url(instance), posted_cells(instance, Weight="20"), **HTMX)
    assert response.status_code == 404
    assert not MetricValue.objects.filter(instance=instance).exists()
