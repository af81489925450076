"""What every stage of the legacy import shares: constants, row summaries, row helpers."""

import datetime
from collections import Counter
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import DatabaseError

from goals.models import GoalLevel
from sessions.models import ActivityInstance, PracticeSession

from ..convert import (
    as_int,
    as_uuid,
    has_zone,
    parse_timestamp,
    text,
)
from ..report import ALREADY_IMPORTED
from ..writer import RowWriter

UNREADABLE_DATA = (
    TypeError,
    AttributeError,
    KeyError,
    IndexError,
    ValueError,
    RecursionError,
    ValidationError,
    DatabaseError,
)

BATCH = 500
VALUE_CHUNK = 20000
UTC_AUDIT_FROM = datetime.datetime(2026, 1, 5)  # created_at/updated_at are UTC from this wall time on
UTC_TIMERS_FROM = datetime.datetime(2026, 1, 1)  # timers switched to UTC around this day
DURATION_TOLERANCE = 60  # seconds of disagreement with the legacy duration_seconds worth reporting
SESSION_TYPE = "PracticeSession"
GOAL_TYPES = {level.value for level in GoalLevel}
REPORT_ORDER = [
    "goals",
    "activity_groups",
    "activity_definitions",
    "metric_definitions",
    "split_definitions",
    "targets",
    "target_metrics",
    "session_templates",
    "template_sections",
    "template_section_activities",
    "practice_sessions",
    "practice_session_goals",
    "session_sections",
    "activity_instances",
    "notes",
    "notes (activity_instances.notes)",
    "activity_instances (session JSON)",
    "metric_values",
    "metric_values (JSON sets)",
    "metric_values (session JSON)",
    "programs",
    "program_goals",
    "program_blocks",
    "program_blocks (weekly_schedule)",
    "program_block_goals",
    "program_days",
    "scheduled_sessions",
    "program_day_templates",
    "scheduled_sessions (sessions.program_day_id)",
]


class Skip(Exception):
    pass


@dataclass(slots=True)
class GoalInfo:
    level: str
    root: object
    created_at: object
    deleted_at: object


@dataclass(slots=True)
class ActivityInfo:
    root: object
    has_sets: bool
    has_splits: bool


@dataclass(slots=True)
class SessionInfo:
    root: object
    created_at: object
    started_at: object = None


@dataclass(slots=True)
class InstanceInfo:
    session: object
    activity: object
    root: object
    created_at: object


def minutes(value):
    minutes = as_int(value)
    return minutes if minutes is not None and minutes >= 0 else None


class ImporterBase:
    """Helpers of every stage: clocks, stamps, ids, fractal placement, names, the writer."""

    def local(self, value):
        return parse_timestamp(value, self.local_zone)

    @staticmethod
    def utc(value):
        return parse_timestamp(value, datetime.UTC)

    def stamp(self, value):
        """An audit time (created_at, updated_at, deleted_at, completed_at): naive local time until
        January 5, 2026, naive UTC after (LEGACY_SCHEMA.md, Clocks)."""
        if value is None or str(value).strip() == "":
            return None
        if has_zone(value):
            self.report.clock("audit times with an explicit zone")
            return self.utc(value)
        moment = self.utc(value)
        if moment is None:
            return None
        if moment.replace(tzinfo=None) < UTC_AUDIT_FROM:
            self.report.clock("audit times read as local")
            return self.local(value)
        self.report.clock("audit times read as UTC")
        return moment

    def timer(self, value, *references):
        """A timer or JSON time, naive local in the old app's first weeks and naive UTC later, mixed in
        one table: the reading that lies closest to the row's own references (its created_at, its
        session's start) wins; with no reference, the date of the clock switch decides."""
        if value is None or str(value).strip() == "":
            return None
        if has_zone(value):
            self.report.clock("timer times with an explicit zone")
            return self.utc(value)
        as_utc, as_local = self.utc(value), self.local(value)
        if as_utc is None:
            return None
        references = [reference for reference in references if reference is not None]
        if as_utc == as_local:
            chosen_local = as_utc.replace(tzinfo=None) < UTC_TIMERS_FROM
        elif references:
            distance_utc = min(abs((as_utc - reference).total_seconds()) for reference in references)
            distance_local = min(abs((as_local - reference).total_seconds()) for reference in references)
            if abs(distance_local - distance_utc) < DURATION_TOLERANCE:
                chosen_local = as_utc.replace(tzinfo=None) < UTC_TIMERS_FROM
            else:
                chosen_local = distance_local < distance_utc
        else:
            chosen_local = as_utc.replace(tzinfo=None) < UTC_TIMERS_FROM
        self.report.clock("timer times read as local" if chosen_local else "timer times read as UTC")
        return as_local if chosen_local else as_utc

    def stamps(self, table, row_id, row, fallback=None):
        """created_at / updated_at / deleted_at of a row (naive local times read in --source-tz)."""
        created = self.stamp(row.get("created_at"))
        if created is None:
            created = fallback or self.file_time
            self.report.repaired(
                table, row_id, "created_at missing or unreadable; took the parent's or the file's time"
            )
        updated = self.stamp(row.get("updated_at")) or created
        deleted = self.stamp(row.get("deleted_at"))
        return created, updated, deleted

    def read_rows(self, table, label=None):
        """The rows of ``table``, streamed from the file (counted as read up front)."""
        if self.source.is_read(table):
            self.report.read(label or table, self.source.row_counts[table])
        return self.source.rows(table)

    def row_id(self, table, row):
        value = as_uuid(row.get("id"))
        if value is None:
            self.report.skip(table, row.get("id"), "its id is not a UUID")
        return value

    def fractal_of(self, table, row_id, legacy_root):
        """The fractal a top-level row belongs to, from its legacy root_id; None if unplaceable."""
        root_goal = as_uuid(legacy_root)
        if root_goal is None:
            self.report.skip(table, row_id, "orphan: it has no root_id, so it belongs to no fractal")
            return None
        info = self.goals.get(root_goal)
        if info is None:
            self.report.skip(table, row_id, f"orphan: its fractal root {legacy_root} does not exist")
            return None
        if info.root != root_goal:
            self.report.repaired(table, row_id, f"root_id {legacy_root} is not a fractal root; used {info.root}")
        return info.root

    def unique_name(self, model, taken, scope, name, table, row_id, deleted):
        """The model's live-unique-name rule: rename a clash instead of losing the row (trash names
        may repeat). ``taken`` starts as ``model.live_names(scopes)``."""
        if deleted is not None:
            return name
        candidate = model.free_live_name(taken, scope, name)
        if candidate != name:
            self.report.repaired(table, row_id, f"name {name!r} already used; renamed to {candidate!r}")
        return candidate

    def writer(self, model):
        writers = self.__dict__.setdefault("_writers", {})
        if model not in writers:
            writers[model] = RowWriter(model)
        return writers[model]

    def save(self, model, table, objects, available=None):
        """Insert the new rows (model instances or plain rows: attname → value, ``import_source``
        naming the table a row was read from when it is not ``table``); report ids that exist
        already. Returns the ids that are unusable (taken by another fractal)."""
        unusable = set()
        if not objects:
            return unusable
        writer = self.writer(model)
        rows = [obj if isinstance(obj, dict) else writer.row_of(obj) for obj in objects]
        existing = writer.existing(rows)
        fresh, imported = [], Counter()
        # Only sessions and instances are looked up later (by their notes); values are too many to keep.
        track = model in (PracticeSession, ActivityInstance)
        for row in rows:
            source_table = row.get("import_source", table)
            pk = row["id"]
            if pk in existing:
                if writer.same_root(row, existing[pk]):
                    self.report.skip(source_table, pk, ALREADY_IMPORTED)
                    if track:
                        self.already_ids.add(pk)
                else:
                    self.report.skip(source_table, pk, "this id is already used by another fractal")
                    unusable.add(pk)
            else:
                fresh.append(row)
                # Rows made from JSON are counted under the source they were read from.
                imported[source_table] += 1
                if track:
                    self.fresh_ids.add(pk)
        writer.insert(fresh)
        for source_table, count in imported.items():
            self.report.imported(source_table, count)
        if available is not None:
            for pk in unusable:
                available.pop(pk, None)
        return unusable

    @staticmethod
    def json_section(model, pk, root, section, index, stamps):
        """A section of a session's or a template's JSON (the same shape in both): its name (or
        "Section N"), planned minutes and place; the caller sets the owner."""
        created, updated, deleted = stamps
        return model(
            id=pk,
            root_id=root,
            name=text(section.get("name"), 255) or f"Section {index + 1}",
            planned_minutes=minutes(section.get("duration_minutes")),
            sort_order=index,
            created_at=created,
            updated_at=updated,
            deleted_at=deleted,
        )

    # --- goals -----------------------------------------------------------------------------
    def json_objects(self, table, row_id, items, what):
        """``(index, item)`` for the objects of a legacy JSON list; a list that is something else,
        or an item that is not an object, is reported as dropped instead of stopping the import.
        Indexes count every item, so ids derived from them stay the same."""
        if items is None:
            return
        if not isinstance(items, list):
            self.report.repaired(table, row_id, f"{what} is not a JSON list; dropped")
            return
        for index, item in enumerate(items):
            if isinstance(item, dict):
                yield index, item
            else:
                self.report.repaired(table, row_id, f"{what}[{index}] is not a JSON object; dropped")
