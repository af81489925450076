"""Practice sessions of every state, their goal links and JSON sections."""

from collections import defaultdict

from goals.models import SESSION_LEVELS
from sessions.models import (
    PracticeSession,
    PracticeSessionGoal,
    SessionSection,
)
from sessions.models.session import whole_seconds

from ..convert import (
    as_bool,
    as_int,
    as_uuid,
    derived_uuid,
    load_json,
    text,
)
from ..source import STATE_B, STATE_C
from .base import SessionInfo, minutes


class SessionsStage:
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

    def _sessions(self):
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
            if PracticeSession.time_order.broken_by(started, ended):
                self.report.repaired("practice_sessions", pk, "its end was before its start; the end was dropped")
                ended = None
            total = as_int(row.get("total_duration_seconds"))
            if total is None or total < 0:
                total = whole_seconds(started, ended) if started and ended else None
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
                    planned_minutes=minutes(row.get("duration_minutes")) or minutes(data.get("total_duration_minutes")),
                    total_duration_seconds=total,
                    completed=completed,
                    completed_at=completed_at,
                    created_at=created,
                    updated_at=updated,
                    deleted_at=deleted,
                )
            )
            self.sessions[pk] = SessionInfo(root, created, started)
            if pk in self.session_days:
                self.session_objects[pk] = sessions[-1]  # only these are looked up again (programs)
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
                    self.json_section(SessionSection, section_id, root, section, index, (created, updated, deleted))
                )
                sections[-1].session_id = pk
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
        self.session_goal_rows = {}  # read: the rows are not needed again
        unusable = self.save(PracticeSession, "practice_sessions", sessions, self.sessions)
        self.save(
            PracticeSessionGoal, "practice_session_goals", [x for x in goal_links if x.session_id not in unusable]
        )
        self.save(SessionSection, "session_sections", [x for x in sections if x.session_id not in unusable])
