import json
import uuid
from io import StringIO

import pytest
from django.core import serializers
from django.core.management import CommandError, call_command

from goals.models import FractalScopedModel, Goal
from ops.portability import dumps, export_fractal, exported_models
from sessions.models import Note, field_note_id
from tests.commands.demo_fractal import build_demo_fractal
from tests.factories import FractalFactory, UserFactory


def snapshot(root_id):
    """Every row and field of a fractal, with the owner named rather than numbered."""
    rows = {}
    for model in exported_models():
        data = serializers.serialize("python", model.all_objects.filter(root_id=root_id).order_by("pk"))
        for item in data:
            if "owner" in item["fields"] and item["fields"]["owner"] is not None:
                item["fields"]["owner"] = "owner"
        rows[model._meta.label] = data
    return rows


@pytest.fixture
def demo(fractal):
    build_demo_fractal(fractal)
    return fractal


def test_every_scoped_model_is_in_the_demo_fractal(demo):
    for model in exported_models():
        assert model.all_objects.filter(root_id=demo.pk).exists(), model.__name__


@pytest.mark.django_db(transaction=True)
def test_export_then_import_into_an_empty_database_reproduces_every_row_and_field(tmp_path):
    owner = UserFactory(username="owner")
    root = FractalFactory(owner=owner, name="Get strong")
    build_demo_fractal(root)
    before = snapshot(root.pk)
    path = tmp_path / "fractal.json"
    call_command("export_fractal", str(root.pk), output=str(path), stdout=StringIO(), stderr=StringIO())
    document = json.loads(path.read_text())
    assert document["version"] == 1 and document["root"] == str(root.pk)
    call_command("flush", interactive=False, verbosity=0)
    assert Goal.all_objects.count() == 0
    UserFactory(username="someone-else")
    UserFactory(username="owner")
    call_command("import_fractal", str(path), stdout=StringIO())
    after = snapshot(root.pk)
    assert after == before
    assert sum(len(rows) for rows in after.values()) == sum(document["counts"].values())
    restored = Goal.all_objects.get(pk=root.pk)
    assert restored.owner.username == "owner"
    assert restored.programs.exists() or Goal.all_objects.filter(programs__isnull=False).exists()


def test_importing_the_same_document_twice_is_refused_and_writes_nothing(demo, tmp_path):
    path = tmp_path / "fractal.json"
    call_command("export_fractal", str(demo.pk), output=str(path), stdout=StringIO(), stderr=StringIO())
    counts = {model: model.all_objects.count() for model in exported_models()}
    with pytest.raises(CommandError, match="already exist here") as error:
        call_command("import_fractal", str(path), owner="owner", stdout=StringIO())
    assert error.value.returncode == 1
    assert counts == {model: model.all_objects.count() for model in exported_models()}


def test_the_export_holds_deleted_rows_and_many_to_many_links(demo):
    out = StringIO()
    call_command("export_fractal", str(demo.pk), stdout=out)
    document = json.loads(out.getvalue())
    goals = [item for item in document["objects"] if item["model"] == "goals.goal"]
    assert any(item["fields"]["deleted_at"] for item in goals)
    program = next(item for item in document["objects"] if item["model"] == "practice_sessions.program")
    assert len(program["fields"]["goals"]) == 1
    assert all(issubclass(model, FractalScopedModel) for model in exported_models())


def test_a_file_that_is_not_an_export_is_refused(owner, tmp_path):
    path = tmp_path / "other.json"
    path.write_text(json.dumps({"hello": "world"}))
    with pytest.raises(CommandError, match="not a Fractal Goals fractal export"):
        call_command("import_fractal", str(path), owner="owner", stdout=StringIO())


def test_exporting_a_goal_that_is_not_a_root_or_does_not_exist_fails(demo):
    child = Goal.objects.filter(parent=demo).first()
    with pytest.raises(CommandError, match="not a fractal root"):
        call_command("export_fractal", str(child.pk), stdout=StringIO())
    with pytest.raises(CommandError) as error:
        call_command("export_fractal", "not-a-uuid", stdout=StringIO())
    assert error.value.returncode == 2


def _older_document(root):
    """The fractal's export as a document of the older format: sessions and instances with notes text."""
    document = json.loads(dumps(export_fractal(root)))
    objects = document["objects"]
    sessions = [item for item in objects if item["model"] == "practice_sessions.practicesession"]
    instances = [item for item in objects if item["model"] == "practice_sessions.activityinstance"]
    for item in sessions + instances:
        item["fields"]["notes"] = ""
    live = next(item for item in sessions if item["fields"]["deleted_at"] is None)
    trashed = next(item for item in sessions if item["fields"]["deleted_at"] is not None)
    live["fields"]["notes"] = "Felt **strong**"
    trashed["fields"]["notes"] = "Cut short"
    instances[0]["fields"]["notes"] = "Grip slipped"
    instances[1]["fields"]["notes"] = "   "
    return document, {"session": live, "trashed": trashed, "instance": instances[0]}


@pytest.mark.django_db(transaction=True)
def test_a_document_of_the_older_format_brings_its_notes_text_in_as_notes(tmp_path):
    owner = UserFactory(username="owner")
    root = FractalFactory(owner=owner, name="Get strong")
    build_demo_fractal(root)
    document, rows = _older_document(root)
    notes_before = Note.all_objects.filter(root_id=root.pk).count()
    path = tmp_path / "older.json"
    path.write_text(json.dumps(document))
    call_command("flush", interactive=False, verbosity=0)
    UserFactory(username="owner")
    call_command("import_fractal", str(path), stdout=StringIO())
    made = {}
    for name, context in (("session", "session"), ("trashed", "session"), ("instance", "instance")):
        item = rows[name]
        note = Note.all_objects.get(pk=field_note_id(context, uuid.UUID(item["pk"])))
        assert str(getattr(note, f"{context}_id")) == item["pk"] and str(note.root_id) == str(root.pk)
        assert note.created_at.isoformat() == item["fields"]["created_at"]
        assert (note.deleted_at is None) == (item["fields"]["deleted_at"] is None)
        made[name] = note.body
    assert made == {"session": "Felt **strong**", "trashed": "Cut short", "instance": "Grip slipped"}
    # The text of spaces alone made nothing; the notes the document already had are all there.
    assert Note.all_objects.filter(root_id=root.pk).count() == notes_before + 3


def test_a_document_whose_notes_text_is_not_text_is_refused_and_writes_nothing(demo, tmp_path):
    document, rows = _older_document(demo)
    rows["instance"]["fields"]["notes"] = {"not": "text"}
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document))
    counts = {model: model.all_objects.count() for model in exported_models()}
    with pytest.raises(CommandError, match="its notes are not text"):
        call_command("import_fractal", str(path), owner="owner", stdout=StringIO())
    assert counts == {model: model.all_objects.count() for model in exported_models()}
