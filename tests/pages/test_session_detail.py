import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from goals.models import Profile
from sessions.models import ActivityInstance, MetricValue, Note, PracticeSession
from tests.factories import (
    ActivityDefinitionFactory,
    ActivityInstanceFactory,
    GoalFactory,
    MetricDefinitionFactory,
    PracticeSessionFactory,
    SessionSectionFactory,
)
from tests.pages.session_data import queries_of, session_with_sets, set_activity, split_activity, target_on

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def activity(fractal):
    return set_activity(fractal)


@pytest.fixture
def session(fractal, short_term_goal):
    return PracticeSessionFactory(root=fractal, goals=[short_term_goal], name="Evening practice")


@pytest.fixture
def instance(session, activity):
    return ActivityInstanceFactory(session=session, activity=activity)


def detail_url(session):
    return reverse("session-detail", kwargs={"root_id": session.root_id, "session_id": session.pk})


def session_action(name, session):
    return reverse(name, kwargs={"root_id": session.root_id, "session_id": session.pk})


def instance_action(name, instance):
    return reverse(
        name, kwargs={"root_id": instance.root_id, "session_id": instance.session_id, "instance_id": instance.pk}
    )


def cell(metric, set_number, split=None):
    return f"v-{metric.pk}-{split.pk if split else 'x'}-{set_number}"


# --- access --------------------------------------------------------------------------------
def test_the_session_page_is_for_the_owner_only(owner_client, stranger_client, anonymous_client, session):
    assert owner_client.get(detail_url(session)).status_code == 200
    assert stranger_client.get(detail_url(session)).status_code == 404
    response = anonymous_client.get(detail_url(session))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_session_of_another_fractal_is_not_found_through_this_one(owner_client, fractal, owner):
    from tests.factories import FractalFactory

    elsewhere = PracticeSessionFactory(root=FractalFactory(owner=owner))
    url = reverse("session-detail", kwargs={"root_id": fractal.pk, "session_id": elsewhere.pk})
    assert owner_client.get(url).status_code == 404


def test_a_deleted_session_is_not_found(owner_client, session):
    session.delete()
    assert owner_client.get(detail_url(session)).status_code == 404


SESSION_ACTIONS = [
    "session-start",
    "session-delete",
    "session-complete",
    "session-reopen",
    "session-edit",
    "session-add-activity",
    "session-reorder",
]
INSTANCE_ACTIONS = [
    "instance-move",
    "instance-remove",
    "instance-timer",
    "instance-times",
    "instance-update",
    "instance-values",
]


@pytest.mark.parametrize("name", SESSION_ACTIONS)
def test_session_actions_are_for_the_owner_only(name, stranger_client, anonymous_client, session):
    assert stranger_client.post(session_action(name, session), {"name": "x"}).status_code == 404
    response = anonymous_client.post(session_action(name, session), {"name": "x"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    session.refresh_from_db()
    assert session.started_at is None and not session.completed and session.name == "Evening practice"
    assert session.deleted_at is None


@pytest.mark.parametrize("name", INSTANCE_ACTIONS)
def test_instance_actions_are_for_the_owner_only(name, stranger_client, anonymous_client, instance):
    data = {"action": "start", "offset": "1", "completed": "on"}
    assert stranger_client.post(instance_action(name, instance), data).status_code == 404
    assert anonymous_client.post(instance_action(name, instance), data).status_code == 302
    instance.refresh_from_db()
    assert instance.time_start is None and not instance.completed and instance.deleted_at is None


def test_an_instance_of_another_session_is_not_found_through_this_one(owner_client, instance, fractal):
    other = PracticeSessionFactory(root=fractal)
    url = reverse("instance-timer", kwargs={"root_id": fractal.pk, "session_id": other.pk, "instance_id": instance.pk})
    assert owner_client.post(url, {"action": "start"}).status_code == 404
    instance.refresh_from_db()
    assert instance.time_start is None


def test_actions_need_a_post(owner_client, instance):
    assert owner_client.get(instance_action("instance-timer", instance)).status_code == 405


# --- session lifecycle ---------------------------------------------------------------------
def test_starting_a_session(owner_client, session):
    response = owner_client.post(session_action("session-start", session), **HTMX)
    assert response.status_code == 200
    assert 'id="session-body"' in response.content.decode()
    assert "In progress" in response.content.decode()
    session.refresh_from_db()
    assert session.started_at is not None


def test_starting_without_javascript_redirects_back(owner_client, session):
    response = owner_client.post(session_action("session-start", session))
    assert response.status_code == 302
    assert response["Location"] == detail_url(session)


def test_completing_shows_the_targets_met_and_the_goals_completed(owner_client, fractal, short_term_goal, activity):
    target_on(short_term_goal, activity, Weight=20, Reps=5)
    session, _ = session_with_sets(fractal, short_term_goal, activity, sets=[(22.5, 5)], days_ago=0)
    response = owner_client.post(session_action("session-complete", session), **HTMX)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="completion-result"' in page
    assert "✔ Weighted pull-up goal" in page
    assert "★ Front lever" in page
    session.refresh_from_db()
    short_term_goal.refresh_from_db()
    assert session.completed and session.total_duration_seconds is not None
    assert short_term_goal.completed


def test_completing_without_javascript_tells_the_result_after_the_redirect(
    owner_client, fractal, short_term_goal, activity
):
    target_on(short_term_goal, activity, Weight=20)
    session, _ = session_with_sets(fractal, short_term_goal, activity, sets=[(30, 1)], days_ago=0)
    response = owner_client.post(session_action("session-complete", session), follow=True)
    page = response.content.decode()
    assert "Target met: Weighted pull-up goal" in page
    assert "Goal completed: Front lever" in page
    assert "Targets achieved in this session" in page


def test_completing_twice_is_refused(owner_client, session):
    session.complete()
    ended = PracticeSession.objects.get(pk=session.pk).ended_at
    response = owner_client.post(session_action("session-complete", session), **HTMX)
    assert response.status_code == 400
    assert "already complete" in response.content.decode()
    assert PracticeSession.objects.get(pk=session.pk).ended_at == ended


def test_reopening_a_completed_session(owner_client, session):
    session.complete()
    owner_client.post(session_action("session-reopen", session), **HTMX)
    session.refresh_from_db()
    assert not session.completed


def test_editing_the_name(owner_client, session):
    response = owner_client.post(session_action("session-edit", session), {"name": "Renamed"}, **HTMX)
    assert response.status_code == 200
    session.refresh_from_db()
    assert session.name == "Renamed"


def test_an_empty_name_is_refused(owner_client, session):
    response = owner_client.post(session_action("session-edit", session), {"name": ""}, **HTMX)
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    session.refresh_from_db()
    assert session.name == "Evening practice"


def test_moving_a_session_to_the_trash(owner_client, instance):
    session = instance.session
    response = owner_client.post(session_action("session-delete", session))
    assert response.status_code == 302
    assert response["Location"] == reverse("session-list", kwargs={"root_id": session.root_id})
    assert PracticeSession.all_objects.get(pk=session.pk).deleted_at is not None
    assert ActivityInstance.all_objects.get(pk=instance.pk).deleted_at is not None


# --- adding, removing and ordering activities ----------------------------------------------
def test_adding_an_activity_to_a_section(owner_client, session, activity):
    section = SessionSectionFactory(session=session, name="Strength")
    response = owner_client.post(
        session_action("session-add-activity", session), {"activity": activity.pk, "section": section.pk}, **HTMX
    )
    assert response.status_code == 200
    added = ActivityInstance.objects.get(session=session)
    assert (added.activity, added.section) == (activity, section)
    assert f'id="instance-{added.pk}"' in response.content.decode()


def test_an_activity_of_another_fractal_cannot_be_added(owner_client, session, stranger_fractal):
    foreign = set_activity(stranger_fractal, name="Foreign drill")
    response = owner_client.post(session_action("session-add-activity", session), {"activity": foreign.pk}, **HTMX)
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not ActivityInstance.all_objects.filter(session=session).exists()


def test_a_section_of_another_session_cannot_be_used(owner_client, session, activity, fractal):
    foreign_section = SessionSectionFactory(session=PracticeSessionFactory(root=fractal))
    response = owner_client.post(
        session_action("session-add-activity", session), {"activity": activity.pk, "section": foreign_section.pk}
    )
    assert response.status_code == 400
    assert not ActivityInstance.all_objects.filter(session=session).exists()


def test_the_library_search_narrows_the_activities_offered(owner_client, session, fractal):
    set_activity(fractal, name="Weighted dip")
    split_activity(fractal, name="Single-arm hang")
    page = owner_client.get(detail_url(session), {"q": "dip"}).content.decode()
    assert ">Weighted dip</option>" in page
    assert ">Single-arm hang</option>" not in page


def test_removing_an_instance_is_a_soft_delete(owner_client, instance):
    response = owner_client.post(instance_action("instance-remove", instance), **HTMX)
    assert response.status_code == 200
    assert f'id="instance-{instance.pk}"' not in response.content.decode()
    assert ActivityInstance.all_objects.get(pk=instance.pk).deleted_at is not None


def test_moving_an_instance_up_and_reordering_with_a_list(owner_client, session, fractal):
    first, second, third = (
        ActivityInstanceFactory(session=session, activity=set_activity(fractal, name=f"Drill {n}")) for n in range(3)
    )

    def order():
        live = ActivityInstance.objects.filter(session=session).order_by("sort_order")
        return list(live.values_list("pk", flat=True))

    assert owner_client.post(instance_action("instance-move", third), {"offset": "-1"}, **HTMX).status_code == 200
    assert order() == [first.pk, third.pk, second.pk]
    response = owner_client.post(session_action("session-reorder", session), {"ids": [second.pk, first.pk, third.pk]})
    assert response.status_code == 302
    assert order() == [second.pk, first.pk, third.pk]


def test_a_reorder_listing_a_foreign_instance_is_refused(owner_client, session, instance, fractal):
    foreign = ActivityInstanceFactory(session=PracticeSessionFactory(root=fractal))
    response = owner_client.post(session_action("session-reorder", session), {"ids": [foreign.pk, instance.pk]}, **HTMX)
    assert response.status_code == 400
    assert "every item of the list exactly once" in response.content.decode()


# --- timers --------------------------------------------------------------------------------
def test_starting_and_stopping_a_timer(owner_client, instance):
    response = owner_client.post(instance_action("instance-timer", instance), {"action": "start"}, **HTMX)
    assert response.status_code == 200
    page = response.content.decode()
    assert page.strip().startswith(f'<article id="instance-{instance.pk}"')
    assert "data-clock-start" in page and "Stop timer" in page
    instance.refresh_from_db()
    assert instance.is_running
    response = owner_client.post(instance_action("instance-timer", instance), {"action": "stop"}, **HTMX)
    assert response.status_code == 200
    instance.refresh_from_db()
    assert instance.time_stop is not None and instance.duration_seconds is not None
    assert "Duration" in response.content.decode()


def test_stopping_a_timer_that_never_started_is_refused(owner_client, instance):
    response = owner_client.post(instance_action("instance-timer", instance), {"action": "stop"}, **HTMX)
    assert response.status_code == 400
    assert "has not been started" in response.content.decode()
    instance.refresh_from_db()
    assert instance.time_start is None and instance.time_stop is None


def test_stop_without_start_without_javascript_shows_the_page_with_the_message(owner_client, instance):
    response = owner_client.post(instance_action("instance-timer", instance), {"action": "stop"})
    assert response.status_code == 400
    assert "has not been started" in response.content.decode()
    assert "<html" in response.content.decode()


def test_an_unknown_timer_action_is_refused(owner_client, instance):
    response = owner_client.post(instance_action("instance-timer", instance), {"action": "explode"}, **HTMX)
    assert response.status_code == 400
    instance.refresh_from_db()
    assert instance.time_start is None


def test_manual_times_are_read_in_the_users_time_zone(owner, owner_client, instance):
    profile = Profile.for_user(owner)
    profile.time_zone = "Europe/Berlin"
    profile.save()
    response = owner_client.post(
        instance_action("instance-times", instance),
        {"time_start": "2026-03-01T10:00:00", "time_stop": "2026-03-01T10:12:30"},
        **HTMX,
    )
    assert response.status_code == 200
    instance.refresh_from_db()
    assert instance.time_start == datetime.datetime(2026, 3, 1, 9, 0, tzinfo=datetime.UTC)
    assert instance.duration_seconds == 750
    assert 'value="2026-03-01T10:00:00"' in response.content.decode()


def test_manual_times_with_the_stop_before_the_start_are_refused(owner_client, instance):
    response = owner_client.post(
        instance_action("instance-times", instance),
        {"time_start": "2026-03-01T10:00:00", "time_stop": "2026-03-01T09:00:00"},
        **HTMX,
    )
    assert response.status_code == 400
    assert "cannot be before the start time" in response.content.decode()
    instance.refresh_from_db()
    assert instance.time_start is None and instance.time_stop is None


def test_a_manual_stop_without_a_start_is_refused(owner_client, instance):
    response = owner_client.post(
        instance_action("instance-times", instance), {"time_start": "", "time_stop": "2026-03-01T09:00:00"}, **HTMX
    )
    assert response.status_code == 400
    assert "Enter a start time as well" in response.content.decode()
    instance.refresh_from_db()
    assert instance.time_stop is None


def test_a_malformed_time_is_refused(owner_client, instance):
    response = owner_client.post(instance_action("instance-times", instance), {"time_start": "yesterday"}, **HTMX)
    assert response.status_code == 400
    assert "Enter a date and time as YYYY-MM-DDTHH:MM" in response.content.decode()


# --- completion of an instance (its notes: tests/pages/test_session_notes.py) ---------------
def test_saving_the_done_mark(owner_client, instance):
    response = owner_client.post(instance_action("instance-update", instance), {"completed": "on"}, **HTMX)
    assert response.status_code == 200
    instance.refresh_from_db()
    assert instance.completed


# --- values --------------------------------------------------------------------------------
def test_recording_two_sets(owner_client, instance, activity):
    weight, reps = activity.metrics.order_by("sort_order")
    data = {"set_count": "2", cell(weight, 1): "20", cell(reps, 1): "8", cell(weight, 2): "22.5", cell(reps, 2): "6"}
    response = owner_client.post(instance_action("instance-values", instance), data, **HTMX)
    assert response.status_code == 200
    stored = sorted(MetricValue.objects.filter(instance=instance).values_list("set_number", "metric__name", "value"))
    assert stored == [(1, "Reps", 8), (1, "Weight", 20), (2, "Reps", 6), (2, "Weight", 22.5)]
    assert 'value="22.5"' in response.content.decode()


def test_a_non_numeric_value_is_refused_and_nothing_is_saved(owner_client, instance, activity):
    weight, reps = activity.metrics.order_by("sort_order")
    data = {"set_count": "1", cell(weight, 1): "20", cell(reps, 1): "lots"}
    response = owner_client.post(instance_action("instance-values", instance), data, **HTMX)
    assert response.status_code == 400
    page = response.content.decode()
    assert "“lots” is not a number (Reps, set 1)" in page
    assert 'value="lots"' in page  # what was typed stays in the form
    assert not MetricValue.objects.filter(instance=instance).exists()


def test_an_infinite_value_is_refused(owner_client, instance, activity):
    weight = activity.metrics.order_by("sort_order").first()
    response = owner_client.post(
        instance_action("instance-values", instance), {"set_count": "1", cell(weight, 1): "inf"}, **HTMX
    )
    assert response.status_code == 400
    assert not MetricValue.objects.filter(instance=instance).exists()


def test_clearing_a_cell_removes_its_value(owner_client, fractal, short_term_goal, activity):
    _, instance = session_with_sets(fractal, short_term_goal, activity, sets=[(20, 5)])
    weight, reps = activity.metrics.order_by("sort_order")
    owner_client.post(instance_action("instance-values", instance), {cell(weight, 1): "20", cell(reps, 1): ""}, **HTMX)
    assert list(MetricValue.objects.filter(instance=instance).values_list("metric__name", flat=True)) == ["Weight"]


def test_add_set_saves_and_shows_one_more_row_holding_a_copy_of_the_previous_set(owner_client, instance, activity):
    weight, reps = activity.metrics.order_by("sort_order")
    response = owner_client.post(
        instance_action("instance-values", instance),
        {"set_count": "1", cell(weight, 1): "20", cell(reps, 1): "5", "add_set": "1"},
        **HTMX,
    )
    assert response.status_code == 200
    assert f'name="{cell(weight, 2)}" value="20"' in response.content.decode()
    stored = MetricValue.objects.filter(instance=instance).values_list("set_number", "metric__name", "value")
    assert sorted(stored) == [(1, "Reps", 5), (1, "Weight", 20), (2, "Reps", 5), (2, "Weight", 20)]


def test_a_split_activity_gets_one_table_per_split(owner_client, session, fractal):
    hang = split_activity(fractal)
    instance = ActivityInstanceFactory(session=session, activity=hang)
    seconds = hang.metrics.get()
    left, right = hang.splits.order_by("sort_order")
    page = owner_client.get(detail_url(session)).content.decode()
    assert "<caption>Left</caption>" in page and "<caption>Right</caption>" in page
    data = {"set_count": "1", cell(seconds, 1, left): "12", cell(seconds, 1, right): "9"}
    response = owner_client.post(instance_action("instance-values", instance), data, **HTMX)
    assert response.status_code == 200
    stored = dict(MetricValue.objects.filter(instance=instance).values_list("split__name", "value"))
    assert stored == {"Left": 12, "Right": 9}


def test_the_number_of_set_rows_is_capped(owner_client, instance, activity):
    weight = activity.metrics.order_by("sort_order").first()
    response = owner_client.post(
        instance_action("instance-values", instance), {"set_count": "100000", cell(weight, 1): "20"}, **HTMX
    )
    assert response.status_code == 200
    assert 'name="set_count" value="50"' in response.content.decode()


def test_a_past_session_still_shows_the_values_of_an_activity_deleted_from_the_library(
    owner_client, fractal, short_term_goal, activity
):
    session, _ = session_with_sets(fractal, short_term_goal, activity, sets=[(42, 7)])
    activity.delete()
    page = owner_client.get(detail_url(session)).content.decode()
    assert "(deleted from the library)" in page
    assert 'value="42"' in page and 'value="7"' in page


def test_an_activity_without_sets_records_one_value_per_metric(owner_client, session, fractal):
    plank = ActivityDefinitionFactory(root=fractal, name="Plank", has_sets=False)
    seconds = MetricDefinitionFactory(activity=plank, name="Seconds", unit="s")
    MetricDefinitionFactory(activity=plank, name="Retired", is_active=False)
    instance = ActivityInstanceFactory(session=session, activity=plank)
    page = owner_client.get(detail_url(session)).content.decode()
    assert f'name="v-{seconds.pk}-x-0"' in page
    assert "Retired" not in page  # inactive metrics take no new values
    response = owner_client.post(instance_action("instance-values", instance), {f"v-{seconds.pk}-x-0": "95"}, **HTMX)
    assert response.status_code == 200
    value = MetricValue.objects.get(instance=instance)
    assert (value.metric, value.set_number, value.value) == (seconds, None, 95)


def test_values_without_javascript_redirect_to_the_instance(owner_client, instance, activity):
    weight = activity.metrics.order_by("sort_order").first()
    response = owner_client.post(instance_action("instance-values", instance), {cell(weight, 1): "30"})
    assert response.status_code == 302
    assert response["Location"].endswith(f"#instance-{instance.pk}")


def test_previous_values_of_the_same_activity_are_shown(owner_client, fractal, short_term_goal, activity):
    session_with_sets(fractal, short_term_goal, activity, sets=[(15, 5)], days_ago=9, name="Long ago")
    session_with_sets(fractal, short_term_goal, activity, sets=[(17.5, 5), (20, 3)], days_ago=2, name="Last week")
    current, _ = session_with_sets(fractal, short_term_goal, activity, sets=(), days_ago=0)
    session_with_sets(fractal, short_term_goal, activity, sets=[(99, 1)], days_ago=-3, name="Future")
    page = owner_client.get(detail_url(current)).content.decode()
    assert "Last time, in" in page
    assert "Last week" in page
    assert "#1 17.5 kg × 5 reps; #2 20 kg × 3 reps" in page
    assert "Long ago" not in page and "Future" not in page


def test_the_page_runs_the_same_number_of_queries_for_small_and_large_sessions(
    owner_client, fractal, short_term_goal, django_assert_num_queries
):
    session = PracticeSessionFactory(root=fractal, goals=[short_term_goal], started_at=timezone.now())
    GoalFactory(parent=short_term_goal)

    def build(count):
        for index in range(count):
            section = SessionSectionFactory(session=session)
            activity = set_activity(fractal, name=f"Drill {section.pk}")
            hang = split_activity(fractal, name=f"Hang {section.pk}")
            _earlier, before = session_with_sets(fractal, short_term_goal, activity, sets=[(10, index + 1)], days_ago=3)
            instance = ActivityInstanceFactory(session=session, section=section, activity=activity)
            ActivityInstanceFactory(session=session, activity=hang)
            # Notes: cues from the earlier instance and the activity, the instance's own, the session's.
            for note in (
                Note(root_id=fractal.pk, instance=before, body="Cue: *squeeze glutes*"),
                Note(root_id=fractal.pk, activity=activity, body="Elbows in", pinned=True),
                Note(root_id=fractal.pk, instance=instance, set_number=2, body="Grip slipped"),
                Note(root_id=fractal.pk, session=session, body="Felt strong"),
            ):
                note.save()
            weight, reps = activity.metrics.order_by("sort_order")
            instance.record_values(
                [{"metric": weight, "set_number": n, "value": 20} for n in (1, 2, 3)]
                + [{"metric": reps, "set_number": n, "value": 5} for n in (1, 2, 3)]
            )

    build(2)
    small = queries_of(lambda: owner_client.get(detail_url(session)))
    build(12)
    with django_assert_num_queries(small):
        response = owner_client.get(detail_url(session))
    page = response.content.decode()
    assert page.count('<article id="instance-') == 28
    assert page.count('<li class="cue') == 28 and page.count("<em>squeeze glutes</em>") == 14
    assert page.count("<p>Grip slipped</p>") == 14 and page.count("<p>Felt strong</p>") == 14


def test_a_session_started_from_a_program_day_shows_the_day_and_its_notes(owner_client, fractal, short_term_goal):
    from sessions.practice import start_scheduled
    from tests.factories import ProgramBlockFactory, ProgramFactory, ScheduledSessionFactory

    program = ProgramFactory(root=fractal, name="Spring cycle")
    program.goals.set([short_term_goal])
    block = ProgramBlockFactory(program=program)
    scheduled = ScheduledSessionFactory(day__block=block, day__name="Heavy day")
    day = scheduled.day
    day.notes = "**Deload**: keep it easy <script>alert(1)</script>"
    day.save()
    session = start_scheduled(scheduled)
    page = owner_client.get(detail_url(session)).content.decode()
    program_url = reverse("program-detail", kwargs={"root_id": fractal.pk, "program_id": program.pk})
    assert f'planned in <a href="{program_url}">Spring cycle</a>, Heavy day of' in page
    assert "<strong>Deload</strong>: keep it easy" in page
    assert "<script>alert(1)</script>" not in page
    other = PracticeSessionFactory(root=fractal, goals=[short_term_goal])
    plain = owner_client.get(detail_url(other)).content.decode()
    assert "planned in" not in plain and "day-notes" not in plain
