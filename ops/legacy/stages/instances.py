"""Activity instances (rows and old JSON exercises), timers read row by row."""

from sessions.models import ActivityInstance
from sessions.models.session import whole_seconds

from ..convert import (
    as_bool,
    as_int,
    as_uuid,
)
from .base import DURATION_TOLERANCE, VALUE_CHUNK, InstanceInfo


class InstancesStage:
    def _instance(self, table, pk, session, activity, row, fallback_order):
        """Build one ActivityInstance or report why not (returns None)."""
        if session not in self.sessions:
            self.report.skip(table, pk, f"orphan: its session {session} does not exist")
            return None
        info = self.activities.get(activity)
        root = self.sessions[session].root
        if info is None:
            self.report.skip(table, pk, f"orphan: its activity definition {activity} does not exist")
            return None
        if info.root != root:
            self.report.skip(table, pk, f"its activity {activity} is in another fractal")
            return None
        created, updated, deleted = self.stamps(table, pk, row, self.sessions[session].created_at)
        session_start = self.sessions[session].started_at
        start = self.timer(row.get("time_start"), session_start, created)
        stop = self.timer(row.get("time_stop"), start, session_start, created)
        if stop is not None and (start is None or ActivityInstance.time_order.broken_by(start, stop)):
            self.report.repaired(
                table, pk, "its stop time was before its start (or had no start); the stop was dropped"
            )
            stop = None
        placed = self.section_of.get(pk)
        section, order = None, fallback_order
        if placed and placed[0] == session:
            section, order = placed[1], placed[2]
        duration = whole_seconds(start, stop) if start and stop else None
        legacy_duration = as_int(row.get("duration_seconds"))
        if (
            duration is not None
            and legacy_duration is not None
            and abs(legacy_duration - duration) > DURATION_TOLERANCE
        ):
            self.report.clock("legacy durations disagreeing by over a minute")
            self.report.repaired(
                table,
                pk,
                f"duration_seconds {legacy_duration} → {duration}: the old app's value disagrees with its own "
                "start and stop (written with different clocks); derived from them",
            )
        self._instance_note(table, pk, root, row, (created, updated, deleted), activity)
        self.instances[pk] = InstanceInfo(session, activity, root, created)
        return {
            "id": pk,
            "root_id": root,
            "session_id": session,
            "section_id": section,
            "activity_id": activity,
            "time_start": start,
            "time_stop": stop,
            "duration_seconds": duration,
            "completed": as_bool(row.get("completed")),
            "sort_order": order,
            "created_at": created,
            "updated_at": updated,
            "deleted_at": deleted,
            "import_source": table,
        }

    def _instances(self):
        """Instances are written in chunks; right after each chunk, the set values in its rows' JSON
        ``data`` are read (each blob parsed once, never kept)."""
        chunk, with_data, known = [], [], set()
        self.value_rows = []
        sessions_with_sections = {placed[0] for placed in self.section_of.values()}

        def flush():
            self.save(ActivityInstance, "activity_instances", chunk, self.instances)
            for instance_id, raw in with_data:
                self._json_set_values(instance_id, raw)
            chunk.clear()
            with_data.clear()

        for position, row in enumerate(self.read_rows("activity_instances")):
            pk = self.row_id("activity_instances", row)
            if pk is None:
                continue
            session = as_uuid(row.get("session_id")) or as_uuid(row.get("practice_session_id"))
            legacy_session = as_uuid(row.get("practice_session_id"))
            if row.get("session_id") and legacy_session and legacy_session != session:
                self.report.repaired(
                    "activity_instances",
                    pk,
                    f"practice_session_id {legacy_session} differs from session_id; used {session}",
                )
            order = as_int(row.get("sort_order"))
            instance = self._instance(
                "activity_instances",
                pk,
                session,
                as_uuid(row.get("activity_definition_id")),
                row,
                order if order is not None and order >= 0 else 1000 + position,
            )
            if instance is None:
                continue
            if session in sessions_with_sections and instance["section_id"] is None:
                self.report.repaired(
                    "activity_instances", pk, "not listed in its session's JSON sections; imported without a section"
                )
            chunk.append(instance)
            known.add(pk)
            if row.get("data") not in (None, ""):
                with_data.append((pk, row.get("data")))
            if len(chunk) >= VALUE_CHUNK:
                flush()
        # Older JSON form: exercises whose instance row is missing become instances themselves.
        table = "activity_instances (session JSON)"
        not_placed = set()
        for session, _section, _position, exercise in self.json_exercises:
            pk = as_uuid(exercise.get("instance_id"))
            if pk is None or pk in known:
                continue
            self.report.read(table)
            instance = self._instance(table, pk, session, as_uuid(exercise.get("activity_id")), exercise, 0)
            if instance is None:
                not_placed.add(pk)
            else:
                known.add(pk)
                chunk.append(instance)
                self.report.repaired(table, pk, "created from the session JSON")
        for instance_id, (session, _section, _position) in self.section_of.items():
            if instance_id not in known and session in self.sessions and instance_id not in not_placed:
                self.report.skip(
                    "session_sections",
                    instance_id,
                    "listed in its session's JSON sections but no activity_instances row exists",
                )
        flush()
        self._write_instance_notes()
        self._write_notes()
