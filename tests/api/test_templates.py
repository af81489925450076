import pytest

from sessions.models import SessionTemplate, TemplateSection
from tests.api.conftest import url
from tests.factories import ActivityDefinitionFactory, SessionTemplateFactory

pytestmark = pytest.mark.django_db


def test_create_a_template_with_sections_and_ordered_activities(api, fractal, activity, plain_activity):
    response = api.post(
        url(fractal, "templates/"),
        {
            "name": "Lever day",
            "sections": [
                {"name": "Warm-up", "planned_minutes": 10, "activities": [str(plain_activity.pk)]},
                {"name": "Main", "planned_minutes": 30, "activities": [str(activity.pk), str(plain_activity.pk)]},
            ],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert [s["name"] for s in body["sections"]] == ["Warm-up", "Main"]
    assert body["sections"][1]["activities"] == [str(activity.pk), str(plain_activity.pk)]
    assert SessionTemplate.objects.get(pk=body["id"]).planned_minutes == 40


def test_an_activity_of_another_fractal_is_a_400(api, fractal, stranger_fractal):
    foreign = ActivityDefinitionFactory(root=stranger_fractal)
    response = api.post(
        url(fractal, "templates/"),
        {"name": "Sneaky", "sections": [{"name": "A", "activities": [str(foreign.pk)]}]},
        format="json",
    )
    assert response.status_code == 400
    assert not SessionTemplate.all_objects.filter(name="Sneaky").exists()


def test_a_duplicate_template_name_is_a_400(api, fractal):
    SessionTemplateFactory(root=fractal, name="Lever day")
    response = api.post(url(fractal, "templates/"), {"name": "lever day", "sections": []}, format="json")
    assert response.status_code == 400
    assert SessionTemplate.objects.count() == 1


def test_update_replaces_the_sections(api, fractal, activity):
    created = api.post(
        url(fractal, "templates/"), {"name": "T", "sections": [{"name": "Old", "activities": []}]}, format="json"
    ).json()
    response = api.patch(
        url(fractal, f"templates/{created['id']}/"),
        {"sections": [{"name": "New", "activities": [str(activity.pk)]}]},
        format="json",
    )
    assert response.status_code == 200
    assert [s["name"] for s in response.json()["sections"]] == ["New"]
    assert TemplateSection.objects.filter(template_id=created["id"]).count() == 1


def test_save_a_session_as_a_template(api, fractal, session, instance):
    response = api.post(url(fractal, "templates/from-session/"), {"session": str(session.pk), "name": "Copy"})
    assert response.status_code == 201
    assert response.json()["sections"][0]["activities"] == [str(instance.activity_id)]


def test_delete_and_restore_a_template(api, fractal):
    template = SessionTemplateFactory(root=fractal)
    assert api.delete(url(fractal, f"templates/{template.pk}/")).status_code == 204
    assert api.get(url(fractal, "templates/?deleted=true")).json()["count"] == 1
    assert api.post(url(fractal, f"templates/{template.pk}/restore/")).status_code == 200
