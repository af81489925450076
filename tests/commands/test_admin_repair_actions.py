"""The admin's repair actions reuse the integrity service of check_integrity."""

import pytest
from django.test import Client
from django.urls import reverse

from goals.models import Goal
from sessions.models import MetricValue
from tests.factories import GoalFactory, MetricValueFactory, UserFactory


@pytest.fixture
def admin_client(db):
    client = Client()
    client.force_login(UserFactory(username="admin", is_staff=True, is_superuser=True))
    return client


def test_rederive_roots_repairs_the_fractals_of_the_selected_rows(admin_client, fractal, stranger_fractal):
    child = GoalFactory(parent=fractal)
    value = MetricValueFactory(instance__session__root=fractal)
    Goal.all_objects.filter(pk=child.pk).update(root=stranger_fractal)
    MetricValue.all_objects.filter(pk=value.pk).update(root=stranger_fractal)
    url = reverse("admin:practice_sessions_metricvalue_changelist")
    response = admin_client.post(url, {"action": "rederive_roots", "_selected_action": [value.pk]}, follow=True)
    assert response.status_code == 200
    assert MetricValue.all_objects.get(pk=value.pk).root_id == fractal.pk
    # Rows whose wrong root names the same fractal are repaired in the same pass.
    assert Goal.all_objects.get(pk=child.pk).root_id == fractal.pk
    assert "Repaired" in response.content.decode()
    url = reverse("admin:goals_goal_changelist")
    response = admin_client.post(url, {"action": "rederive_roots", "_selected_action": [child.pk]}, follow=True)
    assert "Nothing to repair" in response.content.decode()


def test_restore_subtree_brings_back_goals_deleted_at_different_times(admin_client, fractal):
    child = GoalFactory(parent=fractal)
    grandchild = GoalFactory(parent=child)
    sibling = GoalFactory(parent=child)
    grandchild.delete()
    child.delete()
    url = reverse("admin:goals_goal_changelist")
    admin_client.post(url, {"action": "restore_subtree_selected", "_selected_action": [child.pk]})
    assert set(Goal.objects.filter(pk__in=[child.pk, grandchild.pk, sibling.pk]).values_list("pk", flat=True)) == {
        child.pk,
        grandchild.pk,
        sibling.pk,
    }


def test_restore_subtree_under_a_deleted_parent_is_refused_with_a_message(admin_client, fractal):
    child = GoalFactory(parent=fractal)
    grandchild = GoalFactory(parent=child)
    child.delete()
    url = reverse("admin:goals_goal_changelist")
    response = admin_client.post(
        url, {"action": "restore_subtree_selected", "_selected_action": [grandchild.pk]}, follow=True
    )
    assert "Not restored" in response.content.decode()
    assert Goal.all_objects.get(pk=grandchild.pk).deleted_at is not None
