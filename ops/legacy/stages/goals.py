"""The goal tree: levels, parents, roots derived, sessions-as-goals set aside (state B)."""

import contextlib
from collections import defaultdict

from goals.models import ROOT_LEVELS, Goal, GoalLevel

from ..convert import (
    as_bool,
    as_int,
    as_uuid,
    parse_date,
    text,
)
from ..source import STATE_B
from .base import (
    GOAL_TYPES,
    SESSION_TYPE,
    GoalInfo,
    Skip,
)


class GoalsStage:
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
                    if not parent_level.may_parent(level):
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
        # Only the targets JSON of the goals is read again (the targets stage): not the whole rows.
        self.goal_targets = {pk: goal_rows[pk].get("targets") for pk in resolved if goal_rows[pk].get("targets")}
        self.save(Goal, "goals", objects, self.goals)
        self.roots = {info.root for info in self.goals.values()}
