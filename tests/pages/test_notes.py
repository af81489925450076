"""Notes: the model's rules, safe Markdown, the Notes page (write, filter, search, edit, pin, delete with
undo), the goal journal and the notes API, with ownership everywhere."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from goals.markdown import render_markdown
from sessions.models import Note, NoteContext, PracticeSession
from tests.factories import ActivityDefinitionFactory, FractalFactory, GoalFactory

pytestmark = pytest.mark.django_db


def notes_page(fractal):
    return reverse("note-list", kwargs={"root_id": fractal.pk})


def api(fractal, note=None):
    base = f"/api/fractals/{fractal.pk}/notes/"
    return f"{base}{note.pk}/" if note is not None else base


@pytest.fixture
def world(short_term_goal):
    goal = short_term_goal
    activity = ActivityDefinitionFactory(root=goal.root, name="Squat")
    session = PracticeSession.create(goal.root, [goal], "Leg day")
    instance = session.add_activity(activity)
    return {"fractal": goal.root, "goal": goal, "activity": activity, "session": session, "instance": instance}


def note(world, body="A note", **fields):
    row = Note(root_id=world["fractal"].pk, body=body, **fields)
    row.full_clean()
    row.save()
    return row


# --- model -------------------------------------------------------------------------------------


def test_a_note_hangs_on_one_thing_and_takes_its_fractal_from_it(world, stranger_fractal):
    on_set = Note(root_id=stranger_fractal.pk, body="Knees out", instance=world["instance"], set_number=2)
    on_set.full_clean()
    on_set.save()
    assert on_set.root_id == world["fractal"].pk  # derived, never taken from the caller
    assert on_set.context == NoteContext.SET and on_set.context_object() == world["instance"]
    assert note(world).context == NoteContext.FRACTAL
    assert note(world, goal=world["goal"]).context == NoteContext.GOAL


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"body": "   "}, "body"),
        ({"body": "x", "set_number": 1}, "set_number"),
        ({"body": "x", "goal": "goal", "session": "session"}, "__all__"),
    ],
)
def test_a_note_without_text_or_with_two_contexts_or_a_set_without_instance_is_refused(world, fields, field):
    fields = {key: world[value] if key in ("goal", "session") else value for key, value in fields.items()}
    with pytest.raises(ValidationError) as error:
        Note(root_id=world["fractal"].pk, **fields).full_clean()
    assert field in error.value.message_dict


def test_a_note_cannot_hang_on_another_fractals_goal(world, stranger_fractal):
    other = GoalFactory(parent=stranger_fractal)
    row = Note(root_id=world["fractal"].pk, body="x", goal=other)
    row.full_clean()  # the root follows the goal...
    assert row.root_id == stranger_fractal.pk  # ...so it can never be filed under the wrong fractal


def test_deleting_a_session_takes_its_notes_to_the_trash_and_restoring_brings_them_back(world):
    on_session = note(world, session=world["session"])
    on_instance = note(world, instance=world["instance"], set_number=1)
    world["session"].delete()
    assert not Note.objects.filter(pk__in=[on_session.pk, on_instance.pk]).exists()
    world["session"].restore()
    assert Note.objects.filter(pk__in=[on_session.pk, on_instance.pk]).count() == 2


# --- Markdown -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, absent",
    [
        ("<script>alert(1)</script>", "<script"),
        ('<img src=x onerror="alert(1)">', "onerror"),
        ("[click](javascript:alert(1))", "javascript:"),
        ('<a href="https://e.example" onclick="x()">a</a>', "onclick"),
        ("<iframe src=https://e.example></iframe>", "<iframe"),
        ('<p style="position:fixed">x</p>', "style="),
        ("[x](data:text/html;base64,PHNjcmlwdD4=)", "data:"),
    ],
)
def test_markdown_never_lets_script_or_raw_html_through(text, absent):
    assert absent not in str(render_markdown(text)).lower()


def test_markdown_renders_emphasis_lists_and_links_with_noopener():
    html = str(render_markdown("**cue**: squeeze\n\n- one\n- two\n\n[site](https://e.example)"))
    assert "<strong>cue</strong>" in html and "<li>one</li>" in html
    assert '<a href="https://e.example" rel="noopener noreferrer">site</a>' in html


# --- the Notes page ----------------------------------------------------------------------------


def test_the_notes_page_lists_pinned_first_then_newest_with_rendered_markdown(owner_client, world):
    note(world, "old one")
    note(world, "**pinned** one", pinned=True)
    note(world, "new one", goal=world["goal"])
    page = owner_client.get(notes_page(world["fractal"]))
    assert page.status_code == 200
    bodies = [row.body for row in page.context["page"]]
    assert bodies == ["**pinned** one", "new one", "old one"]
    html = page.content.decode()
    assert "<strong>pinned</strong>" in html
    assert "Goal: Front lever" in html


def test_the_notes_page_filters_by_context_pinned_and_text(owner_client, world):
    note(world, "Fractal-wide plan")
    note(world, "Goal idea", goal=world["goal"], pinned=True)
    note(world, "Set cue: brace", instance=world["instance"], set_number=1)
    note(world, "Session felt heavy", session=world["session"])

    def bodies(query):
        return [row.body for row in owner_client.get(notes_page(world["fractal"]), query).context["page"]]

    assert bodies({"context": "set"}) == ["Set cue: brace"]
    assert bodies({"context": "fractal"}) == ["Fractal-wide plan"]
    assert bodies({"pinned": "on"}) == ["Goal idea"]
    assert bodies({"text": "HEAVY"}) == ["Session felt heavy"]
    assert owner_client.get(notes_page(world["fractal"]), {"context": "nonsense"}).status_code == 400


def test_the_text_search_ignores_case_in_every_alphabet_and_treats_wildcards_as_text(owner_client, world):
    note(world, "Übung: Schulterblätter zusammen")
    note(world, "ΣΦΑΙΡΑ και κορμός")
    note(world, "100% effort, snake_case")
    note(world, "Plain")

    def bodies(text):
        page = owner_client.get(notes_page(world["fractal"]), {"text": text})
        return [row.body for row in page.context["page"]]

    assert bodies("übung") == ["Übung: Schulterblätter zusammen"]
    assert bodies("SCHULTERBLÄTTER") == ["Übung: Schulterblätter zusammen"]
    assert bodies("σφαιρα") == ["ΣΦΑΙΡΑ και κορμός"]
    assert bodies("0%") == ["100% effort, snake_case"] and bodies("e_c") == ["100% effort, snake_case"]
    assert bodies("%") == ["100% effort, snake_case"]
    api_rows = owner_client.get(api(world["fractal"]), {"text": "ÜBUNG"}).json()["results"]
    assert [row["body"] for row in api_rows] == ["Übung: Schulterblätter zusammen"]


def test_the_notes_search_is_in_the_fractal_navigation_of_every_fractal_page(owner_client, world):
    tree = owner_client.get(reverse("fractal-tree", kwargs={"root_id": world["fractal"].pk})).content.decode()
    nav = tree.split('class="fractal-nav"', 1)[1].split("</nav>", 1)[0]
    assert f'href="{notes_page(world["fractal"])}"' in nav
    page = owner_client.get(notes_page(world["fractal"])).content.decode()
    assert 'role="search"' in page and 'type="search"' in page and 'name="text"' in page


def test_writing_a_note_from_the_goal_page_link_attaches_it_and_goes_back(owner_client, world):
    goal = world["goal"]
    goal_url = reverse("goal-detail", kwargs={"root_id": goal.root_id, "goal_id": goal.pk})
    form = owner_client.get(notes_page(world["fractal"]), {"goal": goal.pk, "next": goal_url})
    assert "On Goal: Front lever" in form.content.decode()
    response = owner_client.post(
        reverse("note-create", kwargs={"root_id": goal.root_id}),
        {"body": "Hollow body first", "goal": goal.pk, "next": goal_url},
    )
    assert response.status_code == 302 and response["Location"] == goal_url
    assert Note.objects.get(body="Hollow body first").goal == goal


def test_a_note_on_another_fractals_goal_or_without_text_is_refused_and_nothing_is_written(
    owner_client, world, stranger_fractal
):
    other_goal = GoalFactory(parent=stranger_fractal)
    url = reverse("note-create", kwargs={"root_id": world["fractal"].pk})
    for data in ({"body": "x", "goal": other_goal.pk}, {"body": ""}, {"body": "x", "session": "not-a-uuid"}):
        assert owner_client.post(url, data).status_code == 400
    assert not Note.objects.exists()


def test_a_bad_attachment_in_the_link_is_ignored_not_a_server_error(owner_client, world):
    response = owner_client.get(notes_page(world["fractal"]), {"goal": "not-a-uuid"})
    assert response.status_code == 200 and response.context["attached_to"] is None


def test_editing_pinning_and_deleting_with_undo(owner_client, world):
    row = note(world, "first text")
    edit = reverse("note-edit", kwargs={"root_id": row.root_id, "note_id": row.pk})
    assert owner_client.get(edit).status_code == 200
    assert owner_client.post(edit, {"body": "second text"}).status_code == 302
    row.refresh_from_db()
    assert row.body == "second text" and not row.pinned
    assert owner_client.post(edit, {"body": ""}).status_code == 400
    owner_client.post(reverse("note-pin", kwargs={"root_id": row.root_id, "note_id": row.pk}))
    row.refresh_from_db()
    assert row.pinned
    response = owner_client.post(
        reverse("note-delete", kwargs={"root_id": row.root_id, "note_id": row.pk}), follow=True
    )
    assert not Note.objects.filter(pk=row.pk).exists()
    restore = reverse("trash-restore", kwargs={"root_id": row.root_id, "kind": "note", "object_id": row.pk})
    assert restore in response.content.decode()
    owner_client.post(restore)
    assert Note.objects.filter(pk=row.pk, body="second text").exists()


def test_strangers_get_not_found_and_anonymous_users_sign_in(stranger_client, anonymous_client, world):
    row = note(world, "private")
    fractal = world["fractal"]
    urls = [
        ("get", notes_page(fractal)),
        ("post", reverse("note-create", kwargs={"root_id": fractal.pk})),
        ("get", reverse("note-edit", kwargs={"root_id": fractal.pk, "note_id": row.pk})),
        ("post", reverse("note-pin", kwargs={"root_id": fractal.pk, "note_id": row.pk})),
        ("post", reverse("note-delete", kwargs={"root_id": fractal.pk, "note_id": row.pk})),
    ]
    for method, url in urls:
        assert getattr(stranger_client, method)(url, {"body": "x"}).status_code == 404, url
        assert getattr(anonymous_client, method)(url, {"body": "x"}).status_code == 302, url
    assert stranger_client.get(api(fractal)).status_code == 404
    assert stranger_client.get(api(fractal, row)).status_code == 404
    row.refresh_from_db()
    assert (row.body, row.pinned, row.deleted_at) == ("private", False, None)


def test_the_notes_page_reads_a_fixed_number_of_queries_at_two_sizes(owner_client, world):
    def count():
        with CaptureQueriesContext(connection) as captured:
            assert owner_client.get(notes_page(world["fractal"])).status_code == 200
        return len(captured)

    for index in range(3):
        note(world, f"n{index}", instance=world["instance"])
    small = count()
    for index in range(30):
        note(world, f"m{index}", goal=world["goal"] if index % 2 else None, session=None)
        note(world, f"s{index}", session=world["session"])
    assert count() == small


# --- goal journal ------------------------------------------------------------------------------


def test_the_goal_page_shows_its_notes_and_its_sessions_notes_newest_first(owner_client, world):
    note(world, "on the goal", goal=world["goal"])
    note(world, "on its session", session=world["session"])
    note(world, "on a set", instance=world["instance"], set_number=1)
    elsewhere = GoalFactory(parent=world["goal"].parent, name="Elsewhere")
    note(world, "on another goal", goal=elsewhere)
    goal = world["goal"]
    page = owner_client.get(reverse("goal-detail", kwargs={"root_id": goal.root_id, "goal_id": goal.pk}))
    assert [row.body for row in page.context["journal"]] == ["on a set", "on its session", "on the goal"]


# --- API ---------------------------------------------------------------------------------------


def test_the_api_writes_lists_filters_and_renders_notes(owner_client, world):
    fractal = world["fractal"]
    response = owner_client.post(
        api(fractal),
        {"body": "**brace**", "instance": str(world["instance"].pk), "set_number": 2, "pinned": True},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["context"] == "set" and body["body_html"] == "<p><strong>brace</strong></p>"
    note(world, "plain")
    listed = owner_client.get(api(fractal)).json()["results"]
    assert [row["body"] for row in listed] == ["**brace**", "plain"]
    assert [row["body"] for row in owner_client.get(api(fractal), {"context": "fractal"}).json()["results"]] == [
        "plain"
    ]
    assert [row["body"] for row in owner_client.get(api(fractal), {"text": "BRACE"}).json()["results"]] == ["**brace**"]


def test_the_api_refuses_bad_notes_with_a_400_and_writes_nothing(owner_client, world, stranger_fractal):
    fractal = world["fractal"]
    other = FractalFactory(owner=stranger_fractal.owner)
    cases = [
        {"body": ""},
        {"body": "x", "goal": str(other.pk)},
        {"body": "x", "set_number": 1},
        {"body": "x", "goal": str(world["goal"].pk), "session": str(world["session"].pk)},
        {"body": "x" * 20_001},
        {"body": "x", "instance": "nope"},
    ]
    for data in cases:
        response = owner_client.post(api(fractal), data, content_type="application/json")
        assert response.status_code == 400, (data, response.content)
    assert not Note.all_objects.exists()


def test_the_api_edits_text_and_pin_but_not_what_a_note_hangs_on(owner_client, world):
    row = note(world, "before", goal=world["goal"])
    response = owner_client.patch(
        api(world["fractal"], row),
        {"body": "after", "pinned": True, "goal": None, "session": str(world["session"].pk)},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    row.refresh_from_db()
    assert (row.body, row.pinned, row.goal_id, row.session_id) == ("after", True, world["goal"].pk, None)
