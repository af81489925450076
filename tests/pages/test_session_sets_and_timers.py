"""The session page: one-tap sets, last time's placeholders, PR badges, pause/resume, records pages."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from sessions.models import MetricValue, SessionPause
from tests.factories import ActivityInstanceFactory, PracticeSessionFactory, SessionSectionFactory
from tests.pages.session_data import queries_of, session_with_sets, set_activity

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def activity(fractal):
    return set_activity(fractal, metrics_multiplicative=True, rest_seconds=90)


@pytest.fixture
def last_time(fractal, short_term_goal, activity):
    return session_with_sets(fractal, short_term_goal, activity, sets=((20, 5), (25, 3)), days_ago=2)


@pytest.fixture
def session(fractal, short_term_goal):
    return PracticeSessionFactory(
        root=fractal, goals=[short_term_goal], name="Today", started_at=timezone.now() - datetime.timedelta(minutes=5)
    )


@pytest.fixture
def instance(session, activity):
    return ActivityInstanceFactory(session=session, activity=activity)


def detail_url(session):
    return reverse("session-detail", kwargs={"root_id": session.root_id, "session_id": session.pk})


def values_url(instance):
    return reverse(
        "instance-values",
        kwargs={"root_id": instance.root_id, "session_id": instance.session_id, "instance_id": instance.pk},
    )


def pause_url(session):
    return reverse("session-pause", kwargs={"root_id": session.root_id, "session_id": session.pk})


def records_url(activity):
    return reverse("activity-records", kwargs={"root_id": activity.root_id, "activity_id": activity.pk})


def cell(metric, set_number):
    return f"v-{metric.pk}-x-{set_number}"


def stored(instance):
    return sorted(
        MetricValue.objects.filter(instance=instance).values_list("set_number", "metric__name", "value", "confirmed")
    )


# --- sets ----------------------------------------------------------------------------------
def test_each_cell_shows_last_times_value_of_the_same_set_as_its_placeholder(owner_client, last_time, instance):
    weight, reps = instance.activity.metrics.order_by("sort_order")
    page = owner_client.get(detail_url(instance.session)).content.decode()
    assert f'name="{cell(weight, 1)}" value="" placeholder="20"' in page
    assert f'name="{cell(reps, 1)}" value="" placeholder="5"' in page


def test_confirming_an_empty_set_takes_last_times_values(owner_client, last_time, instance):
    response = owner_client.post(values_url(instance), {"set_count": "1", "confirm_set": "1"}, **HTMX)
    assert response.status_code == 200
    assert stored(instance) == [(1, "Reps", 5, True), (1, "Weight", 20, True)]
    assert 'aria-pressed="true"' in response.content.decode()


def test_confirming_keeps_what_was_typed_and_fills_only_the_empty_cells(owner_client, last_time, instance):
    weight, reps = instance.activity.metrics.order_by("sort_order")
    owner_client.post(
        values_url(instance), {"set_count": "1", cell(weight, 1): "22", cell(reps, 1): "", "confirm_set": "1"}, **HTMX
    )
    assert stored(instance) == [(1, "Reps", 5, True), (1, "Weight", 22, True)]


def test_confirming_a_confirmed_set_undoes_it_and_keeps_its_values(owner_client, last_time, instance):
    owner_client.post(values_url(instance), {"set_count": "1", "confirm_set": "1"}, **HTMX)
    owner_client.post(values_url(instance), {"set_count": "1", "confirm_set": "1"}, **HTMX)
    assert stored(instance) == [(1, "Reps", 5, False), (1, "Weight", 20, False)]


def test_a_set_with_nothing_to_confirm_is_refused(owner_client, instance):
    response = owner_client.post(values_url(instance), {"set_count": "1", "confirm_set": "1"}, **HTMX)
    assert response.status_code == 400
    assert "Enter a value for set 1" in response.content.decode()
    assert stored(instance) == []


@pytest.mark.parametrize("bad", ["x", "0", "9"])
def test_confirming_a_set_that_is_not_there_is_refused_and_changes_nothing(owner_client, last_time, instance, bad):
    weight, _ = instance.activity.metrics.order_by("sort_order")
    response = owner_client.post(
        values_url(instance), {"set_count": "1", cell(weight, 1): "30", "confirm_set": bad}, **HTMX
    )
    assert response.status_code == 400
    assert stored(instance) == []


def test_add_set_copies_the_previous_set_and_confirming_it_is_one_more_tap(owner_client, last_time, instance):
    owner_client.post(values_url(instance), {"set_count": "1", "confirm_set": "1"}, **HTMX)
    owner_client.post(values_url(instance), {"set_count": "1", "add_set": "1"}, **HTMX)
    owner_client.post(values_url(instance), {"set_count": "2", "confirm_set": "2"}, **HTMX)
    assert stored(instance) == [
        (1, "Reps", 5, True),
        (1, "Weight", 20, True),
        (2, "Reps", 5, True),
        (2, "Weight", 20, True),
    ]


def test_a_record_value_and_a_record_product_get_a_pr_badge(owner_client, last_time, instance):
    weight, reps = instance.activity.metrics.order_by("sort_order")
    response = owner_client.post(
        values_url(instance), {"set_count": "1", cell(weight, 1): "27.5", cell(reps, 1): "4"}, **HTMX
    )
    page = response.content.decode()
    assert page.count('class="pr-badge"') == 1  # 27.5 kg beats 25 kg; 4 reps does not beat 5
    assert 'class="pr-badge product"' in page  # 27.5 × 4 = 110 beats 20 × 5 = 100


def test_no_badge_when_nothing_is_beaten(owner_client, last_time, instance):
    weight, reps = instance.activity.metrics.order_by("sort_order")
    page = owner_client.post(
        values_url(instance), {"set_count": "1", cell(weight, 1): "20", cell(reps, 1): "5"}, **HTMX
    ).content.decode()
    assert "pr-badge" not in page


def test_the_card_carries_the_rest_of_its_section_else_of_its_activity(owner_client, session, activity):
    loose = ActivityInstanceFactory(session=session, activity=activity)
    section = SessionSectionFactory(session=session, name="Main", rest_seconds=150)
    placed = ActivityInstanceFactory(session=session, activity=activity, section=section)
    page = owner_client.get(detail_url(session)).content.decode()
    assert f'data-instance="{loose.pk}" data-rest-seconds="90"' in page
    assert f'data-instance="{placed.pk}" data-rest-seconds="150"' in page


def test_an_activity_with_planned_seconds_counts_down(owner_client, session, fractal):
    hold = set_activity(fractal, name="Plank", metrics=(("Seconds", "s"),), planned_seconds=45)
    instance = ActivityInstanceFactory(session=session, activity=hold, time_start=timezone.now())
    page = owner_client.get(detail_url(instance.session)).content.decode()
    assert 'data-countdown-seconds="45"' in page


def test_the_session_page_stays_flat_as_the_history_grows(owner_client, fractal, short_term_goal, activity):
    today = PracticeSessionFactory(root=fractal, goals=[short_term_goal], started_at=timezone.now())
    ActivityInstanceFactory(session=today, activity=activity)
    session_with_sets(fractal, short_term_goal, activity, days_ago=2)
    small = queries_of(lambda: owner_client.get(detail_url(today)))
    for days in range(3, 15):
        session_with_sets(fractal, short_term_goal, activity, sets=((20 + days, 5), (10, 2), (5, 5)), days_ago=days)
    assert queries_of(lambda: owner_client.get(detail_url(today))) == small


# --- pause / resume ------------------------------------------------------------------------
def test_pausing_and_resuming_from_the_page(owner_client, session):
    response = owner_client.post(pause_url(session), {"action": "pause"}, **HTMX)
    assert response.status_code == 200
    assert 'id="resume-session"' in response.content.decode()
    assert SessionPause.objects.get(session=session).ended_at is None
    response = owner_client.post(pause_url(session), {"action": "resume"}, **HTMX)
    assert 'id="pause-session"' in response.content.decode()
    assert SessionPause.objects.get(session=session).ended_at is not None


def test_the_page_clock_leaves_the_pauses_out(owner_client, session):
    SessionPause(
        session=session, started_at=session.started_at, ended_at=session.started_at + datetime.timedelta(minutes=4)
    ).save()
    page = owner_client.get(detail_url(session)).content.decode()
    # Five minutes since the start, four of them paused.
    assert ">1:0" in page or ">0:59<" in page


def test_pause_durations_through_the_page_are_exact(owner_client, session):
    start = session.started_at
    SessionPause(
        session=session,
        started_at=start + datetime.timedelta(seconds=60),
        ended_at=start + datetime.timedelta(seconds=95),
    ).save()
    session.complete(when=start + datetime.timedelta(seconds=600))
    page = owner_client.get(detail_url(session)).content.decode()
    assert '<strong id="session-duration">9:25</strong>' in page


@pytest.mark.parametrize("data", [{"action": "resume"}, {"action": "explode"}, {}])
def test_a_wrong_pause_action_is_refused_and_changes_nothing(owner_client, session, data):
    response = owner_client.post(pause_url(session), data, **HTMX)
    assert response.status_code == 400
    assert not SessionPause.objects.exists()


def test_pausing_is_for_the_owner_only(stranger_client, anonymous_client, session):
    assert stranger_client.post(pause_url(session), {"action": "pause"}).status_code == 404
    assert anonymous_client.post(pause_url(session), {"action": "pause"}).status_code == 302
    assert not SessionPause.objects.exists()


# --- records on the activity's pages -------------------------------------------------------
def test_the_activity_page_lists_its_records(owner_client, last_time, activity):
    edit = reverse("activity-edit", kwargs={"root_id": activity.root_id, "activity_id": activity.pk})
    page = owner_client.get(edit).content.decode()
    assert 'id="activity-records"' in page
    assert "25 kg" in page and "5 reps" in page and "100 kg × reps" in page  # weight, reps, 20 × 5 (25 × 3 = 75)


def test_the_records_page_is_for_the_owner_only(owner_client, stranger_client, anonymous_client, activity):
    assert owner_client.get(records_url(activity)).status_code == 200
    assert stranger_client.get(records_url(activity)).status_code == 404
    assert anonymous_client.get(records_url(activity)).status_code == 302


def test_the_records_page_runs_the_same_queries_whatever_the_history(owner_client, fractal, short_term_goal, activity):
    session_with_sets(fractal, short_term_goal, activity, days_ago=1)
    small = queries_of(lambda: owner_client.get(records_url(activity)))
    for days in range(2, 14):
        session_with_sets(fractal, short_term_goal, activity, sets=((20 + days, 5), (10, 8)), days_ago=days)
    assert queries_of(lambda: owner_client.get(records_url(activity))) == small


def test_a_template_sections_rest_reaches_the_sessions_made_from_it(fractal, short_term_goal, activity):
    from sessions.models import SessionTemplate

    template = SessionTemplate.create(fractal, "Pull day", [("Main", 20, [activity], 120), ("Finisher", 5, [activity])])
    copy = template.duplicate("Pull day (2)")
    session = copy.create_session([short_term_goal])
    assert list(session.sections.order_by("sort_order").values_list("name", "rest_seconds")) == [
        ("Main", 120),
        ("Finisher", None),
    ]


def test_start_practice_from_a_goal_puts_its_target_activities_on_the_page(
    owner_client, fractal, short_term_goal, activity
):
    from sessions.models import PracticeSession
    from tests.pages.session_data import target_on

    target_on(short_term_goal, activity, Weight=40)
    target_on(short_term_goal, activity, Reps=10)
    url = reverse("goal-start-practice", kwargs={"root_id": fractal.pk, "goal_id": short_term_goal.pk})
    owner_client.post(url)
    session = PracticeSession.objects.get()
    assert list(session.instances.values_list("activity__name", flat=True)) == ["Weighted pull-up"]
