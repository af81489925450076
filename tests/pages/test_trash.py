import pytest
from django.urls import reverse

from activities.models import ActivityDefinition, ActivityGroup
from goals.models import Goal
from sessions.models import PracticeSession, Program, SessionTemplate
from tests.factories import (
    ActivityDefinitionFactory,
    ActivityGroupFactory,
    GoalFactory,
    PracticeSessionFactory,
    ProgramFactory,
    SessionTemplateFactory,
)

pytestmark = pytest.mark.django_db


def trash_url(fractal):
    return reverse("trash", kwargs={"root_id": fractal.pk})


def restore_url(fractal, kind, obj):
    return reverse("trash-restore", kwargs={"root_id": fractal.pk, "kind": kind, "object_id": obj.pk})


def listed(response):
    return {section["kind"]: [item.pk for item in section["items"]] for section in response.context["sections"]}


def test_the_owner_sees_every_kind_of_deleted_item(owner_client, fractal, short_term_goal):
    items = {
        "session": PracticeSessionFactory(root=fractal),
        "activity": ActivityDefinitionFactory(root=fractal),
        "group": ActivityGroupFactory(root=fractal),
        "template": SessionTemplateFactory(root=fractal),
        "program": ProgramFactory(root=fractal),
    }
    alive = PracticeSessionFactory(root=fractal)
    for item in items.values():
        item.delete()
    response = owner_client.get(trash_url(fractal))
    assert response.status_code == 200
    found = listed(response)
    for kind, item in items.items():
        assert found[kind] == [item.pk]
    assert alive.pk not in found["session"]


def test_only_the_top_of_a_deleted_subtree_is_listed(owner_client, fractal, short_term_goal):
    mid = short_term_goal.parent
    lone = GoalFactory(parent=fractal, name="Running")
    mid.delete()
    lone.delete()
    assert set(listed(owner_client.get(trash_url(fractal)))["goal"]) == {mid.pk, lone.pk}


def test_a_goal_deleted_before_its_parent_is_listed_on_its_own(owner_client, fractal, short_term_goal):
    mid = short_term_goal.parent
    short_term_goal.delete()
    mid.delete()
    assert set(listed(owner_client.get(trash_url(fractal)))["goal"]) == {mid.pk, short_term_goal.pk}


def test_strangers_get_not_found(stranger_client, fractal):
    assert stranger_client.get(trash_url(fractal)).status_code == 404


def test_anonymous_visitors_are_redirected_to_sign_in(anonymous_client, fractal):
    response = anonymous_client.get(trash_url(fractal))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_trash_shows_items_of_this_fractal_only(owner_client, owner, fractal, stranger_fractal):
    PracticeSessionFactory(root=stranger_fractal).delete()
    assert listed(owner_client.get(trash_url(fractal)))["session"] == []


@pytest.mark.parametrize(
    ("kind", "factory", "model"),
    [
        ("session", PracticeSessionFactory, PracticeSession),
        ("activity", ActivityDefinitionFactory, ActivityDefinition),
        ("group", ActivityGroupFactory, ActivityGroup),
        ("template", SessionTemplateFactory, SessionTemplate),
        ("program", ProgramFactory, Program),
    ],
)
def test_restoring_brings_an_item_back(owner_client, fractal, kind, factory, model):
    item = factory(root=fractal)
    item.delete()
    response = owner_client.post(restore_url(fractal, kind, item), follow=True)
    assert response.status_code == 200
    assert model.objects.filter(pk=item.pk).exists()
    assert "Restored" in response.content.decode()


def test_restoring_a_goal_brings_back_its_subtree(owner_client, fractal, short_term_goal):
    mid = short_term_goal.parent
    mid.delete()
    owner_client.post(restore_url(fractal, "goal", mid))
    assert Goal.objects.filter(pk__in=[mid.pk, short_term_goal.pk]).count() == 2


def test_restoring_a_goal_whose_parent_is_deleted_is_refused_with_the_reason(owner_client, fractal, short_term_goal):
    mid = short_term_goal.parent
    short_term_goal.delete()
    mid.delete()
    response = owner_client.post(restore_url(fractal, "goal", short_term_goal), follow=True)
    assert "restore the parent first" in response.content.decode()
    assert not Goal.objects.filter(pk=short_term_goal.pk).exists()


def test_restoring_an_activity_whose_name_is_taken_is_refused(owner_client, fractal):
    old = ActivityDefinitionFactory(root=fractal, name="Pull-up")
    old.delete()
    ActivityDefinitionFactory(root=fractal, name="pull-up")
    response = owner_client.post(restore_url(fractal, "activity", old), follow=True)
    assert "already has an activity with this name" in response.content.decode()
    assert not ActivityDefinition.objects.filter(pk=old.pk).exists()


def test_strangers_cannot_restore(stranger_client, fractal):
    session = PracticeSessionFactory(root=fractal)
    session.delete()
    assert stranger_client.post(restore_url(fractal, "session", session)).status_code == 404
    assert not PracticeSession.objects.filter(pk=session.pk).exists()


def test_an_item_of_another_fractal_cannot_be_restored_through_mine(owner_client, fractal, stranger_fractal):
    session = PracticeSessionFactory(root=stranger_fractal)
    session.delete()
    assert owner_client.post(restore_url(fractal, "session", session)).status_code == 404
    assert not PracticeSession.objects.filter(pk=session.pk).exists()


def test_an_unknown_kind_or_a_live_item_is_not_found(owner_client, fractal):
    session = PracticeSessionFactory(root=fractal)
    assert owner_client.post(restore_url(fractal, "spaceship", session)).status_code == 404
    assert owner_client.post(restore_url(fractal, "session", session)).status_code == 404


def test_restoring_needs_post(owner_client, fractal):
    session = PracticeSessionFactory(root=fractal)
    session.delete()
    assert owner_client.get(restore_url(fractal, "session", session)).status_code == 405
    assert not PracticeSession.objects.filter(pk=session.pk).exists()


def test_the_trash_runs_the_same_number_of_queries_for_few_and_many_items(
    owner_client, fractal, count_queries, django_assert_num_queries
):
    def fill(count):
        for _ in range(count):
            GoalFactory(parent=GoalFactory(parent=fractal)).parent.delete()
            PracticeSessionFactory(root=fractal).delete()

    fill(1)
    small = count_queries(lambda: owner_client.get(trash_url(fractal)))
    fill(8)
    with django_assert_num_queries(small):
        owner_client.get(trash_url(fractal))
