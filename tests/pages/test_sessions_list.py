import datetime

from django.urls import reverse
from django.utils import timezone

from tests.factories import GoalFactory, PracticeSessionFactory, SessionTemplateFactory
from tests.pages.session_data import queries_of, session_with_sets, set_activity, target_on


def list_url(fractal):
    return reverse("session-list", kwargs={"root_id": fractal.pk})


def rows(response):
    return response.content.decode().count('<tr id="session-')


def test_the_sessions_list_is_for_the_owner_only(owner_client, stranger_client, anonymous_client, fractal):
    assert owner_client.get(list_url(fractal)).status_code == 200
    assert stranger_client.get(list_url(fractal)).status_code == 404
    response = anonymous_client.get(list_url(fractal))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_malformed_or_unknown_fractal_is_not_found(owner_client):
    assert owner_client.get("/fractals/00000000-0000-0000-0000-000000000000/sessions/").status_code == 404


def test_rows_show_date_duration_activities_and_targets_achieved(owner_client, fractal, short_term_goal):
    activity = set_activity(fractal, name="Weighted pull-up")
    target_on(short_term_goal, activity, Weight=20, Reps=5)
    session, _ = session_with_sets(fractal, short_term_goal, activity, completed=True, name="Pull day")
    page = owner_client.get(list_url(fractal)).content.decode()
    assert "Pull day" in page
    assert session.started_at.strftime("%Y-%m-%d") in page
    assert "40:00" in page  # 40 minutes
    assert "Weighted pull-up" in page
    assert "1: Weighted pull-up goal" in page


def test_sessions_are_listed_newest_first_and_paginated(owner_client, fractal, short_term_goal):
    now = timezone.now()
    for day in range(30):
        PracticeSessionFactory(
            root=fractal, goals=[short_term_goal], name=f"Day {day:02d}", started_at=now - datetime.timedelta(days=day)
        )
    first = owner_client.get(list_url(fractal))
    page = first.content.decode()
    assert rows(first) == 25
    assert page.index("Day 00") < page.index("Day 01") < page.index("Day 24")
    assert "Day 25" not in page
    second = owner_client.get(list_url(fractal), {"page": 2})
    assert rows(second) == 5
    assert "Day 29" in second.content.decode()


def test_sessions_of_other_fractals_and_deleted_ones_are_not_listed(owner_client, fractal, stranger_fractal):
    PracticeSessionFactory(root=stranger_fractal, name="Not mine")
    PracticeSessionFactory(root=fractal, name="Binned").delete()
    PracticeSessionFactory(root=fractal, name="Mine")
    page = owner_client.get(list_url(fractal)).content.decode()
    assert "Mine" in page
    assert "Not mine" not in page
    assert "Binned" not in page


def test_filtering_by_goal(owner_client, fractal, short_term_goal):
    other_goal = GoalFactory(parent=short_term_goal.parent, name="Planche")
    PracticeSessionFactory(root=fractal, goals=[short_term_goal], name="Lever work")
    PracticeSessionFactory(root=fractal, goals=[other_goal], name="Planche work")
    response = owner_client.get(list_url(fractal), {"goal": short_term_goal.pk})
    assert response.status_code == 200
    assert "Lever work" in response.content.decode()
    assert "Planche work" not in response.content.decode()


def test_a_goal_of_another_fractal_is_refused_as_a_filter(owner_client, fractal, stranger_fractal):
    foreign = GoalFactory(parent=GoalFactory(parent=GoalFactory(parent=stranger_fractal)))
    PracticeSessionFactory(root=fractal, name="Mine")
    response = owner_client.get(list_url(fractal), {"goal": foreign.pk})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


def test_filtering_by_date_range(owner_client, fractal):
    now = timezone.now()
    PracticeSessionFactory(root=fractal, name="Old one", started_at=now - datetime.timedelta(days=40))
    PracticeSessionFactory(root=fractal, name="Recent one", started_at=now - datetime.timedelta(days=2))
    start = (now - datetime.timedelta(days=10)).date().isoformat()
    response = owner_client.get(list_url(fractal), {"start": start, "end": now.date().isoformat()})
    assert "Recent one" in response.content.decode()
    assert "Old one" not in response.content.decode()


def test_an_end_date_before_the_start_date_is_a_filter_error(owner_client, fractal):
    response = owner_client.get(list_url(fractal), {"start": "2026-05-10", "end": "2026-05-01"})
    assert response.status_code == 400
    assert "The end date is before the start date" in response.content.decode()


def test_filtering_by_completion_and_template(owner_client, fractal, short_term_goal):
    template = SessionTemplateFactory(root=fractal, name="Push day")
    done = PracticeSessionFactory(root=fractal, goals=[short_term_goal], name="Done session")
    done.complete()
    PracticeSessionFactory(root=fractal, goals=[short_term_goal], name="Open session", template=template)
    completed = owner_client.get(list_url(fractal), {"completed": "yes"}).content.decode()
    assert "Done session" in completed and "Open session" not in completed
    open_only = owner_client.get(list_url(fractal), {"completed": "no"}).content.decode()
    assert "Open session" in open_only and "Done session" not in open_only
    by_template = owner_client.get(list_url(fractal), {"template": template.pk}).content.decode()
    assert "Open session" in by_template and "Done session" not in by_template


def test_the_goal_filter_offers_only_session_goals_of_this_fractal(owner_client, fractal, short_term_goal):
    page = owner_client.get(list_url(fractal)).content.decode()
    assert f'value="{short_term_goal.pk}"' in page
    assert f'value="{short_term_goal.parent_id}"' not in page  # a mid-term goal


def test_the_list_runs_the_same_number_of_queries_for_3_and_25_sessions(
    owner_client, fractal, short_term_goal, django_assert_num_queries
):
    activity = set_activity(fractal)
    target_on(short_term_goal, activity, Weight=10)

    def build(count):
        for _ in range(count):
            session_with_sets(fractal, short_term_goal, activity, completed=True)

    build(3)
    small = queries_of(lambda: owner_client.get(list_url(fractal), {"goal": short_term_goal.pk}))
    build(22)
    with django_assert_num_queries(small):
        response = owner_client.get(list_url(fractal), {"goal": short_term_goal.pk})
    assert rows(response) == 25
