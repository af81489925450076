"""Notes: state C's ``notes`` table and the plain ``activity_instances.notes`` text, as first-class notes."""

from sessions.models import Note, field_note_id
from sessions.models.note import NOTE_MAX_LENGTH

from ..convert import (
    as_bool,
    as_int,
    as_uuid,
    text,
)

# The report line of the notes made from ``activity_instances.notes`` (states B and C, and the
# ``notes`` of exercises in the older session JSON).
INSTANCE_NOTES = "notes (activity_instances.notes)"
NOTE_CONTEXTS = {"session", "activity_instance", "set", "activity_definition"}


class NotesStage:
    def _read_notes(self):
        """Read state C's notes (before sessions are built); they are written once their session,
        instance or activity is (``_write_notes``). Deleted notes are kept, in the trash."""
        self.pending_notes = []
        for row in self.read_rows("notes"):
            pk = self.row_id("notes", row)
            if pk is None:
                continue
            content = text(row.get("content"))
            if not content.strip():
                self.report.skip("notes", pk, "empty note")
                continue
            kind = row.get("context_type")
            if kind not in NOTE_CONTEXTS:
                # Older rows may lack the type; the filled key says what the note is on.
                kind = next(
                    (
                        name
                        for name, key in (
                            ("set", "set_index"),
                            ("activity_instance", "activity_instance_id"),
                            ("session", "session_id"),
                            ("activity_definition", "activity_definition_id"),
                        )
                        if row.get(key) not in (None, "") and (name != "set" or row.get("activity_instance_id"))
                    ),
                    None,
                )
                if kind is None:
                    self.report.skip("notes", pk, f"unknown note context {row.get('context_type')!r}")
                    self.report.lost("notes", pk, "note on nothing this version knows: " + content[:80])
                    continue
                self.report.repaired("notes", pk, f"context_type {row.get('context_type')!r} → {kind} (its filled key)")
            key = {
                "session": "session_id",
                "activity_instance": "activity_instance_id",
                "set": "activity_instance_id",
                "activity_definition": "activity_definition_id",
            }[kind]
            target = as_uuid(row.get(key) or row.get("context_id"))
            set_number = None
            if kind == "set":
                index = as_int(row.get("set_index"))
                if index is None or index < 0:
                    self.report.repaired(
                        "notes", pk, f"set_index {row.get('set_index')!r} is not a set; kept as a note of its instance"
                    )
                else:
                    set_number = index + 1  # the old app counted sets from 0, this one from 1
            if len(content) > NOTE_MAX_LENGTH:
                self.report.repaired("notes", pk, f"{len(content)} characters; cut to {NOTE_MAX_LENGTH}")
                self.report.lost("notes", pk, "the end of a long note: " + content[NOTE_MAX_LENGTH:][:80])
                content = content[:NOTE_MAX_LENGTH]
            pinned = as_bool(row.get("pinned", row.get("is_pinned")))
            self.pending_notes.append((pk, kind, target, set_number, content, pinned, row))

    def _write_notes(self):
        """After instances are saved: every read note hangs on what it was written on, or is reported."""
        rows = []
        for pk, kind, target, set_number, content, pinned, row in self.pending_notes:
            if kind == "activity_definition":
                info = self.activities.get(target)
                where = {"activity_id": target}
                fallback = None
            else:
                info = (self.sessions if kind == "session" else self.instances).get(target)
                if target not in self.fresh_ids and target not in self.already_ids:
                    info = None
                where = {"session_id": target} if kind == "session" else {"instance_id": target}
                fallback = getattr(info, "created_at", None)
            if info is None:
                what = "activity definition" if kind == "activity_definition" else kind.replace("_", " ")
                self.report.skip("notes", pk, f"orphan: its {what} {target} was not imported")
                self.report.lost("notes", pk, "note of a row that could not be imported: " + content[:80])
                continue
            created, updated, deleted = self.stamps("notes", pk, row, fallback)
            cue_activity = target if kind == "activity_definition" else getattr(info, "activity", None)
            rows.append(
                {
                    "id": pk,
                    "root_id": info.root,
                    "body": content,
                    "pinned": pinned,
                    "set_number": set_number,
                    "created_at": created,
                    "updated_at": updated,
                    "deleted_at": deleted,
                    "cue_activity_id": cue_activity,
                    **where,
                }
            )
        self.save(Note, "notes", rows)
        self.pending_notes = []

    def _instance_note(self, table, pk, root, row, stamps, activity=None):
        """The plain ``notes`` text of an instance row (or a JSON exercise), as a note of the instance."""
        body = text(row.get("notes"))
        if not body.strip():
            return
        self.report.read(INSTANCE_NOTES)
        created, updated, deleted = stamps
        self.instance_notes.append(
            {
                "id": field_note_id("instance", pk),
                "root_id": root,
                "instance_id": pk,
                "cue_activity_id": activity,
                "body": body[:NOTE_MAX_LENGTH],
                "pinned": False,
                "created_at": created,
                "updated_at": updated,
                "deleted_at": deleted,
                "import_source": INSTANCE_NOTES,
            }
        )
        if len(body) > NOTE_MAX_LENGTH:
            self.report.lost(table, pk, "the end of a long note: " + body[NOTE_MAX_LENGTH:][:80])

    def _write_instance_notes(self):
        usable = []
        for note in self.instance_notes:
            instance = note["instance_id"]
            if instance in self.instances and (instance in self.fresh_ids or instance in self.already_ids):
                usable.append(note)
            else:
                self.report.skip(INSTANCE_NOTES, instance, "its instance was not imported")
                self.report.lost(
                    INSTANCE_NOTES, instance, "note of a row that could not be imported: " + note["body"][:80]
                )
        self.save(Note, INSTANCE_NOTES, usable)
        self.instance_notes = []
