"""Load a legacy ``goals.db`` into the current schema, in one transaction, keeping ids.

Every stage reads legacy rows, derives what the new schema needs (roots from parents, sessions out
of the goal tree, rows out of JSON), reports each row it cannot place, and bulk-inserts the rest.
Rows whose id already exists are skipped and reported, so running it twice imports nothing twice.
"""

import contextlib
import datetime
import os
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.db.models.functions import Lower

from activities.models import ActivityDefinition, ActivityGroup, MetricDefinition, SplitDefinition, Target, TargetMetric
from goals.integrity import find_problems, repair
from goals.models import ROOT_LEVELS, SESSION_LEVELS, Goal, GoalLevel
from goals.models.profile import Profile
from sessions.models import (
    ActivityInstance,
    MetricValue,
    PracticeSession,
    PracticeSessionGoal,
    Program,
    ProgramBlock,
    ProgramDay,
    ScheduledSession,
    SessionSection,
    SessionTemplate,
    TemplateActivity,
    TemplateSection,
)
from sessions.models.program import COLOR_RE, WEEKDAYS

from .convert import (
    as_bool,
    as_int,
    as_uuid,
    derived_uuid,
    has_zone,
    load_json,
    parse_date,
    parse_number,
    parse_timestamp,
    text,
)
from .report import ALREADY_IMPORTED, ImportReport
from .source import STATE_B, STATE_C, LegacyFileError, LegacySource

# Errors that mean the file's data has a shape the importer does not know (not a bug in a known
# shape, which the tests cover): the import is refused as a whole instead of crashing.
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
    "notes",
    "activity_instances",
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


@dataclass
class GoalInfo:
    level: str
    root: object
    created_at: object
    deleted_at: object


@dataclass
class ActivityInfo:
    root: object
    has_sets: bool
    has_splits: bool


@dataclass
class SessionInfo:
    root: object
    created_at: object
    started_at: object = None


@dataclass
class InstanceInfo:
    session: object
    activity: object
    root: object
    created_at: object


class LegacyImporter:
    def __init__(self, path, owner, source_tz="UTC", progress=None, ignore=()):
        self.path = path
        self.ignore = tuple(ignore)
        self.owner = owner
        self.local_zone = zoneinfo.ZoneInfo(source_tz)
        self.progress = progress or (lambda line: None)
        self.report = ImportReport(path=str(path))

    # --- entry point ---------------------------------------------------------------------
    def run(self, dry_run=False):
        source = LegacySource(self.path, ignore=self.ignore)
        try:
            self.source = source
            self.report.state = source.state
            self.report.source_tz = self.local_zone.key
            for table, (status, reason) in source.table_status.items():
                self.report.file_tables[table] = {"rows": source.row_counts[table], "status": status, "reason": reason}
            self.report.dry_run = dry_run
            self.file_time = datetime.datetime.fromtimestamp(os.path.getmtime(self.path), tz=datetime.UTC)
            for table in REPORT_ORDER:
                self.report.counts(table)
            try:
                with transaction.atomic():
                    self._import_everything()
                    if dry_run:
                        transaction.set_rollback(True)
            except UNREADABLE_DATA as error:
                # Data of a shape no known file has (hostile or damaged): refuse the whole file; the
                # transaction above has been rolled back, so nothing was written.
                raise LegacyFileError(
                    f"{self.path} holds data this importer cannot read ({type(error).__name__}: {str(error)[:200]})."
                ) from error
        finally:
            source.close()
        return self.report

    def _import_everything(self):
        self.goals, self.activities, self.groups = {}, {}, {}
        self.metrics, self.splits, self.templates = {}, {}, {}
        self.sessions, self.instances = {}, {}
        self.session_extra_goals = defaultdict(list)
        self.fresh_ids, self.already_ids = set(), set()
        self.goal_days = defaultdict(list)  # legacy program day id → goals planned on it
        self.session_days = {}  # session id → legacy program day id
        self.session_objects = {}
        self.notes_for = defaultdict(list)  # ("session" | "instance", id) → note texts, in order
        self.section_of = {}  # instance id → (section id, position)
        self.json_exercises = []  # (session id, section id, position, exercise dict) of the older JSON form
        self.instances_with_json_sets = set()
        self.value_keys = set()
        stages = [
            ("goals", self._goals),
            ("activity library", self._library),
            ("goal targets", self._targets),
            ("templates", self._templates),
            ("practice sessions", self._sessions),
            ("activity instances", self._instances),
            ("metric values", self._values),
            ("programs", self._programs),
            ("integrity", self._final_checks),
            ("owner's time zone", self._owner_time_zone),
        ]
        for number, (name, stage) in enumerate(stages, 1):
            self.progress(f"[{number}/{len(stages)}] {name} …")
            stage()

    # --- helpers ---------------------------------------------------------------------------
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

    def unique_name(self, used, scope, name, table, row_id, deleted):
        """Live names are unique per scope (case-insensitive): rename a clash instead of losing the row."""
        if deleted is not None:
            return name
        candidate, counter = name, 2
        while (scope, candidate.lower()) in used:
            candidate = f"{name} ({counter})"
            counter += 1
        if candidate != name:
            self.report.repaired(table, row_id, f"name {name!r} already used; renamed to {candidate!r}")
        used.add((scope, candidate.lower()))
        return candidate

    def save(self, model, table, objects, available=None):
        """Insert the new objects; report ids that exist already. Returns ids that are unusable."""
        unusable = set()
        if not objects:
            return unusable
        existing = {}
        ids = [obj.pk for obj in objects]
        for start in range(0, len(ids), BATCH):
            existing.update(model.all_objects.filter(pk__in=ids[start : start + BATCH]).values_list("pk", "root_id"))
        fresh = []
        for obj in objects:
            source_table = getattr(obj, "import_source", table)
            if obj.pk in existing:
                if existing[obj.pk] == obj.root_id:
                    self.report.skip(source_table, obj.pk, ALREADY_IMPORTED)
                    self.already_ids.add(obj.pk)
                else:
                    self.report.skip(source_table, obj.pk, "this id is already used by another fractal")
                    unusable.add(obj.pk)
            else:
                fresh.append(obj)
                self.fresh_ids.add(obj.pk)
        model.all_objects.bulk_create(fresh, batch_size=BATCH)
        for obj in fresh:
            # Rows made from JSON are counted under the source they were read from.
            self.report.imported(getattr(obj, "import_source", table))
        if available is not None:
            for pk in unusable:
                available.pop(pk, None)
        return unusable

    def existing_live_names(self, model, scope_field, roots):
        rows = model.all_objects.filter(deleted_at__isnull=True, **{f"{scope_field}__in": roots})
        return {(scope, name) for scope, name in rows.values_list(scope_field, Lower("name"))}

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

    def _goals(self):
        rows = self.source.rows("goals")
        goal_rows, session_rows = {}, {}
        for row in rows:
            kind = row.get("type")
            table = "practice_sessions" if kind == SESSION_TYPE else "goals"
            self.report.read(table)
            pk = self.row_id(table, row)
            if pk is None:
                continue
            if kind == SESSION_TYPE:
                session_rows[pk] = row
            elif kind not in GOAL_TYPES:
                self.report.skip("goals", pk, f"unknown goal type {kind!r}")
            else:
                goal_rows[pk] = row
        self.session_goal_rows = session_rows
        parent_of = {}
        for pk, row in goal_rows.items():
            parent = as_uuid(row.get("parent_id"))
            if parent in session_rows:
                # An ImmediateGoal under a session: it moves under the session's short-term goal
                # and the session links it.
                session_parent = as_uuid(session_rows[parent].get("parent_id"))
                self.session_extra_goals[parent].append(pk)
                self.report.repaired("goals", pk, f"parent was session {parent}; moved under its short-term goal")
                parent = session_parent
            parent_of[pk] = parent

        resolved, reasons = {}, {}

        def resolve(pk, visiting):
            if pk in resolved:
                return resolved[pk]
            if pk in reasons:
                raise Skip(reasons[pk])
            row = goal_rows[pk]
            level = row["type"]
            parent = parent_of[pk]
            try:
                if parent is None:
                    if as_uuid(row.get("parent_id")) in session_rows:
                        raise Skip(f"orphan: its parent session {row.get('parent_id')} has no short-term goal")
                    if row.get("parent_id") not in (None, ""):
                        raise Skip(f"orphan: its parent {row.get('parent_id')} does not exist")
                    if level not in ROOT_LEVELS:
                        raise Skip(f"a fractal root cannot be a {level}")
                    result = (pk, 0)
                elif parent not in goal_rows:
                    raise Skip(f"orphan: its parent {parent} does not exist")
                elif parent in visiting:
                    raise Skip("its parent chain loops back on itself")
                else:
                    try:
                        root, depth = resolve(parent, visiting | {pk})
                    except Skip:
                        raise Skip(f"its parent {parent} could not be imported") from None
                    parent_level = GoalLevel(goal_rows[parent]["type"])
                    if parent_level.next_level != level:
                        raise Skip(f"a {level} cannot be a child of a {parent_level.value}")
                    result = (root, depth + 1)
            except Skip as error:
                reasons[pk] = str(error)
                raise
            resolved[pk] = result
            return result

        for pk in goal_rows:
            with contextlib.suppress(Skip):
                resolve(pk, frozenset())
        for pk, reason in reasons.items():
            self.report.skip("goals", pk, reason)

        objects, sibling_count = [], defaultdict(int)
        ordered = sorted(resolved, key=lambda pk: resolved[pk][1])
        for pk in ordered:
            row = goal_rows[pk]
            root, _depth = resolved[pk]
            parent = parent_of[pk]
            legacy_root = as_uuid(row.get("root_id"))
            if self.source.state == STATE_B:
                if legacy_root is None:
                    self.report.repaired("goals", pk, "root_id was NULL; derived from the parent chain")
                elif legacy_root != root:
                    self.report.repaired("goals", pk, f"root_id pointed at {legacy_root}; derived {root}")
            parent_info = self.goals.get(parent)
            created, updated, deleted = self.stamps("goals", pk, row, parent_info.created_at if parent_info else None)
            sort_order = as_int(row.get("sort_order"))
            if sort_order is None or sort_order < 0:
                sort_order = sibling_count[parent]
            sibling_count[parent] += 1
            name = text(row.get("name"), 255).strip() or "(untitled)"
            completed = as_bool(row.get("completed"))
            completed_at = self.stamp(row.get("completed_at"))
            if completed_at is not None and not completed:
                self.report.repaired("goals", pk, f"completed_at {row.get('completed_at')} on an open goal; dropped")
                completed_at = None
            day = row.get("program_day_id")
            if day not in (None, ""):
                self.goal_days[str(day)].append(pk)
            objects.append(
                Goal(
                    id=pk,
                    root_id=root,
                    parent_id=parent,
                    owner=self.owner if parent is None else None,
                    level=row["type"],
                    name=name,
                    description=text(row.get("description")),
                    deadline=parse_date(row.get("deadline")),
                    completed=completed,
                    completed_at=completed_at,
                    sort_order=sort_order,
                    created_at=created,
                    updated_at=updated,
                    deleted_at=deleted,
                )
            )
            self.goals[pk] = GoalInfo(row["type"], root, created, deleted)
        self.goal_rows = {pk: goal_rows[pk] for pk in resolved}
        self.save(Goal, "goals", objects, self.goals)
        self.roots = {info.root for info in self.goals.values()}

    # --- activity library ------------------------------------------------------------------
    def _library(self):
        used = self.existing_live_names(ActivityGroup, "root", self.roots)
        groups = []
        for position, row in enumerate(self.read_rows("activity_groups")):
            pk = self.row_id("activity_groups", row)
            if pk is None:
                continue
            root = self.fractal_of("activity_groups", pk, row.get("root_id"))
            if root is None:
                continue
            created, updated, deleted = self.stamps("activity_groups", pk, row, self.goals[root].created_at)
            name = self.unique_name(used, root, text(row.get("name"), 255) or "Group", "activity_groups", pk, deleted)
            groups.append(
                ActivityGroup(
                    id=pk,
                    root_id=root,
                    name=name,
                    description=text(row.get("description")),
                    sort_order=max(as_int(row.get("sort_order")) or position, 0),
                    created_at=created,
                    updated_at=updated,
                    deleted_at=deleted,
                )
            )
            self.groups[pk] = root
        self.save(ActivityGroup, "activity_groups", groups, self.groups)

        used = self.existing_live_names(ActivityDefinition, "root", self.roots)
        definitions = []
        for position, row in enumerate(self.read_rows("activity_definitions")):
            pk = self.row_id("activity_definitions", row)
            if pk is None:
                continue
            root = self.fractal_of("activity_definitions", pk, row.get("root_id"))
            if root is None:
                continue
            group = as_uuid(row.get("group_id"))
            if group is not None and self.groups.get(group) != root:
                self.report.repaired("activity_definitions", pk, f"group {group} is missing or elsewhere; ungrouped")
                group = None
            created, updated, deleted = self.stamps("activity_definitions", pk, row, self.goals[root].created_at)
            name = text(row.get("name"), 255) or "Activity"
            name = self.unique_name(used, root, name, "activity_definitions", pk, deleted)
            definition = ActivityDefinition(
                id=pk,
                root_id=root,
                name=name,
                description=text(row.get("description")),
                group_id=group,
                has_sets=as_bool(row.get("has_sets")),
                has_metrics=as_bool(row.get("has_metrics"), default=True),
                metrics_multiplicative=as_bool(row.get("metrics_multiplicative")),
                has_splits=as_bool(row.get("has_splits")),
                sort_order=position,
                created_at=created,
                updated_at=updated,
                deleted_at=deleted,
            )
            definitions.append(definition)
            self.activities[pk] = ActivityInfo(root, definition.has_sets, definition.has_splits)
        self.save(ActivityDefinition, "activity_definitions", definitions, self.activities)

        activity_ids = list(self.activities)
        used = self.existing_live_names(MetricDefinition, "activity", activity_ids)
        top_set = set(
            MetricDefinition.all_objects.filter(
                activity__in=activity_ids, is_top_set_metric=True, deleted_at__isnull=True
            ).values_list("activity_id", flat=True)
        )
        metrics, count = [], defaultdict(int)
        for row in self.read_rows("metric_definitions"):
            pk = self.row_id("metric_definitions", row)
            if pk is None:
                continue
            activity = as_uuid(row.get("activity_id"))
            info = self.activities.get(activity)
            if info is None:
                self.report.skip(
                    "metric_definitions", pk, f"orphan: its activity {row.get('activity_id')} does not exist"
                )
                continue
            legacy_root = as_uuid(row.get("root_id"))
            if legacy_root != info.root and self.source.has("metric_definitions", "root_id"):
                self.report.repaired("metric_definitions", pk, "root_id was NULL or wrong; derived from the activity")
            created, updated, deleted = self.stamps("metric_definitions", pk, row)
            name = self.unique_name(
                used, activity, text(row.get("name"), 100) or "value", "metric_definitions", pk, deleted
            )
            is_top = as_bool(row.get("is_top_set_metric"))
            if is_top and deleted is None:
                if activity in top_set:
                    self.report.repaired("metric_definitions", pk, "a second top-set metric of its activity; unset")
                    is_top = False
                else:
                    top_set.add(activity)
            sort_order = as_int(row.get("sort_order"))
            metrics.append(
                MetricDefinition(
                    id=pk,
                    root_id=info.root,
                    activity_id=activity,
                    name=name,
                    unit=text(row.get("unit"), 30),
                    is_active=as_bool(row.get("is_active"), default=True),
                    is_top_set_metric=is_top,
                    is_multiplicative=as_bool(row.get("is_multiplicative")),
                    sort_order=sort_order if sort_order is not None and sort_order >= 0 else count[activity],
                    created_at=created,
                    updated_at=updated,
                    deleted_at=deleted,
                )
            )
            count[activity] += 1
            self.metrics[pk] = activity
        self.save(MetricDefinition, "metric_definitions", metrics, self.metrics)

        used = self.existing_live_names(SplitDefinition, "activity", activity_ids)
        splits, count = [], defaultdict(int)
        for row in self.read_rows("split_definitions"):
            pk = self.row_id("split_definitions", row)
            if pk is None:
                continue
            activity = as_uuid(row.get("activity_id"))
            info = self.activities.get(activity)
            if info is None:
                self.report.skip(
                    "split_definitions", pk, f"orphan: its activity {row.get('activity_id')} does not exist"
                )
                continue
            created, updated, deleted = self.stamps("split_definitions", pk, row)
            order = as_int(row.get("order"))
            splits.append(
                SplitDefinition(
                    id=pk,
                    root_id=info.root,
                    activity_id=activity,
                    name=self.unique_name(
                        used, activity, text(row.get("name"), 100) or "split", "split_definitions", pk, deleted
                    ),
                    sort_order=order if order is not None and order >= 0 else count[activity],
                    created_at=created,
                    updated_at=updated,
                    deleted_at=deleted,
                )
            )
            count[activity] += 1
            self.splits[pk] = activity
        self.save(SplitDefinition, "split_definitions", splits, self.splits)

    # --- targets (goals.targets JSON) ------------------------------------------------------
    def _targets(self):
        targets, thresholds = [], []
        for goal_id, row in self.goal_rows.items():
            if goal_id not in self.goals:
                continue
            data, problem = load_json(row.get("targets"))
            if problem:
                self.report.skip("targets", goal_id, f"goal targets: {problem}")
                continue
            if not data:
                continue
            goal = self.goals[goal_id]
            for position, item in enumerate(data if isinstance(data, list) else []):
                self.report.read("targets")
                if not isinstance(item, dict):
                    self.report.skip("targets", f"{goal_id}#{position}", "not a target object")
                    continue
                target_id = as_uuid(item.get("id")) or derived_uuid("target", goal_id, item.get("id") or position)
                activity = as_uuid(item.get("activity_id"))
                info = self.activities.get(activity)
                if info is None or info.root != goal.root:
                    self.report.skip(
                        "targets", target_id, f"its activity {item.get('activity_id')} does not exist here"
                    )
                    continue
                pairs = []
                for metric_item in item.get("metrics") or []:
                    self.report.read("target_metrics")
                    metric = as_uuid((metric_item or {}).get("metric_id"))
                    pair_id = derived_uuid("target-metric", target_id, metric)
                    if self.metrics.get(metric) != activity:
                        self.report.skip("target_metrics", pair_id, f"metric {metric} is not a metric of the activity")
                        continue
                    try:
                        threshold = parse_number(metric_item.get("value"))
                    except ValueError as error:
                        self.report.skip("target_metrics", pair_id, str(error))
                        continue
                    if any(existing.metric_id == metric for existing in pairs):
                        self.report.skip("target_metrics", pair_id, "a second threshold for the same metric")
                        continue
                    pairs.append(
                        TargetMetric(
                            id=pair_id,
                            root_id=goal.root,
                            target_id=target_id,
                            metric_id=metric,
                            threshold=threshold,
                            created_at=goal.created_at,
                            updated_at=goal.created_at,
                            deleted_at=goal.deleted_at,
                        )
                    )
                if not pairs:
                    self.report.skip("targets", target_id, "no usable metric threshold")
                    continue
                targets.append(
                    Target(
                        id=target_id,
                        root_id=goal.root,
                        goal_id=goal_id,
                        activity_id=activity,
                        name=text(item.get("name"), 255),
                        description=text(item.get("description")),
                        sort_order=position,
                        created_at=goal.created_at,
                        updated_at=goal.created_at,
                        deleted_at=goal.deleted_at,
                    )
                )
                thresholds.extend(pairs)
        unusable = self.save(Target, "targets", targets)
        self.save(TargetMetric, "target_metrics", [pair for pair in thresholds if pair.target_id not in unusable])

    # --- templates -------------------------------------------------------------------------
    def _templates(self):
        used = self.existing_live_names(SessionTemplate, "root", self.roots)
        templates, sections, entries = [], [], []
        for row in self.read_rows("session_templates"):
            pk = self.row_id("session_templates", row)
            if pk is None:
                continue
            root = self.fractal_of("session_templates", pk, row.get("root_id"))
            if root is None:
                continue
            created, updated, deleted = self.stamps("session_templates", pk, row, self.goals[root].created_at)
            name = self.unique_name(
                used, root, text(row.get("name"), 255) or "Template", "session_templates", pk, deleted
            )
            templates.append(
                SessionTemplate(
                    id=pk,
                    root_id=root,
                    name=name,
                    description=text(row.get("description")),
                    created_at=created,
                    updated_at=updated,
                    deleted_at=deleted,
                )
            )
            self.templates[pk] = root
            data, problem = load_json(row.get("template_data"))
            if problem is None and data is not None and not isinstance(data, dict):
                problem = "not a JSON object"
            if problem:
                self.report.repaired("session_templates", pk, f"template_data: {problem}; imported without sections")
                continue
            for index, section in self.json_objects("session_templates", pk, (data or {}).get("sections"), "sections"):
                self.report.read("template_sections")
                section_id = derived_uuid("template-section", pk, index)
                sections.append(
                    TemplateSection(
                        id=section_id,
                        root_id=root,
                        template_id=pk,
                        name=text(section.get("name"), 255) or f"Section {index + 1}",
                        planned_minutes=_minutes(section.get("duration_minutes")),
                        sort_order=index,
                        created_at=created,
                        updated_at=updated,
                        deleted_at=deleted,
                    )
                )
                listed = [
                    item
                    for key in ("activities", "exercises")
                    for _, item in self.json_objects(
                        "session_templates", pk, section.get(key), f"sections[{index}].{key}"
                    )
                ]
                position = 0
                for item in listed:
                    self.report.read("template_section_activities")
                    activity = as_uuid(item.get("activity_id"))
                    entry_id = derived_uuid("template-activity", section_id, activity, position)
                    info = self.activities.get(activity)
                    if info is None or info.root != root:
                        self.report.skip(
                            "template_section_activities",
                            entry_id,
                            f"activity {item.get('activity_id')} does not exist in this fractal",
                        )
                        continue
                    entries.append(
                        TemplateActivity(
                            id=entry_id,
                            root_id=root,
                            section_id=section_id,
                            activity_id=activity,
                            sort_order=position,
                            created_at=created,
                            updated_at=updated,
                            deleted_at=deleted,
                        )
                    )
                    position += 1
        unusable = self.save(SessionTemplate, "session_templates", templates, self.templates)
        sections = [section for section in sections if section.template_id not in unusable]
        unusable = self.save(TemplateSection, "template_sections", sections)
        self.save(TemplateActivity, "template_section_activities", [e for e in entries if e.section_id not in unusable])

    # --- practice sessions -----------------------------------------------------------------
    def _session_rows(self):
        """(id, row, primary goal id, linked goal ids) for both schema states."""
        links = defaultdict(list)
        for row in self.read_rows("practice_session_goals"):
            session = as_uuid(row.get("practice_session_id"))
            goal = as_uuid(row.get("short_term_goal_id"))
            links[session].append((goal, row))
        if self.source.state == STATE_C:
            for row in self.read_rows("session_goals"):
                session = as_uuid(row.get("session_id"))
                goal = as_uuid(row.get("goal_id"))
                if row.get("goal_type") not in ("short_term", "immediate"):
                    self.report.repaired(
                        "session_goals", f"{session}/{goal}", f"goal_type {row.get('goal_type')!r}; read from the goal"
                    )
                # Short-term links first: the first one is the session's primary goal.
                links[session].append((goal, row))
            for session_links in links.values():
                session_links.sort(key=lambda link: link[1].get("goal_type") != "short_term")
            seen = set()
            for row in self.read_rows("sessions", "practice_sessions"):
                pk = self.row_id("practice_sessions", row)
                if pk is not None and pk not in seen:
                    seen.add(pk)
                    yield pk, row, None, links.pop(pk, [])
            for pk, row in self.session_goal_rows.items():
                if pk not in seen:
                    yield pk, row, as_uuid(row.get("parent_id")), links.pop(pk, [])
        elif self.source.state == STATE_B:
            for pk, row in self.session_goal_rows.items():
                yield pk, row, as_uuid(row.get("parent_id")), links.pop(pk, [])
        else:
            for row in self.read_rows("practice_sessions"):
                pk = self.row_id("practice_sessions", row)
                if pk is not None:
                    yield pk, row, None, links.pop(pk, [])
        for session, orphan_links in links.items():
            for goal, row in orphan_links:
                self.report.skip(
                    "session_goals" if "goal_type" in row else "practice_session_goals",
                    f"{session}/{goal}",
                    f"orphan: session {session} does not exist",
                )

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

    def _sessions(self):
        self.note_rows = []
        self._read_notes()
        sessions, goal_links, sections = [], [], []
        for pk, row, primary, links in self._session_rows():
            candidates = [goal for goal in [primary, *(goal for goal, _ in links)] if goal in self.goals]
            root = self.goals[candidates[0]].root if candidates else None
            if root is None and row.get("root_id") and as_uuid(row.get("root_id")) in self.goals:
                legacy_root = as_uuid(row.get("root_id"))
                if legacy_root != pk:
                    root = self.goals[legacy_root].root
            if root is None:
                self.report.skip("practice_sessions", pk, "orphan: none of its goals exist, so it has no fractal")
                for goal, _ in links:
                    self.report.skip("practice_session_goals", f"{pk}/{goal}", "its session could not be imported")
                continue
            legacy_root = as_uuid(row.get("root_id"))
            if self.source.state == STATE_B and legacy_root != root:
                self.report.repaired("practice_sessions", pk, "root_id was NULL, its own id or wrong; derived")
            data, problem = load_json(row.get("attributes") or row.get("session_data"))
            if problem or not isinstance(data, dict):
                if problem:
                    self.report.repaired("practice_sessions", pk, f"session JSON {problem}; imported without sections")
                data = {}
            created, updated, deleted = self.stamps("practice_sessions", pk, row, self.goals[root].created_at)
            started = self.timer(row.get("session_start") or data.get("session_start"), created)
            ended = self.timer(row.get("session_end") or data.get("session_end"), started, created)
            if started and ended and ended < started:
                self.report.repaired("practice_sessions", pk, "its end was before its start; the end was dropped")
                ended = None
            total = as_int(row.get("total_duration_seconds"))
            if total is None or total < 0:
                total = int((ended - started).total_seconds()) if started and ended else None
            template = as_uuid(row.get("template_id")) or as_uuid(data.get("template_id"))
            if template is not None and self.templates.get(template) != root:
                template = None
            completed = as_bool(row.get("completed"))
            completed_at = self.stamp(row.get("completed_at")) if row.get("completed_at") else None
            if completed_at is not None and not completed:
                self.report.repaired(
                    "practice_sessions", pk, f"completed_at {row.get('completed_at')} on an open session; dropped"
                )
                completed_at = None
            elif completed and completed_at is None:
                completed_at = ended or updated
            if row.get("program_day_id") not in (None, ""):
                self.session_days[pk] = str(row.get("program_day_id"))
            sessions.append(
                PracticeSession(
                    id=pk,
                    root_id=root,
                    name=text(row.get("name"), 255) or data.get("template_name") or "Practice session",
                    description=text(row.get("description")),
                    template_id=template,
                    started_at=started,
                    ended_at=ended,
                    planned_minutes=_minutes(row.get("duration_minutes"))
                    or _minutes(data.get("total_duration_minutes")),
                    total_duration_seconds=total,
                    completed=completed,
                    completed_at=completed_at,
                    notes="\n\n".join(self.notes_for.get(("session", pk), [])),
                    created_at=created,
                    updated_at=updated,
                    deleted_at=deleted,
                )
            )
            self.sessions[pk] = SessionInfo(root, created, started)
            self.session_objects[pk] = sessions[-1]
            # Goal links: the primary short-term goal, the link table, immediate goals under it.
            wanted = []
            if primary is not None:
                wanted.append((primary, "its primary goal"))
            wanted += [
                (goal, "a session_goals row" if "goal_type" in link_row else "a practice_session_goals row")
                for goal, link_row in links
            ]
            wanted += [(goal, "an immediate goal under it") for goal in self.session_extra_goals.get(pk, [])]
            seen = set()
            for goal, origin in wanted:
                link_id = derived_uuid("session-goal", pk, goal)
                info = self.goals.get(goal)
                if goal in seen:
                    continue
                seen.add(goal)
                link_table = "session_goals" if origin == "a session_goals row" else "practice_session_goals"
                if info is None:
                    self.report.skip(link_table, link_id, f"{origin} {goal} does not exist")
                elif info.root != root:
                    self.report.skip(link_table, link_id, f"{origin} {goal} is in another fractal")
                elif info.level not in SESSION_LEVELS:
                    self.report.skip(link_table, link_id, f"{origin} {goal} is a {info.level}")
                else:
                    link = PracticeSessionGoal(
                        id=link_id,
                        root_id=root,
                        session_id=pk,
                        goal_id=goal,
                        created_at=created,
                        updated_at=created,
                        deleted_at=deleted,
                    )
                    link.import_source = link_table
                    goal_links.append(link)
            for index, section in self.json_objects("practice_sessions", pk, data.get("sections"), "sections"):
                self.report.read("session_sections")
                section_id = derived_uuid("session-section", pk, index)
                sections.append(
                    SessionSection(
                        id=section_id,
                        root_id=root,
                        session_id=pk,
                        name=text(section.get("name"), 255) or f"Section {index + 1}",
                        planned_minutes=_minutes(section.get("duration_minutes")),
                        sort_order=index,
                        created_at=created,
                        updated_at=updated,
                        deleted_at=deleted,
                    )
                )
                listed_ids = section.get("activity_ids")
                for position, instance in enumerate(listed_ids if isinstance(listed_ids, list) else []):
                    instance_id = as_uuid(instance)
                    if instance_id is not None:
                        self.section_of[instance_id] = (pk, section_id, position)
                where = f"sections[{index}].exercises"
                for position, exercise in self.json_objects("practice_sessions", pk, section.get("exercises"), where):
                    instance_id = as_uuid(exercise.get("instance_id"))
                    if instance_id is not None:
                        self.section_of[instance_id] = (pk, section_id, position)
                    self.json_exercises.append((pk, section_id, position, exercise))
        unusable = self.save(PracticeSession, "practice_sessions", sessions, self.sessions)
        self.save(
            PracticeSessionGoal, "practice_session_goals", [x for x in goal_links if x.session_id not in unusable]
        )
        self.save(SessionSection, "session_sections", [x for x in sections if x.session_id not in unusable])

    # --- activity instances ----------------------------------------------------------------
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
        if stop is not None and (start is None or stop < start):
            self.report.repaired(
                table, pk, "its stop time was before its start (or had no start); the stop was dropped"
            )
            stop = None
        placed = self.section_of.get(pk)
        section, order = None, fallback_order
        if placed and placed[0] == session:
            section, order = placed[1], placed[2]
        duration = int((stop - start).total_seconds()) if start and stop else None
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
        notes = [text(row.get("notes")).strip()] if text(row.get("notes")).strip() else []
        notes += self.notes_for.get(("instance", pk), [])
        self.instances[pk] = InstanceInfo(session, activity, root, created)
        instance = ActivityInstance(
            id=pk,
            root_id=root,
            session_id=session,
            section_id=section,
            activity_id=activity,
            time_start=start,
            time_stop=stop,
            duration_seconds=duration,
            completed=as_bool(row.get("completed")),
            notes="\n\n".join(notes),
            sort_order=order,
            created_at=created,
            updated_at=updated,
            deleted_at=deleted,
        )
        instance.import_source = table
        return instance

    def _instances(self):
        objects, self.instance_data = [], {}
        sessions_with_sections = {placed[0] for placed in self.section_of.values()}
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
            if session in sessions_with_sections and instance.section_id is None:
                self.report.repaired(
                    "activity_instances", pk, "not listed in its session's JSON sections; imported without a section"
                )
            objects.append(instance)
            self.instance_data[pk] = row.get("data")
        # Older JSON form: exercises whose instance row is missing become instances themselves.
        known = {obj.pk for obj in objects}
        for session, _section, _position, exercise in self.json_exercises:
            pk = as_uuid(exercise.get("instance_id"))
            if pk is None or pk in known:
                continue
            self.report.read("activity_instances (session JSON)")
            instance = self._instance(
                "activity_instances (session JSON)", pk, session, as_uuid(exercise.get("activity_id")), exercise, 0
            )
            if instance is not None:
                known.add(pk)
                objects.append(instance)
                self.report.repaired("activity_instances (session JSON)", pk, "created from the session JSON")
        for instance_id, (session, _section, _position) in self.section_of.items():
            reported = self.report.reasons_for("activity_instances (session JSON)", instance_id)
            if instance_id not in known and session in self.sessions and not reported:
                self.report.skip(
                    "session_sections",
                    instance_id,
                    "listed in its session's JSON sections but no activity_instances row exists",
                )
        self.save(ActivityInstance, "activity_instances", objects, self.instances)
        self._count_notes()

    # --- metric values ---------------------------------------------------------------------
    def _value(self, table, pk, instance_id, metric_id, split_id, set_number, raw_value, created=None):
        instance = self.instances.get(instance_id)
        if instance is None:
            self.report.skip(table, pk, f"orphan: its activity instance {instance_id} does not exist")
            return None
        if metric_id not in self.metrics:
            self.report.skip(table, pk, f"orphan: its metric definition {metric_id} does not exist")
            return None
        if self.metrics[metric_id] != instance.activity:
            self.report.skip(table, pk, f"metric {metric_id} belongs to another activity")
            return None
        activity = self.activities[instance.activity]
        if activity.has_splits:
            if split_id is None or self.splits.get(split_id) != instance.activity:
                self.report.skip(table, pk, "its activity records values per split but no valid split is given")
                return None
        elif split_id is not None:
            self.report.repaired(table, pk, "a split on an activity without splits; the split was dropped")
            split_id = None
        if activity.has_sets and set_number is None:
            if instance_id in self.instances_with_json_sets:
                self.report.skip(table, pk, "a plain value of a set-based activity whose sets are in the JSON")
                return None
            self.report.repaired(table, pk, "a plain value of a set-based activity; recorded as set 1")
            set_number = 1
        elif not activity.has_sets and set_number is not None:
            self.report.skip(table, pk, "a set value of an activity that does not record sets")
            return None
        try:
            value = parse_number(raw_value)
        except ValueError as error:
            self.report.skip(table, pk, str(error))
            return None
        key = (instance_id, metric_id, split_id, set_number)
        if key in self.value_keys:
            self.report.skip(table, pk, "a second value for the same metric, split and set")
            return None
        self.value_keys.add(key)
        created = created or instance.created_at
        value = MetricValue(
            id=pk,
            root_id=instance.root,
            instance_id=instance_id,
            metric_id=metric_id,
            split_id=split_id,
            set_number=set_number,
            value=value,
            created_at=created,
            updated_at=created,
        )
        value.import_source = table
        return value

    def _add_value(self, objects, value):
        """Values are written in chunks so that the largest table never sits in memory whole."""
        objects.append(value)
        if len(objects) >= VALUE_CHUNK:
            self.save(MetricValue, "metric_values", objects)
            objects.clear()

    def _values(self):
        objects = []
        json_sets = {}
        for instance_id, raw in self.instance_data.items():
            data, problem = load_json(raw)
            if problem:
                self.report.skip("metric_values (JSON sets)", instance_id, f"activity_instances.data: {problem}")
                continue
            sets = (data or {}).get("sets") if isinstance(data, dict) else None
            if sets:
                json_sets[instance_id] = sets
                self.instances_with_json_sets.add(instance_id)
        for row in self.read_rows("metric_values"):
            pk = self.row_id("metric_values", row)
            if pk is None:
                continue
            instance_id = as_uuid(row.get("activity_instance_id"))
            if instance_id in self.instances and row.get("root_id") is not None:
                if as_uuid(row.get("root_id")) != self.instances[instance_id].root:
                    self.report.repaired("metric_values", pk, "root_id differed from its instance's; derived")
            elif instance_id in self.instances and self.source.has("metric_values", "root_id"):
                self.report.repaired("metric_values", pk, "root_id was NULL; derived from its instance")
            created, _updated, _deleted = (
                self.stamps("metric_values", pk, row, None) if row.get("created_at") else (None,) * 3
            )
            value = self._value(
                "metric_values",
                pk,
                instance_id,
                as_uuid(row.get("metric_definition_id")),
                as_uuid(row.get("split_definition_id")),
                None,
                row.get("value"),
                created,
            )
            if value is not None:
                self._add_value(objects, value)
        table = "metric_values (JSON sets)"
        for instance_id, sets in json_sets.items():
            if not isinstance(sets, list):
                self.report.skip(table, instance_id, "activity_instances.data: sets is not a list")
                continue
            for number, item in enumerate(sets, 1):
                metrics = item.get("metrics") if isinstance(item, dict) else None
                if not isinstance(metrics, list):
                    if item:
                        self.report.skip(table, instance_id, f"activity_instances.data: set {number} is malformed")
                    continue
                for metric_item in metrics:
                    if not isinstance(metric_item, dict):
                        self.report.skip(
                            table, instance_id, f"activity_instances.data: a value of set {number} is malformed"
                        )
                        continue
                    self.report.read(table)
                    metric = as_uuid(metric_item.get("metric_id"))
                    split = as_uuid(metric_item.get("split_id"))
                    pk = derived_uuid("set-value", instance_id, number, metric, split)
                    value = self._value(table, pk, instance_id, metric, split, number, metric_item.get("value"))
                    if value is not None:
                        self._add_value(objects, value)
        table = "metric_values (session JSON)"
        for _session, _section, _position, exercise in self.json_exercises:
            instance_id = as_uuid(exercise.get("instance_id"))
            if instance_id in self.instances_with_json_sets:
                continue
            cells = [(None, metric) for metric in exercise.get("metrics") or []]
            for number, item in enumerate(exercise.get("sets") or [], 1):
                cells += [(number, metric) for metric in (item or {}).get("metrics") or []]
            for number, metric_item in cells:
                if not isinstance(metric_item, dict):
                    continue
                metric = as_uuid(metric_item.get("metric_id"))
                split = as_uuid(metric_item.get("split_id"))
                pk = derived_uuid("exercise-value", instance_id, number, metric, split)
                if instance_id in self.instances and (instance_id, metric, split, number) in self.value_keys:
                    continue  # already recorded in metric_values
                self.report.read(table)
                value = self._value(table, pk, instance_id, metric, split, number, metric_item.get("value"))
                if value is not None:
                    self._add_value(objects, value)
        self.save(MetricValue, "metric_values", objects)

    # --- programs --------------------------------------------------------------------------
    def _programs(self):
        programs, blocks, days, scheduled, program_goals, block_goals = [], [], [], [], [], []
        block_by_legacy = {}
        block_days_in_table = set()
        day_rows = list(self.read_rows("program_days"))
        for row in day_rows:
            block_days_in_table.add(str(row.get("block_id")))
        block_rows = defaultdict(list)
        for row in self.read_rows("program_blocks"):
            block_rows[str(row.get("program_id"))].append(("table", row))
        for row in self.read_rows("programs"):
            pk = self.row_id("programs", row)
            if pk is None:
                continue
            root = self.fractal_of("programs", pk, row.get("root_id"))
            if root is None:
                continue
            created, updated, deleted = self.stamps("programs", pk, row, self.goals[root].created_at)
            start, end = parse_date(row.get("start_date")), parse_date(row.get("end_date"))
            if start and end and end < start:
                self.report.repaired("programs", pk, "its end date was before its start; the end was dropped")
                end = None
            programs.append(
                Program(
                    id=pk,
                    root_id=root,
                    name=text(row.get("name"), 255) or "Program",
                    description=text(row.get("description")),
                    start_date=start,
                    end_date=end,
                    is_active=as_bool(row.get("is_active"), default=True),
                    created_at=created,
                    updated_at=updated,
                    deleted_at=deleted,
                )
            )
            program_goals += [(pk, goal) for goal in self._goal_ids("programs", pk, row.get("goal_ids"), root)]
            schedule, problem = load_json(row.get("weekly_schedule"))
            if problem:
                self.report.repaired("programs", pk, f"weekly_schedule: {problem}; ignored")
                schedule = []
            entries = list(block_rows.pop(str(row.get("id")), []))
            for item in schedule if isinstance(schedule, list) else []:
                if isinstance(item, dict):
                    self.report.read("program_blocks (weekly_schedule)")
                    entries.append(("json", item))
            for position, (origin, item) in enumerate(entries):
                table = "program_blocks" if origin == "table" else "program_blocks (weekly_schedule)"
                legacy = str(item.get("id") or f"{pk}-{position}")
                if legacy in block_by_legacy:
                    continue  # the same block in the table and in the JSON
                block_id = as_uuid(legacy) or derived_uuid("program-block", pk, legacy)
                start = parse_date(item.get("start_date") or item.get("startDate")) or programs[-1].start_date
                end = parse_date(item.get("end_date") or item.get("endDate")) or programs[-1].end_date or start
                if start is None:
                    self.report.skip(table, legacy, "the block has no dates")
                    continue
                if end < start:
                    self.report.repaired(table, legacy, "its end was before its start; it now ends on its start")
                    end = start
                color = item.get("color") or ""
                if not COLOR_RE.match(color):
                    color = "#4f7cac"
                blocks.append(
                    ProgramBlock(
                        id=block_id,
                        root_id=root,
                        program_id=pk,
                        name=text(item.get("name"), 255) or f"Block {position + 1}",
                        start_date=start,
                        end_date=end,
                        color=color,
                        legacy_id="" if as_uuid(legacy) else legacy[:40],
                        sort_order=position,
                        created_at=created,
                        updated_at=updated,
                        deleted_at=deleted,
                    )
                )
                blocks[-1].import_source = table
                block_by_legacy[legacy] = (block_id, root, start, end, created, deleted)
                block_goals += [
                    (block_id, goal)
                    for goal in self._goal_ids(table, legacy, item.get("goal_ids") or item.get("goalIds"), root)
                ]
                weekly = item.get("weeklySchedule")
                if origin == "json" and isinstance(weekly, dict) and legacy not in block_days_in_table:
                    days_made, sessions_made = self._days_from_schedule(block_id, root, start, end, weekly, created)
                    days += days_made
                    scheduled += sessions_made
        for program_id, entries in block_rows.items():
            for _origin, item in entries:
                self.report.skip("program_blocks", item.get("id"), f"orphan: its program {program_id} does not exist")
        day_ids, used_dates, day_blocks, completed_days = {}, set(), {}, set()
        for position, row in enumerate(day_rows):
            pk = as_uuid(row.get("id")) or derived_uuid("program-day", row.get("block_id"), row.get("id"))
            block = block_by_legacy.get(str(row.get("block_id")))
            if block is None:
                self.report.skip("program_days", pk, f"orphan: its block {row.get('block_id')} does not exist")
                continue
            block_id, root, _start, _end, created, deleted = block
            date, number = parse_date(row.get("date")), as_int(row.get("day_number"))
            if date is None and (number is None or number < 0):
                self.report.skip("program_days", pk, "the day has neither a date nor a day number")
                continue
            if date is not None and (block_id, date) in used_dates:
                self.report.skip("program_days", pk, "a second day on the same date of the block")
                continue
            used_dates.add((block_id, date))
            days.append(
                ProgramDay(
                    id=pk,
                    root_id=root,
                    block_id=block_id,
                    date=date,
                    day_number=number,
                    name=text(row.get("name"), 255),
                    notes=text(row.get("notes")),
                    sort_order=position,
                    created_at=created,
                    updated_at=created,
                    deleted_at=deleted,
                )
            )
            day_ids[str(row.get("id"))] = (pk, root, created, deleted)
            day_blocks[pk] = block_id
            if as_bool(row.get("is_completed")):
                completed_days.add(pk)
        for position, row in enumerate(self.read_rows("scheduled_sessions")):
            pk = as_uuid(row.get("id")) or derived_uuid("scheduled-session", row.get("day_id"), row.get("id"))
            day = day_ids.get(str(row.get("day_id")))
            if day is None:
                self.report.skip("scheduled_sessions", pk, f"orphan: its day {row.get('day_id')} does not exist")
                continue
            day_id, root, created, deleted = day
            template = as_uuid(row.get("session_template_id"))
            if template is not None and self.templates.get(template) != root:
                self.report.repaired("scheduled_sessions", pk, f"template {template} does not exist here; unset")
                template = None
            scheduled.append(
                ScheduledSession(
                    id=pk,
                    root_id=root,
                    day_id=day_id,
                    template_id=template,
                    completed=as_bool(row.get("is_completed")),
                    sort_order=position,
                    created_at=created,
                    updated_at=created,
                    deleted_at=deleted,
                )
            )
        scheduled += self._day_templates(day_ids, scheduled)
        scheduled += self._link_sessions_to_days(day_ids, scheduled)
        self._complete_days(completed_days, scheduled)
        block_goals += self._goals_of_days(day_ids, day_blocks)
        unusable = self.save(Program, "programs", programs)
        blocks = [block for block in blocks if block.program_id not in unusable]
        unusable_blocks = self.save(ProgramBlock, "program_blocks", blocks)
        unusable_days = self.save(ProgramDay, "program_days", [d for d in days if d.block_id not in unusable_blocks])
        self.save(ScheduledSession, "scheduled_sessions", [s for s in scheduled if s.day_id not in unusable_days])
        self._links(Program.goals.through, "program_id", program_goals, "program_goals")
        self._links(ProgramBlock.goals.through, "programblock_id", block_goals, "program_block_goals")

    def _day_templates(self, day_ids, scheduled):
        """State C ``program_day_templates`` (the templates planned on a day) → scheduled sessions."""
        table = "program_day_templates"
        planned = {(obj.day_id, obj.template_id) for obj in scheduled}
        per_day = defaultdict(int)
        for obj in scheduled:
            per_day[obj.day_id] += 1
        made = []
        for row in self.read_rows(table):
            legacy_day, template = str(row.get("program_day_id")), as_uuid(row.get("session_template_id"))
            pk = as_uuid(row.get("id")) or derived_uuid("day-template", legacy_day, template, row.get("order"))
            day = day_ids.get(legacy_day)
            if day is None:
                self.report.skip(table, pk, f"orphan: its day {legacy_day} does not exist")
                continue
            day_id, root, created, deleted = day
            if template is None or self.templates.get(template) != root:
                self.report.skip(table, pk, f"its template {row.get('session_template_id')} does not exist here")
                continue
            if (day_id, template) in planned:
                self.report.skip(table, pk, "the same template is already scheduled on this day (scheduled_sessions)")
                continue
            planned.add((day_id, template))
            order = as_int(row.get("order"))
            obj = ScheduledSession(
                id=pk,
                root_id=root,
                day_id=day_id,
                template_id=template,
                sort_order=order if order is not None and order >= 0 else per_day[day_id],
                created_at=created,
                updated_at=created,
                deleted_at=deleted,
            )
            per_day[day_id] += 1
            obj.import_source = table
            made.append(obj)
        return made

    def _link_sessions_to_days(self, day_ids, scheduled):
        """``sessions.program_day_id`` → the session becomes the scheduled session of that day (the one
        of its template, else a free one; a new one when the day has none free)."""
        table = "scheduled_sessions (sessions.program_day_id)"
        made = []
        for session_id, legacy_day in self.session_days.items():
            session = self.session_objects.get(session_id)
            if session is None:
                continue
            day = day_ids.get(legacy_day)
            if day is None or day[1] != session.root_id:
                self.report.repaired(
                    "practice_sessions", session_id, f"program_day_id {legacy_day} does not exist here; not linked"
                )
                continue
            free = [obj for obj in scheduled + made if obj.day_id == day[0] and obj.session_id is None]
            match = next((obj for obj in free if obj.template_id == session.template_id), None)
            match = match or (free[0] if free else None)
            if match is None:
                self.report.read(table)
                match = ScheduledSession(
                    id=derived_uuid("scheduled-session", day[0], session_id),
                    root_id=session.root_id,
                    day_id=day[0],
                    template_id=session.template_id,
                    sort_order=len([obj for obj in scheduled + made if obj.day_id == day[0]]),
                    created_at=session.created_at,
                    updated_at=session.created_at,
                    deleted_at=day[3],
                )
                match.import_source = table
                made.append(match)
            match.session_id = session_id
            match.completed = session.completed
            match.completed_at = session.completed_at
        return made

    def _complete_days(self, completed_days, scheduled):
        """``program_days.is_completed``: a day has no completion of its own here; its scheduled
        sessions carry it."""
        for day in completed_days:
            on_day = [obj for obj in scheduled if obj.day_id == day]
            for obj in on_day:
                if not obj.completed:
                    obj.completed = True
                    self.report.repaired("scheduled_sessions", obj.pk, "its day was marked completed; marked done")
            if not on_day:
                self.report.lost(
                    "program_days", day, "is_completed = 1 on a day with nothing scheduled (days have no completion)"
                )

    def _goals_of_days(self, day_ids, day_blocks):
        """``goals.program_day_id``: days have no goal list here; the goal joins the day's block goals."""
        pairs = []
        for legacy_day, goals in self.goal_days.items():
            day = day_ids.get(legacy_day)
            for goal in goals:
                if goal not in self.goals:
                    continue
                if day is None or self.goals[goal].root != day[1]:
                    self.report.lost("goals", goal, f"program_day_id {legacy_day} does not exist in its fractal")
                    continue
                self.report.repaired(
                    "goals", goal, f"program_day_id {legacy_day}: linked to the day's program block instead"
                )
                pairs.append((day_blocks[day[0]], goal))
        return pairs

    def _days_from_schedule(self, block_id, root, start, end, weekly, created):
        days, scheduled = [], []
        date = start
        while date <= end:
            names = list(weekly.get(WEEKDAYS[date.weekday()]) or []) + list(weekly.get("daily") or [])
            templates = [as_uuid(name) for name in names]
            templates = [template for template in templates if template and self.templates.get(template) == root]
            if templates:
                day_id = derived_uuid("program-day", block_id, date)
                days.append(
                    ProgramDay(
                        id=day_id,
                        root_id=root,
                        block_id=block_id,
                        date=date,
                        sort_order=0,
                        created_at=created,
                        updated_at=created,
                    )
                )
                for position, template in enumerate(templates):
                    scheduled.append(
                        ScheduledSession(
                            id=derived_uuid("scheduled-session", day_id, template, position),
                            root_id=root,
                            day_id=day_id,
                            template_id=template,
                            sort_order=position,
                            created_at=created,
                            updated_at=created,
                        )
                    )
            date += datetime.timedelta(days=1)
        return days, scheduled

    def _goal_ids(self, table, owner_id, raw, root):
        data, problem = load_json(raw)
        if problem:
            self.report.repaired(table, owner_id, f"goal_ids: {problem}; ignored")
            return []
        goals = []
        for value in data if isinstance(data, list) else []:
            goal = as_uuid(value)
            if goal in self.goals and self.goals[goal].root == root:
                goals.append(goal)
            else:
                self.report.repaired(table, owner_id, f"linked goal {value} does not exist in this fractal; dropped")
        return goals

    def _links(self, through, owner_field, pairs, table):
        existing = set(
            through.objects.filter(**{f"{owner_field}__in": {owner for owner, _ in pairs}}).values_list(
                owner_field, "goal_id"
            )
        )
        fresh = [through(**{owner_field: owner, "goal_id": goal}) for owner, goal in set(pairs) - existing]
        through.objects.bulk_create(fresh, batch_size=BATCH)
        self.report.read(table, len(set(pairs)))
        self.report.imported(table, len(fresh))

    def _owner_time_zone(self):
        """--source-tz becomes the owner's time zone while theirs is still the default."""
        profile = Profile.for_user(self.owner)
        default = Profile._meta.get_field("time_zone").default
        zone = self.local_zone.key
        if profile.time_zone == default and zone != default:
            profile.time_zone = zone
            profile.save(update_fields=["time_zone"])
            self.report.repairs.append(
                ("user_profiles", str(self.owner.pk), f"time_zone {default} → {zone} (--source-tz)")
            )

    # --- final checks ----------------------------------------------------------------------
    def _final_checks(self):
        roots = list(self.roots)
        for change in repair(root_ids=roots):
            self.report.repairs.append(("integrity", "", change))
        problems = find_problems(root_ids=roots)
        if problems:
            # The stages above must never produce this; refuse rather than write a broken fractal.
            raise LegacyFileError(
                f"the import would leave {len(problems)} integrity problem(s), e.g. {problems[0]}; rolled back."
            )


def _minutes(value):
    minutes = as_int(value)
    return minutes if minutes is not None and minutes >= 0 else None


def import_legacy(path, owner, source_tz="UTC", dry_run=False, progress=None, ignore=()):
    return LegacyImporter(path, owner, source_tz=source_tz, progress=progress, ignore=ignore).run(dry_run=dry_run)
