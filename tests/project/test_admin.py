import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from goals.models import Goal
from tests.factories import (
    ActivityInstanceFactory,
    GoalFactory,
    MetricValueFactory,
    PracticeSessionFactory,
    ScheduledSessionFactory,
    TargetMetricFactory,
    TemplateActivityFactory,
    UserFactory,
)


@pytest.fixture
def admin_client(db):
    user = UserFactory(username="admin", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def populated(fractal, short_term_goal):
    session = PracticeSessionFactory(root=fractal, goals=[short_term_goal])
    MetricValueFactory(instance=ActivityInstanceFactory(session=session))
    TargetMetricFactory(target__goal=short_term_goal)
    TemplateActivityFactory(section__template__root=fractal)
    ScheduledSessionFactory(day__block__program__root=fractal)
    return fractal


def test_every_model_has_a_working_changelist_and_change_page(admin_client, populated):
    for model in admin.site._registry:
        if model._meta.app_label not in {"goals", "activities", "practice_sessions"}:
            continue
        opts = model._meta
        response = admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        assert response.status_code == 200, opts.label
        if not hasattr(model, "all_objects"):
            continue
        response = admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist") + "?state=deleted")
        assert response.status_code == 200, opts.label
        obj = model.all_objects.first()
        if obj is not None:
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
            assert admin_client.get(url).status_code == 200, opts.label


def test_admin_actions_soft_delete_restore_and_hard_delete(admin_client, fractal):
    goal = GoalFactory(parent=fractal)
    url = reverse("admin:goals_goal_changelist")
    admin_client.post(url, {"action": "soft_delete_selected", "_selected_action": [goal.pk]})
    assert Goal.all_objects.get(pk=goal.pk).deleted_at is not None
    admin_client.post(url, {"action": "restore_selected", "_selected_action": [goal.pk]})
    assert Goal.objects.filter(pk=goal.pk).exists()
    admin_client.post(url, {"action": "hard_delete_selected", "_selected_action": [goal.pk]})
    assert Goal.all_objects.filter(pk=goal.pk).exists(), "a live row is not hard-deleted"
    Goal.objects.get(pk=goal.pk).delete()
    admin_client.post(url, {"action": "hard_delete_selected", "_selected_action": [goal.pk]})
    assert not Goal.all_objects.filter(pk=goal.pk).exists()


def test_admin_refuses_a_child_goal_of_the_wrong_level(admin_client, fractal):
    response = admin_client.post(
        reverse("admin:goals_goal_add"),
        {"name": "Wrong", "level": "NanoGoal", "parent": fractal.pk, "sort_order": ""},
    )
    assert response.status_code == 200
    assert "must be a long-term goal" in response.content.decode()
    assert Goal.objects.count() == 1


def test_admin_creates_an_activity_with_metrics_in_the_chosen_fractal(admin_client, fractal):
    prefix_m, prefix_s = "metrics", "splits"
    data = {
        "fractal": fractal.pk,
        "name": "Dips",
        "description": "",
        "has_metrics": "on",
        "sort_order": "",
        f"{prefix_m}-TOTAL_FORMS": "1",
        f"{prefix_m}-INITIAL_FORMS": "0",
        f"{prefix_m}-0-name": "Reps",
        f"{prefix_m}-0-unit": "reps",
        f"{prefix_m}-0-is_active": "on",
        f"{prefix_m}-0-sort_order": "",
        f"{prefix_s}-TOTAL_FORMS": "0",
        f"{prefix_s}-INITIAL_FORMS": "0",
    }
    response = admin_client.post(reverse("admin:activities_activitydefinition_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    from activities.models import ActivityDefinition

    activity = ActivityDefinition.objects.get(name="Dips")
    assert activity.root_id == fractal.pk
    assert activity.metrics.get().root_id == fractal.pk
