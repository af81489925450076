from django.urls import reverse

from sessions.models import ActivityInstance, PracticeSession, SessionSection
from tests.factories import GoalFactory, SessionTemplateFactory, TemplateActivityFactory, TemplateSectionFactory


def create_url(fractal):
    return reverse("session-create", kwargs={"root_id": fractal.pk})


def session_post(goals, name="Morning practice", sections=(), template=""):
    data = {
        "name": name,
        "goals": [str(goal.pk) for goal in goals],
        "template": str(template.pk) if template else "",
        "sections-TOTAL_FORMS": "3",
        "sections-INITIAL_FORMS": "0",
    }
    for index, (section_name, minutes) in enumerate(sections):
        data[f"sections-{index}-name"] = section_name
        data[f"sections-{index}-planned_minutes"] = "" if minutes is None else str(minutes)
    return data


def test_the_new_session_page_is_for_the_owner_only(owner_client, stranger_client, anonymous_client, fractal):
    assert owner_client.get(create_url(fractal)).status_code == 200
    assert stranger_client.get(create_url(fractal)).status_code == 404
    response = anonymous_client.get(create_url(fractal))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_stranger_cannot_create_a_session_in_someone_elses_fractal(stranger_client, fractal, short_term_goal):
    response = stranger_client.post(create_url(fractal), session_post([short_term_goal]))
    assert response.status_code == 404
    assert not PracticeSession.objects.exists()


def test_the_page_offers_only_short_term_and_immediate_goals(owner_client, fractal, short_term_goal):
    immediate = GoalFactory(parent=short_term_goal, name="Tuck lever 10 s")
    page = owner_client.get(create_url(fractal)).content.decode()
    assert "Front lever" in page
    assert "Tuck lever 10 s" in page
    assert f'value="{immediate.pk}"' in page
    assert f'value="{short_term_goal.parent_id}"' not in page


def test_creating_a_session_with_goals_and_sections(owner_client, fractal, short_term_goal):
    immediate = GoalFactory(parent=short_term_goal)
    response = owner_client.post(
        create_url(fractal),
        session_post([short_term_goal, immediate], sections=[("Warm-up", 10), ("Skill work", 30)]),
    )
    session = PracticeSession.objects.get(root=fractal)
    assert response.status_code == 302
    assert response["Location"] == reverse("session-detail", kwargs={"root_id": fractal.pk, "session_id": session.pk})
    assert session.name == "Morning practice"
    assert set(session.goals.all()) == {short_term_goal, immediate}
    sections = list(SessionSection.objects.filter(session=session).order_by("sort_order"))
    assert [(s.name, s.planned_minutes) for s in sections] == [("Warm-up", 10), ("Skill work", 30)]
    assert session.planned_minutes == 40


def test_a_session_needs_at_least_one_goal(owner_client, fractal, short_term_goal):
    response = owner_client.post(create_url(fractal), session_post([]))
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    assert not PracticeSession.all_objects.exists()


def test_a_goal_of_another_fractal_is_refused(owner_client, fractal, short_term_goal, stranger_fractal):
    foreign = GoalFactory(parent=GoalFactory(parent=GoalFactory(parent=stranger_fractal)))
    response = owner_client.post(create_url(fractal), session_post([short_term_goal, foreign]))
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not PracticeSession.all_objects.exists()


def test_a_goal_above_the_short_term_level_is_refused(owner_client, fractal, short_term_goal):
    response = owner_client.post(create_url(fractal), session_post([short_term_goal.parent]))
    assert response.status_code == 400
    assert not PracticeSession.all_objects.exists()


def test_a_session_from_scratch_needs_a_name(owner_client, fractal, short_term_goal):
    response = owner_client.post(create_url(fractal), session_post([short_term_goal], name=""))
    assert response.status_code == 400
    assert "Give the session a name" in response.content.decode()
    assert not PracticeSession.all_objects.exists()


def test_a_section_with_minutes_but_no_name_is_refused(owner_client, fractal, short_term_goal):
    response = owner_client.post(create_url(fractal), session_post([short_term_goal], sections=[("", 10)]))
    assert response.status_code == 400
    assert "Name the section" in response.content.decode()
    assert not PracticeSession.all_objects.exists()


def test_starting_from_a_template_copies_its_sections_and_activities(owner_client, fractal, short_term_goal):
    template = SessionTemplateFactory(root=fractal, name="Pull day")
    section = TemplateSectionFactory(template=template, name="Main", planned_minutes=45)
    entry = TemplateActivityFactory(section=section)
    response = owner_client.post(create_url(fractal), session_post([short_term_goal], name="", template=template))
    assert response.status_code == 302
    session = PracticeSession.objects.get(root=fractal)
    assert session.name == "Pull day"
    assert session.template == template
    assert list(SessionSection.objects.filter(session=session).values_list("name", flat=True)) == ["Main"]
    assert list(ActivityInstance.objects.filter(session=session).values_list("activity_id", flat=True)) == [
        entry.activity_id
    ]


def test_a_template_of_another_fractal_is_refused(owner_client, fractal, short_term_goal, stranger_fractal):
    foreign = SessionTemplateFactory(root=stranger_fractal)
    response = owner_client.post(create_url(fractal), session_post([short_term_goal], template=foreign))
    assert response.status_code == 400
    assert not PracticeSession.all_objects.exists()


def test_the_goal_in_the_query_string_is_preselected(owner_client, fractal, short_term_goal):
    page = owner_client.get(create_url(fractal), {"goal": short_term_goal.pk}).content.decode()
    assert f'value="{short_term_goal.pk}" id="id_goals_0" checked' in page
