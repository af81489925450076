"""The calendar of a program: weeks (Monday to Sunday) × days, built from rows already fetched.

Fetching is the caller's job (a fixed number of queries); this module only lays the rows out.
"""

import datetime
from dataclasses import dataclass, field

MAX_WEEKS = 104  # two years; a longer program shows its first two years


@dataclass
class ScheduledEntry:
    scheduled: object
    status: str  # "done", "missed", "started" or "planned"

    @property
    def session_url(self):
        from .views.common import session_url

        session = self.scheduled.session
        return session_url(session) if session is not None and session.deleted_at is None else None

    @property
    def label(self):
        return {"done": "Done", "missed": "Missed", "started": "Started", "planned": "Planned"}[self.status]


@dataclass
class CalendarCell:
    date: datetime.date
    today: bool
    in_range: bool
    block: object = None
    days: list = field(default_factory=list)  # (ProgramDay, [ScheduledEntry])
    deadlines: list = field(default_factory=list)


def scheduled_status(scheduled, date, today):
    if scheduled.completed:
        return "done"
    if date < today:
        return "missed"
    if scheduled.session_id:
        return "started"
    return "planned"


def calendar_range(program, blocks):
    starts = [day for day in [program.start_date, *(block.start_date for block in blocks)] if day]
    ends = [day for day in [program.end_date, *(block.end_date for block in blocks)] if day]
    if not starts or not ends:
        return None
    return min(starts), max(ends)


def build_calendar(program, blocks, days, deadline_goals, today, week_start=0):
    """Weeks of seven cells covering the program and its blocks, each starting on ``week_start``
    (the user's first weekday: 0 Monday, 6 Sunday).

    ``days``: live ProgramDays with dates, their ``scheduled_sessions`` prefetched;
    ``deadline_goals``: goals whose deadline may fall in a block (shown only when it does).
    """
    span = calendar_range(program, blocks)
    if span is None:
        return []
    first, last = span
    first -= datetime.timedelta(days=(first.weekday() - week_start) % 7)
    last = min(last, first + datetime.timedelta(weeks=MAX_WEEKS) - datetime.timedelta(days=1))
    days_by_date = {}
    for day in days:
        entries = [
            ScheduledEntry(scheduled, scheduled_status(scheduled, day.date, today))
            for scheduled in day.scheduled_sessions.all()
        ]
        days_by_date.setdefault(day.date, []).append((day, entries))
    deadlines_by_date = {}
    for goal in deadline_goals:
        deadlines_by_date.setdefault(goal.deadline, []).append(goal)

    weeks = []
    cursor = first
    while cursor <= last:
        week = []
        for _ in range(7):
            block = next((block for block in blocks if block.start_date <= cursor <= block.end_date), None)
            in_range = span[0] <= cursor <= span[1]
            week.append(
                CalendarCell(
                    date=cursor,
                    today=cursor == today,
                    in_range=in_range,
                    block=block,
                    days=days_by_date.get(cursor, []),
                    deadlines=deadlines_by_date.get(cursor, []) if block else [],
                )
            )
            cursor += datetime.timedelta(days=1)
        weeks.append(week)
    return weeks
