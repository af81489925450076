"""The plain notes text of sessions and instances becomes Note rows, and back, exactly (migrations 0009-0011)."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from sessions.models import Note, field_note_id
from tests.factories import ActivityDefinitionFactory, ActivityInstanceFactory, PracticeSessionFactory

pytestmark = pytest.mark.django_db(transaction=True)

APP = "practice_sessions"
WITH_FIELDS = [(APP, "0010_merge_series_and_record_indexes")]
WITHOUT_FIELDS = [(APP, "0013_note_cue_activity")]  # the fields gone (0012), cue activities known (0013)
TEXTS = {
    "session": "Felt **strong**\n\n- slept well  \n",
    "deleted session": "Cut short",
    "instance": "Grip slipped on the last rep",
    "blank instance": "",
    "spaces instance": "   ",
}


def migrate(targets):
    """Migrate the test database to ``targets``; the models of that state."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


def latest():
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.fixture
def history(fractal, short_term_goal):
    """Sessions and instances made today, then given the old notes text in the older schema."""
    activity = ActivityDefinitionFactory(root=fractal)
    session = PracticeSessionFactory(root=fractal, goals=[short_term_goal], name="Kept")
    gone = PracticeSessionFactory(root=fractal, goals=[short_term_goal], name="Trashed")
    rows = {
        "session": session,
        "deleted session": gone,
        "instance": ActivityInstanceFactory(session=session, activity=activity),
        "blank instance": ActivityInstanceFactory(session=session, activity=activity),
        "spaces instance": ActivityInstanceFactory(session=session, activity=activity),
    }
    gone.delete()
    try:
        old = migrate(WITH_FIELDS)
        for name, row in rows.items():
            model = old.get_model(APP, "PracticeSession" if "session" in name else "ActivityInstance")
            model._base_manager.filter(pk=row.pk).update(notes=TEXTS[name])
        yield rows, old
    finally:
        latest()


def fields_of(apps):
    """(pk, notes, created_at, updated_at, deleted_at) of every session and instance, in the older schema."""
    found = {}
    for name in ("PracticeSession", "ActivityInstance"):
        model = apps.get_model(APP, name)
        for row in model._base_manager.values_list("pk", "notes", "created_at", "updated_at", "deleted_at"):
            found[row[0]] = row[1:]
    return found


def test_every_non_empty_notes_text_becomes_a_note_of_its_session_or_instance_with_its_times(history):
    rows, old = history
    before = fields_of(old)
    migrate(WITHOUT_FIELDS)
    notes = {note.pk: note for note in Note.all_objects.all()}
    assert len(notes) == 3  # the empty and the blank text make none
    for name, context in (("session", "session"), ("deleted session", "session"), ("instance", "instance")):
        owner = rows[name]
        note = notes[field_note_id(context, owner.pk)]
        _text, created_at, updated_at, deleted_at = before[owner.pk]
        assert note.body == TEXTS[name]
        assert getattr(note, f"{context}_id") == owner.pk and note.root_id == owner.root_id
        assert (note.created_at, note.updated_at, note.deleted_at) == (created_at, updated_at, deleted_at)
        assert not note.pinned and note.set_number is None
        assert note.cue_activity_id == (owner.activity_id if context == "instance" else None)
    # The trashed session's note is in the trash with it; the others are live.
    assert notes[field_note_id("session", rows["deleted session"].pk)].deleted_at is not None
    assert Note.objects.count() == 2


def test_migrating_back_writes_each_text_back_exactly_and_removes_only_the_notes_it_made(history, fractal):
    rows, old = history
    before = fields_of(old)
    migrate(WITHOUT_FIELDS)
    # A note written after the migration stays where it is.
    later = Note(root_id=fractal.pk, session=rows["session"], body="Written later")
    later.save()
    edited = Note.objects.get(pk=field_note_id("instance", rows["instance"].pk))
    assert edited.body == TEXTS["instance"]
    back = migrate(WITH_FIELDS)
    # Exactly as before, except that a text of spaces alone (nothing to keep) comes back empty.
    spaces = rows["spaces instance"].pk
    before[spaces] = ("", *before[spaces][1:])
    assert fields_of(back) == before
    remaining = back.get_model(APP, "Note")._base_manager.values_list("pk", flat=True)
    assert list(remaining) == [later.pk]


def test_the_round_trip_twice_gives_the_same_notes(history):
    migrate(WITHOUT_FIELDS)
    first = list(Note.all_objects.order_by("pk").values())
    migrate(WITH_FIELDS)
    migrate(WITHOUT_FIELDS)
    assert list(Note.all_objects.order_by("pk").values()) == first


def test_a_note_the_user_deleted_on_its_own_is_not_written_back(history):
    rows, _old = history
    migrate(WITHOUT_FIELDS)
    note = Note.objects.get(pk=field_note_id("instance", rows["instance"].pk))
    note.deleted_at = timezone.now() - datetime.timedelta(minutes=1)
    note.save(update_fields=["deleted_at"])
    back = migrate(WITH_FIELDS)
    instance = back.get_model(APP, "ActivityInstance")._base_manager.get(pk=rows["instance"].pk)
    assert instance.notes == ""
    assert not back.get_model(APP, "Note")._base_manager.filter(pk=note.pk).exists()
