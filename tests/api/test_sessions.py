import pytest
from django.utils import timezone

from sessions.models import ActivityInstance, Note, PracticeSession, SessionSection
from tests.api.conftest import url
from tests.factories import (
    ActivityDefinitionFactory,
    ActivityInstanceFactory,
    GoalFactory,
    MetricDefinitionFactory,
    MetricValueFactory,
    PracticeSessionFactory,
    SessionTemplateFactory,
    TemplateActivityFactory,
    TemplateSectionFactory,
)

pytestmark = pytest.mark.django_db


def test_create_a_session_with_goals_and_sections(api, fractal, short_term_goal, immediate_goal):
    response = api.post(
        url(fractal, "sessions/"),
        {
            "name": "Evening",
            "goals": [str(short_term_goal.pk), str(immediate_goal.pk)],
            "new_sections": [{"name": "Warm-up", "planned_minutes": 10}, {"name": "Main"}],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert set(body["goals"]) == {str(short_term_goal.pk), str(immediate_goal.pk)}
    assert [s["name"] for s in body["sections"]] == ["Warm-up", "Main"]
    assert PracticeSession.objects.get(pk=body["id"]).root_id == fractal.pk


def test_a_session_needs_a_goal(api, fractal):
    response = api.post(url(fractal, "sessions/"), {"name": "Lonely", "goals": []}, format="json")
    assert response.status_code == 400
    assert "goals" in response.json()
    assert not PracticeSession.objects.exists()


def test_a_goal_of_the_wrong_level_is_a_400(api, fractal, short_term_goal):
    response = api.post(
        url(fractal, "sessions/"), {"name": "Bad", "goals": [str(short_term_goal.parent_id)]}, format="json"
    )
    assert response.status_code == 400
    assert "goals" in response.json()
    assert not PracticeSession.objects.exists()


def test_a_goal_of_another_fractal_is_a_400(api, fractal, stranger_fractal):
    foreign = GoalFactory(parent=GoalFactory(parent=GoalFactory(parent=stranger_fractal)))
    response = api.post(url(fractal, "sessions/"), {"name": "Bad", "goals": [str(foreign.pk)]}, format="json")
    assert response.status_code == 400
    assert not PracticeSession.objects.exists()


def test_an_end_before_the_start_is_a_400(api, fractal, session):
    response = api.patch(
        url(fractal, f"sessions/{session.pk}/"),
        {"started_at": "2026-01-02T10:00:00Z", "ended_at": "2026-01-02T09:00:00Z"},
        format="json",
    )
    assert response.status_code == 400
    assert "ended_at" in response.json()
    session.refresh_from_db()
    assert session.started_at is None


def test_malformed_dates_are_a_400(api, fractal, session):
    assert api.patch(url(fractal, f"sessions/{session.pk}/"), {"started_at": "soon"}).status_code == 400
    assert api.get(url(fractal, "sessions/?started_after=2026-13-45")).status_code == 400


def test_update_the_linked_goals(api, fractal, session, immediate_goal):
    response = api.patch(url(fractal, f"sessions/{session.pk}/"), {"goals": [str(immediate_goal.pk)]}, format="json")
    assert response.status_code == 200
    assert list(session.goals.all()) == [immediate_goal]


def test_list_filters_by_goal_completed_activity_and_dates(api, fractal, session, short_term_goal, instance):
    PracticeSessionFactory(root=fractal, name="Other")
    session.complete()
    assert [r["id"] for r in api.get(url(fractal, "sessions/?completed=true")).json()["results"]] == [str(session.pk)]
    by_goal = api.get(url(fractal, f"sessions/?goal={short_term_goal.pk}")).json()["results"]
    assert [r["id"] for r in by_goal] == [str(session.pk)]
    by_activity = api.get(url(fractal, f"sessions/?activity={instance.activity_id}")).json()["results"]
    assert [r["id"] for r in by_activity] == [str(session.pk)]
    today = timezone.now().date()
    in_range = api.get(url(fractal, f"sessions/?created_after={today}&created_before={today}")).json()
    assert in_range["count"] == 2


def test_ordering_is_whitelisted(api, fractal, session):
    PracticeSessionFactory(root=fractal, name="Aaa")
    names = [r["name"] for r in api.get(url(fractal, "sessions/?ordering=name")).json()["results"]]
    assert names == ["Aaa", "Monday practice"]
    # An unknown field is ignored rather than reaching the database.
    assert api.get(url(fractal, "sessions/?ordering=root__owner__password")).status_code == 200


def test_detail_shows_sections_instances_and_values(api, fractal, session, instance):
    seconds = instance.activity.metrics.get(name="seconds")
    instance.record_values([{"metric": seconds, "set_number": 1, "value": 8}])
    body = api.get(url(fractal, f"sessions/{session.pk}/")).json()
    assert body["sections"][0]["name"] == "Warm-up"
    assert body["instances"][0]["activity_name"] == "Front lever hold"
    assert body["instances"][0]["values"][0]["value"] == 8


def test_start_then_complete_reports_targets_met_and_goals_completed(api, fractal, everything):
    session = everything["sessions"]
    instance = everything["instances"]
    seconds = instance.activity.metrics.get(name="seconds")
    instance.record_values([{"metric": seconds, "set_number": 1, "value": 12}])
    assert api.post(url(fractal, f"sessions/{session.pk}/start/")).json()["started_at"] is not None
    response = api.post(url(fractal, f"sessions/{session.pk}/complete/"))
    assert response.status_code == 200
    body = response.json()
    assert body["session"]["completed"] is True
    assert body["targets_met"] == [str(everything["targets"].pk)]
    assert body["goals_completed"] == [str(everything["targets"].goal_id)]


def test_starting_a_completed_session_is_a_400(api, fractal, session):
    session.complete()
    response = api.post(url(fractal, f"sessions/{session.pk}/start/"))
    assert response.status_code == 400
    assert api.post(url(fractal, f"sessions/{session.pk}/reopen/")).json()["completed"] is False


def test_create_a_session_from_a_template(api, fractal, short_term_goal, activity):
    template = SessionTemplateFactory(root=fractal, name="Lever day")
    TemplateActivityFactory(section=TemplateSectionFactory(template=template, name="Main"), activity=activity)
    response = api.post(
        url(fractal, "sessions/from-template/"),
        {"template": str(template.pk), "goals": [str(short_term_goal.pk)]},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["template"] == str(template.pk)
    assert [i["activity"] for i in body["instances"]] == [str(activity.pk)]


def test_from_template_with_a_template_of_another_fractal_is_a_400(api, fractal, short_term_goal, stranger_fractal):
    foreign = SessionTemplateFactory(root=stranger_fractal)
    response = api.post(
        url(fractal, "sessions/from-template/"),
        {"template": str(foreign.pk), "goals": [str(short_term_goal.pk)]},
        format="json",
    )
    assert response.status_code == 400
    assert "template" in response.json()
    assert not PracticeSession.objects.exists()


def test_delete_and_restore_a_session_with_its_instances(api, fractal, session, instance):
    assert api.delete(url(fractal, f"sessions/{session.pk}/")).status_code == 204
    assert not ActivityInstance.objects.filter(session=session).exists()
    assert api.post(url(fractal, f"sessions/{session.pk}/restore/")).status_code == 200
    assert ActivityInstance.objects.filter(session=session).count() == 1


def test_sections_crud(api, fractal, session):
    response = api.post(url(fractal, "sections/"), {"session": str(session.pk), "name": "Cool-down"}, format="json")
    assert response.status_code == 201
    section_id = response.json()["id"]
    assert api.patch(url(fractal, f"sections/{section_id}/"), {"planned_minutes": 5}).json()["planned_minutes"] == 5
    assert api.delete(url(fractal, f"sections/{section_id}/")).status_code == 204
    assert SessionSection.objects.filter(session=session).count() == 1


def _sessions(fractal, goal, count):
    activity = ActivityDefinitionFactory(root=fractal, has_sets=True)
    metric = MetricDefinitionFactory(activity=activity)
    for index in range(count):
        session = PracticeSession.create(fractal, [goal], f"S{index}", sections=[("A", 5), ("B", 5)])
        for set_number in (1, 2):
            instance = ActivityInstanceFactory(session=session, activity=activity)
            MetricValueFactory(instance=instance, metric=metric, set_number=set_number)
    return session


@pytest.mark.parametrize("count", [3, 30])
def test_session_list_query_count_does_not_grow(api, fractal, short_term_goal, count, django_assert_num_queries):
    _sessions(fractal, short_term_goal, count)
    for session in PracticeSession.objects.filter(root=fractal):
        Note(root_id=fractal.pk, session=session, body="Felt strong").save()
    # savepoint, fractal, count, page, goals, sections, notes, release
    with django_assert_num_queries(8):
        response = api.get(url(fractal, "sessions/"))
    assert response.json()["count"] == count
    assert all(row["notes"][0]["body"] == "Felt strong" for row in response.json()["results"])


@pytest.mark.parametrize("count", [3, 30])
def test_session_detail_query_count_does_not_grow(api, fractal, short_term_goal, count, django_assert_num_queries):
    session = _sessions(fractal, short_term_goal, 1)
    activity = ActivityDefinitionFactory(root=fractal, has_sets=True)
    metric = MetricDefinitionFactory(activity=activity)
    for _ in range(count):
        instance = ActivityInstanceFactory(session=session, activity=activity)
        for set_number in (1, 2, 3):
            MetricValueFactory(instance=instance, metric=metric, set_number=set_number)
        Note(root_id=fractal.pk, instance=instance, set_number=2, body="Grip *slipped*").save()
    # savepoint, fractal, session+template, goals, sections, session notes, instances+activity, values,
    # instance notes, pauses, release
    with django_assert_num_queries(11):
        response = api.get(url(fractal, f"sessions/{session.pk}/"))
    instances = response.json()["instances"]
    assert len(instances) == count + 2
    noted = [instance["notes"][0] for instance in instances if instance["notes"]]
    assert len(noted) == count and noted[0]["set_number"] == 2 and "<em>slipped</em>" in noted[0]["body_html"]
