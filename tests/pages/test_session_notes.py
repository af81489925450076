"""Notes on the session page: written in place on the session and its activities, and the cues beside the inputs."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from sessions.models import Note
from sessions.page_data import cues_for
from tests.factories import ActivityInstanceFactory, PracticeSessionFactory, goal_chain
from tests.pages.session_data import session_with_sets, set_activity

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def activity(fractal):
    return set_activity(fractal)


@pytest.fixture
def session(fractal, short_term_goal):
    return PracticeSessionFactory(root=fractal, goals=[short_term_goal], name="Evening", started_at=timezone.now())


@pytest.fixture
def instance(session, activity):
    return ActivityInstanceFactory(session=session, activity=activity)


def page_url(session):
    return reverse("session-detail", kwargs={"root_id": session.root_id, "session_id": session.pk})


def add_url(session):
    return reverse("session-note-add", kwargs={"root_id": session.root_id, "session_id": session.pk})


def edit_url(session, note):
    return reverse(
        "session-note-edit", kwargs={"root_id": session.root_id, "session_id": session.pk, "note_id": note.pk}
    )


def note_on(**fields):
    target = next(value for value in fields.values() if hasattr(value, "root_id"))
    note = Note(root_id=target.root_id, **fields)
    note.save()
    return note


# --- writing notes in place ----------------------------------------------------------------------
def test_a_note_of_the_session_is_added_in_place_and_shown_rendered(owner_client, session):
    response = owner_client.post(add_url(session), {"body": "Felt **strong**", "pinned": "on"}, **HTMX)
    assert response.status_code == 200
    note = Note.objects.get()
    assert note.session == session and note.pinned and note.instance_id is None
    assert 'id="session-body"' in response.content.decode()
    assert "<strong>strong</strong>" in response.content.decode()


def test_a_note_of_one_set_of_an_activity_answers_with_its_card(owner_client, session, instance):
    data = {"body": "Grip slipped", "instance": str(instance.pk), "set_number": "2"}
    response = owner_client.post(add_url(session), data, **HTMX)
    assert response.status_code == 200
    note = Note.objects.get()
    assert (note.instance, note.session_id, note.set_number) == (instance, None, 2)
    html = response.content.decode()
    assert html.lstrip().startswith(f'<article id="instance-{instance.pk}"') and "Grip slipped" in html
    assert "Set 2" in html


def test_without_javascript_adding_a_note_returns_to_its_card(owner_client, session, instance):
    response = owner_client.post(add_url(session), {"body": "Slow", "instance": str(instance.pk)})
    assert response.status_code == 302
    assert response["Location"] == page_url(session) + f"#instance-{instance.pk}"


def test_an_empty_note_is_refused_with_its_message_and_nothing_is_written(owner_client, session, instance):
    response = owner_client.post(add_url(session), {"body": "   ", "instance": str(instance.pk)}, **HTMX)
    assert response.status_code == 400
    assert "A note needs some text" in response.content.decode()
    assert not Note.all_objects.exists()


def test_a_set_number_below_one_is_refused(owner_client, session, instance):
    data = {"body": "x", "instance": str(instance.pk), "set_number": "0"}
    assert owner_client.post(add_url(session), data, **HTMX).status_code == 400
    assert not Note.all_objects.exists()


def test_an_instance_of_another_session_cannot_get_a_note_through_this_one(owner_client, session, fractal, activity):
    other = ActivityInstanceFactory(session=PracticeSessionFactory(root=fractal), activity=activity)
    response = owner_client.post(add_url(session), {"body": "x", "instance": str(other.pk)}, **HTMX)
    assert response.status_code == 404
    assert not Note.all_objects.exists()


def test_editing_a_note_in_place_changes_its_text_and_pin(owner_client, session, instance):
    note = note_on(instance=instance, body="Old")
    response = owner_client.post(edit_url(session, note), {"body": "New *text*", "pinned": "on"}, **HTMX)
    assert response.status_code == 200
    note.refresh_from_db()
    assert (note.body, note.pinned, note.instance_id) == ("New *text*", True, instance.pk)
    assert "<em>text</em>" in response.content.decode()


def test_a_refused_edit_keeps_the_note_and_shows_why(owner_client, session):
    note = note_on(session=session, body="Keep me")
    response = owner_client.post(edit_url(session, note), {"body": ""}, **HTMX)
    assert response.status_code == 400
    note.refresh_from_db()
    assert note.body == "Keep me"


def test_a_note_of_another_session_or_the_fractal_is_not_edited_through_this_one(owner_client, session, fractal):
    plan = Note(root_id=fractal.pk, body="Plan")
    plan.save()
    others = [note_on(session=PracticeSessionFactory(root=fractal), body="Other"), plan]
    for note in others:
        assert owner_client.post(edit_url(session, note), {"body": "Hijacked"}, **HTMX).status_code == 404
        note.refresh_from_db()
        assert note.body != "Hijacked"


def test_session_notes_are_for_the_owner_only(stranger_client, anonymous_client, session, instance):
    note = note_on(session=session, body="Mine")
    for client, status in ((stranger_client, 404), (anonymous_client, 302)):
        assert client.post(add_url(session), {"body": "x", "instance": str(instance.pk)}).status_code == status
        assert client.post(edit_url(session, note), {"body": "x"}).status_code == status
    note.refresh_from_db()
    assert note.body == "Mine" and Note.all_objects.count() == 1


def test_the_page_lists_the_notes_of_the_session_and_each_activity_safely(owner_client, session, instance):
    note_on(session=session, body="<script>alert(1)</script> Felt **fine**")
    note_on(instance=instance, set_number=3, body="Third set [form](https://example.com)")
    html = owner_client.get(page_url(session)).content.decode()
    assert "<strong>fine</strong>" in html and "<script>alert(1)</script>" not in html
    assert "Set 3" in html and 'rel="noopener' in html


def test_deleting_a_note_from_the_session_page_goes_to_the_trash_with_undo(owner_client, session, instance):
    note = note_on(instance=instance, body="Oops")
    url = reverse("note-delete", kwargs={"root_id": session.root_id, "note_id": note.pk})
    response = owner_client.post(url, {"next": page_url(session) + f"#instance-{instance.pk}"}, follow=True)
    assert response.redirect_chain[-1][0] == page_url(session) + f"#instance-{instance.pk}"
    assert "Undo" in response.content.decode()
    note.refresh_from_db()
    assert note.deleted_at is not None


# --- cues beside the inputs ----------------------------------------------------------------------
def _earlier(fractal, goal, activity, days_ago, body, **fields):
    _session, instance = session_with_sets(fractal, goal, activity, days_ago=days_ago)
    return note_on(instance=instance, body=body, **fields)


def test_cues_are_the_last_notes_of_earlier_practice_and_of_the_activity_pinned_first(
    owner_client, fractal, short_term_goal, session, instance, activity
):
    # Written in this order, so each is newer than the one before.
    _earlier(fractal, short_term_goal, activity, 9, "First written")
    _earlier(fractal, short_term_goal, activity, 8, "Old but *pinned*", pinned=True)
    _earlier(fractal, short_term_goal, activity, 2, "Third written")
    _earlier(fractal, short_term_goal, activity, 3, "Fourth written")
    note_on(activity=activity, body="Cue: squeeze glutes")
    note_on(instance=instance, body="Today's own note")
    cues = cues_for(session, {activity.pk})[activity.pk]
    assert [cue.body for cue in cues] == ["Old but *pinned*", "Cue: squeeze glutes", "Fourth written"]
    html = owner_client.get(page_url(session)).content.decode()
    cues_html = html.split('class="cues"', 1)[1].split("</aside>", 1)[0]
    assert "Old but <em>pinned</em>" in cues_html and "Cue: squeeze glutes" in cues_html
    assert "First written" not in cues_html and "Third written" not in cues_html
    assert "own note" not in cues_html and "own note" in html
    assert "on the activity" in cues_html


def test_cues_leave_out_later_sessions_and_trashed_ones(fractal, short_term_goal, activity):
    past = PracticeSessionFactory(
        root=fractal, goals=[short_term_goal], started_at=timezone.now() - datetime.timedelta(days=5)
    )
    ActivityInstanceFactory(session=past, activity=activity)
    later = _earlier(fractal, short_term_goal, activity, 1, "Written later")
    trashed = _earlier(fractal, short_term_goal, activity, 7, "In the trash")
    trashed.instance.session.delete()
    kept = _earlier(fractal, short_term_goal, activity, 6, "Earlier")
    assert [cue.pk for cue in cues_for(past, {activity.pk})[activity.pk]] == [kept.pk]
    assert later.pk != kept.pk


def test_cues_never_come_from_another_fractal(stranger_client, owner_client, stranger, session, instance, activity):
    from tests.factories import FractalFactory

    other = FractalFactory(owner=stranger, name="Theirs")
    their_goal = goal_chain(other)[-1]
    their_activity = set_activity(other, name=activity.name)
    _earlier(other, their_goal, their_activity, 2, "Their secret cue")
    note_on(activity=their_activity, body="Their activity cue")
    html = owner_client.get(page_url(session)).content.decode()
    assert "Their secret cue" not in html and "Their activity cue" not in html
    assert cues_for(session, {their_activity.pk}) == {}


def test_cues_are_one_query_whatever_the_number_of_activities_and_the_history(
    fractal, short_term_goal, session, django_assert_num_queries
):
    def build(count):
        activities = []
        for index in range(count):
            activity = set_activity(fractal, name=f"Drill {index} {timezone.now().timestamp()}")
            for days in (2, 3, 4, 5):
                _earlier(fractal, short_term_goal, activity, days, f"Cue {days}")
            note_on(activity=activity, body="Of the activity")
            activities.append(activity.pk)
        return set(activities)

    small = build(2)
    with django_assert_num_queries(1):
        assert sum(len(found) for found in cues_for(session, small).values()) == 6
    large = small | build(10)
    with django_assert_num_queries(1):
        assert sum(len(found) for found in cues_for(session, large).values()) == 36
