"""Session template pages: list, editor, duplicate, delete, and sessions ↔ templates."""

import pytest
from django.urls import reverse

from sessions.models import ActivityInstance, PracticeSession, SessionSection, SessionTemplate
from tests.factories import (
    ActivityDefinitionFactory,
    ActivityInstanceFactory,
    FractalFactory,
    GoalFactory,
    PracticeSessionFactory,
    SessionSectionFactory,
    SessionTemplateFactory,
)


@pytest.fixture
def library(fractal):
    return [ActivityDefinitionFactory(root=fractal, name=name) for name in ("Pull-ups", "Dips", "Plank")]


@pytest.fixture
def template(fractal, library):
    pull_ups, dips, plank = library
    return SessionTemplate.create(fractal, "Strength A", [("Warm-up", 10, [plank]), ("Main", 40, [pull_ups, dips])])


def url(name, fractal, **kwargs):
    return reverse(name, kwargs={"root_id": fractal.pk, **kwargs})


def editor_data(name, sections, total=None, initial=0):
    data = {
        "name": name,
        "description": "",
        "sections-TOTAL_FORMS": str(total if total is not None else len(sections)),
        "sections-INITIAL_FORMS": str(initial),
        "sections-MIN_NUM_FORMS": "0",
        "sections-MAX_NUM_FORMS": "1000",
    }
    for index, (section_name, minutes, activities) in enumerate(sections):
        data[f"sections-{index}-name"] = section_name
        data[f"sections-{index}-planned_minutes"] = "" if minutes is None else str(minutes)
        data[f"sections-{index}-activities"] = ",".join(str(activity.pk) for activity in activities)
        data[f"sections-{index}-ORDER"] = str(index + 1)
    return data


def plan_names(template):
    return [(name, minutes, [a.name for a in activities]) for name, minutes, activities in template.section_plan()]


# --- list ----------------------------------------------------------------------------------


def test_list_shows_sections_activities_and_planned_minutes(owner_client, fractal, template):
    response = owner_client.get(url("template-list", fractal))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Strength A" in html
    assert "50 min planned" in html
    assert html.index("Warm-up") < html.index("Main")
    assert html.index("Pull-ups") < html.index("Dips")


def test_list_leaves_out_deleted_templates_and_other_fractals(owner_client, fractal, template, stranger_fractal):
    SessionTemplateFactory(root=stranger_fractal, name="Not yours")
    SessionTemplateFactory(root=fractal, name="Trashed").delete()
    html = owner_client.get(url("template-list", fractal)).content.decode()
    assert "Not yours" not in html
    assert "Trashed" not in html


def test_list_runs_the_same_number_of_queries_for_3_and_30_templates(
    owner_client, fractal, library, django_assert_max_num_queries, django_assert_num_queries
):
    def add(count):
        for index in range(count):
            SessionTemplate.create(fractal, f"T{SessionTemplate.objects.count()}-{index}", [("A", 5, library)])

    add(3)
    owner_client.get(url("template-list", fractal))  # warm the session
    with django_assert_max_num_queries(50) as small:
        owner_client.get(url("template-list", fractal))
    add(27)
    with django_assert_num_queries(len(small.captured_queries)):
        owner_client.get(url("template-list", fractal))


# --- create and edit -----------------------------------------------------------------------


def test_create_saves_sections_and_activities_in_the_chosen_order(owner_client, fractal, library):
    pull_ups, dips, plank = library
    data = editor_data("Push day", [("Warm-up", 5, [plank]), ("Main", 30, [dips, pull_ups])])
    data["sections-0-ORDER"], data["sections-1-ORDER"] = "2", "1"  # main first
    response = owner_client.post(url("template-create", fractal), data)
    assert response.status_code == 302
    template = SessionTemplate.objects.get(root=fractal, name="Push day")
    assert plan_names(template) == [("Main", 30, ["Dips", "Pull-ups"]), ("Warm-up", 5, ["Plank"])]


def test_a_section_can_set_its_own_rest_between_sets(owner_client, fractal, library):
    data = editor_data("Rest day", [("Main", 30, library[:1])])
    data["sections-0-rest_seconds"] = "75"
    assert owner_client.post(url("template-create", fractal), data).status_code == 302
    template = SessionTemplate.objects.get(root=fractal, name="Rest day")
    assert list(template.sections.values_list("rest_seconds", flat=True)) == [75]
    data["sections-0-rest_seconds"] = "-1"
    data["name"] = "Other"
    assert owner_client.post(url("template-create", fractal), data).status_code == 400
    assert not SessionTemplate.objects.filter(name="Other").exists()


def test_create_ignores_the_blank_extra_section(owner_client, fractal, library):
    data = editor_data("Short", [("Only", 10, library[:1])], total=2)
    data["sections-1-ORDER"] = "2"  # the editor script numbers every section, blank ones too
    response = owner_client.post(url("template-create", fractal), data)
    assert response.status_code == 302
    assert plan_names(SessionTemplate.objects.get(name="Short")) == [("Only", 10, ["Pull-ups"])]


def test_create_refuses_an_activity_of_another_fractal(owner_client, fractal, stranger_fractal):
    foreign = ActivityDefinitionFactory(root=stranger_fractal, name="Foreign")
    response = owner_client.post(url("template-create", fractal), editor_data("Bad", [("Main", 10, [foreign])]))
    assert response.status_code == 400
    assert "Choose activities of this fractal" in response.content.decode()
    assert not SessionTemplate.all_objects.filter(name="Bad").exists()


def test_create_refuses_a_duplicate_name(owner_client, fractal, template, library):
    response = owner_client.post(url("template-create", fractal), editor_data("strength a", [("Main", 10, library)]))
    assert response.status_code == 400
    assert "already has a template with this name" in response.content.decode()
    assert SessionTemplate.objects.filter(root=fractal).count() == 1


def test_create_needs_at_least_one_section(owner_client, fractal):
    response = owner_client.post(url("template-create", fractal), editor_data("Empty", [], total=1))
    assert response.status_code == 400
    assert "at least one section" in response.content.decode()
    assert not SessionTemplate.objects.filter(name="Empty").exists()


def test_edit_form_shows_the_current_plan(owner_client, fractal, template):
    response = owner_client.get(url("template-edit", fractal, template_id=template.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="Strength A"' in html
    assert 'value="Warm-up"' in html


def test_edit_replaces_sections_and_reorders_activities(owner_client, fractal, template, library):
    pull_ups, dips, plank = library
    data = editor_data("Strength B", [("Main", 45, [dips, pull_ups, plank])], initial=2, total=2)
    data["sections-1-name"] = "Warm-up"
    data["sections-1-DELETE"] = "on"
    response = owner_client.post(url("template-edit", fractal, template_id=template.pk), data)
    assert response.status_code == 302
    template.refresh_from_db()
    assert template.name == "Strength B"
    assert plan_names(template) == [("Main", 45, ["Dips", "Pull-ups", "Plank"])]


def test_failed_edit_changes_nothing(owner_client, fractal, template, library):
    SessionTemplateFactory(root=fractal, name="Taken")
    data = editor_data("Taken", [("Other", 1, library[:1])])
    response = owner_client.post(url("template-edit", fractal, template_id=template.pk), data)
    assert response.status_code == 400
    template.refresh_from_db()
    assert template.name == "Strength A"
    assert plan_names(template) == [("Warm-up", 10, ["Plank"]), ("Main", 40, ["Pull-ups", "Dips"])]


# --- duplicate and delete ------------------------------------------------------------------


def test_duplicate_copies_the_plan_under_a_free_name(owner_client, fractal, template):
    for _ in range(2):
        assert owner_client.post(url("template-duplicate", fractal, template_id=template.pk)).status_code == 302
    names = sorted(SessionTemplate.objects.filter(root=fractal).values_list("name", flat=True))
    assert names == ["Strength A", "Strength A (copy)", "Strength A (copy) (2)"]
    copy = SessionTemplate.objects.get(name="Strength A (copy)")
    assert plan_names(copy) == plan_names(template)


def test_delete_moves_the_template_to_the_trash(owner_client, fractal, template):
    response = owner_client.post(url("template-delete", fractal, template_id=template.pk))
    assert response.status_code == 302
    template.refresh_from_db()
    assert template.deleted_at is not None


def test_duplicate_and_delete_refuse_get(owner_client, fractal, template):
    assert owner_client.get(url("template-duplicate", fractal, template_id=template.pk)).status_code == 405
    assert owner_client.get(url("template-delete", fractal, template_id=template.pk)).status_code == 405


# --- sessions from templates and back ------------------------------------------------------


def test_new_session_from_template_creates_sections_and_instances(owner_client, fractal, template, short_term_goal):
    response = owner_client.post(
        url("session-from-template", fractal, template_id=template.pk), {"goals": [short_term_goal.pk], "name": ""}
    )
    assert response.status_code == 302
    session = PracticeSession.objects.get(root=fractal)
    assert session.name == "Strength A"
    assert session.template_id == template.pk
    assert list(session.goals.all()) == [short_term_goal]
    sections = list(SessionSection.objects.filter(session=session).order_by("sort_order"))
    assert [(s.name, s.planned_minutes) for s in sections] == [("Warm-up", 10), ("Main", 40)]
    main = ActivityInstance.objects.filter(section=sections[1]).order_by("sort_order")
    assert [instance.activity.name for instance in main] == ["Pull-ups", "Dips"]


def test_new_session_needs_a_goal_and_creates_nothing_without_one(owner_client, fractal, template):
    response = owner_client.post(url("session-from-template", fractal, template_id=template.pk), {"goals": []})
    assert response.status_code == 400
    assert not PracticeSession.all_objects.filter(root=fractal).exists()


def test_new_session_refuses_a_goal_of_another_fractal(owner_client, fractal, template, stranger_fractal):
    foreign = GoalFactory(parent=GoalFactory(parent=GoalFactory(parent=stranger_fractal)))
    page = url("session-from-template", fractal, template_id=template.pk)
    response = owner_client.post(page, {"goals": [foreign.pk]})
    assert response.status_code == 400
    assert not PracticeSession.all_objects.exists()


def test_session_to_template_to_session_keeps_sections_and_activities_in_order(
    owner_client, fractal, library, short_term_goal
):
    pull_ups, dips, plank = library
    session = PracticeSessionFactory(root=fractal, name="Tuesday", goals=[short_term_goal])
    warm_up = SessionSectionFactory(session=session, name="Warm-up", planned_minutes=10, sort_order=0)
    main = SessionSectionFactory(session=session, name="Main", planned_minutes=35, sort_order=1)
    ActivityInstanceFactory(session=session, section=warm_up, activity=plank, sort_order=0)
    ActivityInstanceFactory(session=session, section=main, activity=dips, sort_order=0)
    ActivityInstanceFactory(session=session, section=main, activity=pull_ups, sort_order=1)

    response = owner_client.post(url("template-from-session", fractal), {"session": session.pk, "name": "From Tue"})
    assert response.status_code == 302
    template = SessionTemplate.objects.get(root=fractal, name="From Tue")
    assert response["Location"] == url("template-edit", fractal, template_id=template.pk)

    owner_client.post(url("session-from-template", fractal, template_id=template.pk), {"goals": [short_term_goal.pk]})
    copy = PracticeSession.objects.get(template=template)

    def layout(practice):
        sections = SessionSection.objects.filter(session=practice).order_by("sort_order")
        return [
            (
                section.name,
                section.planned_minutes,
                [i.activity.name for i in ActivityInstance.objects.filter(section=section).order_by("sort_order")],
            )
            for section in sections
        ]

    assert layout(copy) == layout(session) == [("Warm-up", 10, ["Plank"]), ("Main", 35, ["Dips", "Pull-ups"])]


def test_save_as_template_without_a_name_uses_a_free_session_name(owner_client, fractal, library):
    session = PracticeSessionFactory(root=fractal, name="Strength A")
    SessionTemplate.create(fractal, "Strength A", [("Main", None, library)])
    owner_client.post(url("template-from-session", fractal), {"session": session.pk})
    assert SessionTemplate.objects.filter(root=fractal, name="Strength A (2)").exists()


def test_save_as_template_refuses_a_session_of_another_fractal(owner_client, fractal, stranger_fractal):
    foreign = PracticeSessionFactory(root=stranger_fractal)
    response = owner_client.post(url("template-from-session", fractal), {"session": foreign.pk})
    assert response.status_code == 400
    assert not SessionTemplate.all_objects.exists()


# --- ownership -----------------------------------------------------------------------------

PAGES = ["template-list", "template-create", "template-from-session"]
TEMPLATE_PAGES = ["template-edit", "session-from-template"]
TEMPLATE_POSTS = ["template-duplicate", "template-delete", "template-edit", "session-from-template"]


@pytest.mark.parametrize("name", PAGES)
def test_fractal_pages_are_the_owners_only(name, owner_client, stranger_client, anonymous_client, fractal):
    assert owner_client.get(url(name, fractal)).status_code == 200
    assert stranger_client.get(url(name, fractal)).status_code == 404
    response = anonymous_client.get(url(name, fractal))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", TEMPLATE_PAGES)
def test_template_pages_are_the_owners_only(name, owner_client, stranger_client, anonymous_client, fractal, template):
    page = url(name, fractal, template_id=template.pk)
    assert owner_client.get(page).status_code == 200
    assert stranger_client.get(page).status_code == 404
    assert anonymous_client.get(page).status_code == 302


@pytest.mark.parametrize("name", TEMPLATE_POSTS)
def test_strangers_cannot_post_to_a_template(name, stranger_client, anonymous_client, fractal, template):
    page = url(name, fractal, template_id=template.pk)
    assert stranger_client.post(page, {"name": "Hijacked"}).status_code == 404
    assert anonymous_client.post(page, {"name": "Hijacked"}).status_code == 302
    template.refresh_from_db()
    assert (template.name, template.deleted_at) == ("Strength A", None)
    assert SessionTemplate.all_objects.count() == 1


def test_strangers_cannot_save_the_owners_session_as_a_template(stranger_client, anonymous_client, fractal):
    session = PracticeSessionFactory(root=fractal)
    assert stranger_client.post(url("template-from-session", fractal), {"session": session.pk}).status_code == 404
    assert anonymous_client.post(url("template-from-session", fractal), {"session": session.pk}).status_code == 302
    assert not SessionTemplate.all_objects.exists()


def test_a_template_of_another_fractal_is_not_found_through_mine(owner_client, fractal):
    other = FractalFactory(owner=fractal.owner)
    foreign = SessionTemplateFactory(root=other)
    assert owner_client.get(url("template-edit", fractal, template_id=foreign.pk)).status_code == 404
    assert owner_client.post(url("template-delete", fractal, template_id=foreign.pk)).status_code == 404
    foreign.refresh_from_db()
    assert foreign.deleted_at is None
