"""Programs, blocks, days, scheduled sessions, day templates, day links."""

import datetime
from collections import defaultdict, deque

from sessions.models import (
    Program,
    ProgramBlock,
    ProgramDay,
    ScheduledSession,
)
from sessions.models.program import COLOR_RE, WEEKDAYS

from ..convert import (
    as_bool,
    as_int,
    as_uuid,
    derived_uuid,
    load_json,
    parse_date,
    text,
)
from ..report import ALREADY_IMPORTED
from .base import BATCH


class ProgramsStage:
    def _cover_blocks(self, program, blocks):
        """A block lies within its program's dates (ProgramBlock's rule): the old app did not
        check it, so a program is widened to cover its blocks."""
        if not blocks:
            return
        first, last = min(block.start_date for block in blocks), max(block.end_date for block in blocks)
        if program.start_date and first < program.start_date:
            self.report.repaired("programs", program.pk, "a block started before it; it now starts with that block")
            program.start_date = first
        if program.end_date and last > program.end_date:
            self.report.repaired("programs", program.pk, "a block ended after it; it now ends with that block")
            program.end_date = last

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
            if Program.time_order.broken_by(start, end):
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
            first_block = len(blocks)
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
                if ProgramBlock.time_order.broken_by(start, end):
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
            self._cover_blocks(programs[-1], blocks[first_block:])
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
        of its template, else a free one; a new one when the day has none free).

        The scheduled sessions are indexed once (free ones per day and per day and template, in their
        order; how many per day), so linking is linear in sessions + scheduled sessions."""
        table = "scheduled_sessions (sessions.program_day_id)"
        made = []
        free_on_day, free_of_template, count_on_day = defaultdict(deque), defaultdict(deque), defaultdict(int)
        for obj in scheduled:
            count_on_day[obj.day_id] += 1
            if obj.session_id is None:
                free_on_day[obj.day_id].append(obj)
                free_of_template[obj.day_id, obj.template_id].append(obj)

        def first_free(queue):
            # A scheduled session linked meanwhile is still in the other queue: dropped here, once.
            while queue and queue[0].session_id is not None:
                queue.popleft()
            return queue[0] if queue else None

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
            match = first_free(free_of_template[day[0], session.template_id]) or first_free(free_on_day[day[0]])
            if match is None:
                self.report.read(table)
                match = ScheduledSession(
                    id=derived_uuid("scheduled-session", day[0], session_id),
                    root_id=session.root_id,
                    day_id=day[0],
                    template_id=session.template_id,
                    sort_order=count_on_day[day[0]],
                    created_at=session.created_at,
                    updated_at=session.created_at,
                    deleted_at=day[3],
                )
                match.import_source = table
                made.append(match)
                count_on_day[day[0]] += 1
            match.session_id = session_id
            match.completed = session.completed
            match.completed_at = session.completed_at
        return made

    def _complete_days(self, completed_days, scheduled):
        """``program_days.is_completed``: a day has no completion of its own here; its scheduled
        sessions carry it."""
        by_day = defaultdict(list)
        for obj in scheduled:
            if obj.day_id in completed_days:
                by_day[obj.day_id].append(obj)
        for day in completed_days:
            on_day = by_day[day]
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
        for owner, goal in sorted(set(pairs) & existing, key=str):
            # Linked by an earlier run: counted, so that read = imported + skipped on a re-run too.
            self.report.skip(table, f"{owner}/{goal}", ALREADY_IMPORTED)
