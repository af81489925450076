"""State C notes onto the notes of sessions and instances."""

from ..convert import (
    as_int,
    as_uuid,
    text,
)
from ..report import ALREADY_IMPORTED


class NotesStage:
    def _read_notes(self):
        """State C notes → the plain-text notes of sessions and instances (appended in order of
        creation); set notes go to their instance with a "Set N:" prefix; notes of an activity
        definition, and deleted notes, have no place yet and are reported as not kept."""
        rows = sorted(self.read_rows("notes"), key=lambda row: str(row.get("created_at") or ""))
        for row in rows:
            pk = row.get("id")
            content = text(row.get("content")).strip()
            kind = row.get("context_type")
            if not content:
                self.report.skip("notes", pk, "empty note")
                continue
            if row.get("deleted_at"):
                self.report.skip("notes", pk, "a deleted note (deleted notes are not kept)")
                self.report.lost("notes", pk, "deleted note: " + content[:80])
                continue
            if kind == "session":
                target = as_uuid(row.get("session_id") or row.get("context_id"))
                self.notes_for[("session", target)].append(content)
                self.note_rows.append((pk, "session", target))
            elif kind in ("activity_instance", "set"):
                target = as_uuid(row.get("activity_instance_id") or row.get("context_id"))
                if kind == "set":
                    index = as_int(row.get("set_index"))
                    label = f"Set {index + 1}: " if index is not None and index >= 0 else "Set: "
                    content = label + content
                self.notes_for[("instance", target)].append(content)
                self.note_rows.append((pk, "instance", target))
            elif kind == "activity_definition" or row.get("activity_definition_id"):
                self.report.skip("notes", pk, "a note on an activity definition: this version has no place for it")
                self.report.lost("notes", pk, "activity definition note: " + content[:80])
            else:
                self.report.skip("notes", pk, f"unknown note context {kind!r}")

    def _count_notes(self):
        """After sessions and instances are saved: count each note as imported or skipped."""
        for pk, kind, target in self.note_rows:
            if target in self.fresh_ids:
                self.report.imported("notes")
            elif target in self.already_ids:
                self.report.skip("notes", pk, ALREADY_IMPORTED)
            else:
                self.report.skip("notes", pk, f"orphan: its {kind} {target} was not imported")
                self.report.lost("notes", pk, "note of a row that could not be imported")
