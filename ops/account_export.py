"""Everything a user owns, as a streamed ZIP; and the user's private calendar feed.

The ZIP holds one ``export_fractal`` JSON document per fractal (the versioned format that
``import_fractal`` reads back) and four CSV files a spreadsheet opens: one row per recorded
value, per session (with its notes), per goal, per note. It is written member by member into a
small buffer that is drained after each piece, so a large export never sits in memory whole.

(Placed in ``sessions`` for now; it belongs with the portability code in ``ops``.)
"""

import csv
import datetime
import io
import zipfile

from django.db.models import Prefetch
from django.utils import timezone
from icalendar import Calendar, Event

from goals.models import Goal
from sessions.models import MetricValue, Note, PracticeSession, ScheduledSession
from sessions.notes import NOTE_RELATED

from .portability import dumps, export_fractal

VALUE_COLUMNS = ["fractal", "date", "session", "activity", "set", "split", "metric", "value", "unit"]
SESSION_COLUMNS = [
    "fractal",
    "session_id",
    "name",
    "date",
    "started_at",
    "ended_at",
    "duration_minutes",
    "completed",
    "notes",
]
NOTE_COLUMNS = ["fractal", "note_id", "created_at", "updated_at", "on", "on_name", "set", "pinned", "body"]
GOAL_COLUMNS = [
    "fractal",
    "goal_id",
    "level",
    "name",
    "parent_id",
    "deadline",
    "completed",
    "completed_at",
    "created_at",
]


class _Buffer(io.RawIOBase):
    """A write-only, non-seekable sink that the streaming generator empties as it goes."""

    def __init__(self):
        self.chunks = []

    def writable(self):
        return True

    def write(self, data):
        self.chunks.append(bytes(data))
        return len(data)

    def drain(self):
        data = b"".join(self.chunks)
        self.chunks = []
        return data


def _local(moment):
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else ""


def _session_date(session):
    moment = session.started_at or session.created_at
    return timezone.localdate(moment).isoformat() if moment else ""


def value_rows(user):
    values = (
        MetricValue.objects.owned_by(user)
        .filter(instance__deleted_at__isnull=True, instance__session__deleted_at__isnull=True)
        .select_related("root", "instance__session", "instance__activity", "metric", "split")
        .order_by("instance__session__started_at", "instance__session_id", "instance__sort_order", "set_number")
    )
    for value in values.iterator(chunk_size=2000):
        session = value.instance.session
        yield [
            value.root.name,
            _session_date(session),
            session.name,
            value.instance.activity.name,
            value.set_number if value.set_number is not None else "",
            value.split.name if value.split_id else "",
            value.metric.name,
            value.value,
            value.metric.unit,
        ]


def session_rows(user):
    notes = Prefetch("attached_notes", queryset=Note.objects.order_by("-pinned", "created_at", "id"), to_attr="notes")
    sessions = (
        PracticeSession.objects.owned_by(user)
        .select_related("root")
        .prefetch_related(notes)
        .order_by("started_at", "created_at")
    )
    for session in sessions.iterator(chunk_size=2000):
        seconds = session.total_duration_seconds
        yield [
            session.root.name,
            session.pk,
            session.name,
            _session_date(session),
            _local(session.started_at),
            _local(session.ended_at),
            round(seconds / 60, 1) if seconds is not None else "",
            "yes" if session.completed else "no",
            "\n\n".join(note.body for note in session.notes),
        ]


def _note_context_name(note):
    context = note.context_object()
    if note.instance_id is not None:
        return f"{context.activity.name} in {context.session.name}"
    return getattr(context, "name", "")


def note_rows(user):
    notes = Note.objects.owned_by(user).select_related("root", *NOTE_RELATED).order_by("root__created_at", "created_at")
    for note in notes.iterator(chunk_size=2000):
        yield [
            note.root.name,
            note.pk,
            _local(note.created_at),
            _local(note.updated_at),
            note.context.label,
            _note_context_name(note),
            note.set_number or "",
            "yes" if note.pinned else "no",
            note.body,
        ]


def goal_rows(user):
    goals = Goal.objects.owned_by(user).select_related("root").order_by("root__created_at", "created_at", "pk")
    for goal in goals.iterator(chunk_size=2000):
        yield [
            goal.root.name,
            goal.pk,
            goal.get_level_display(),
            goal.name,
            goal.parent_id or "",
            goal.deadline.isoformat() if goal.deadline else "",
            "yes" if goal.completed else "no",
            _local(goal.completed_at),
            _local(goal.created_at),
        ]


def _write_csv(archive, sink, name, columns, rows):
    with archive.open(name, "w", force_zip64=True) as member:
        text = io.TextIOWrapper(member, encoding="utf-8-sig", newline="")
        writer = csv.writer(text)
        writer.writerow(columns)
        for count, row in enumerate(rows, start=1):
            writer.writerow(row)
            if count % 500 == 0:
                text.flush()
                yield sink.drain()
        text.flush()
        text.detach()
    yield sink.drain()


def export_filename(user):
    return f"fractal-goals-{user.get_username()}-{timezone.localdate().isoformat()}.zip"


def fractal_filename(root):
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in root.name).strip("-")[:60] or "fractal"
    return f"fractals/{safe}-{root.pk}.json"


def stream_account_zip(user):
    """Yield the bytes of the user's ZIP: fractal documents, then the CSV files."""
    sink = _Buffer()
    with zipfile.ZipFile(sink, mode="w", compression=zipfile.ZIP_DEFLATED) as archive:
        for root in Goal.all_objects.filter(owner=user, parent__isnull=True).order_by("created_at", "pk"):
            archive.writestr(fractal_filename(root), dumps(export_fractal(root)))
            yield sink.drain()
        yield from _write_csv(archive, sink, "values.csv", VALUE_COLUMNS, value_rows(user))
        yield from _write_csv(archive, sink, "sessions.csv", SESSION_COLUMNS, session_rows(user))
        yield from _write_csv(archive, sink, "goals.csv", GOAL_COLUMNS, goal_rows(user))
        yield from _write_csv(archive, sink, "notes.csv", NOTE_COLUMNS, note_rows(user))
    yield sink.drain()


# --- calendar feed ---------------------------------------------------------------------------


def calendar_for(user, domain):
    """An iCalendar of the user's scheduled program sessions and open goal deadlines (all-day)."""
    calendar = Calendar()
    calendar.add("prodid", "-//Fractal Goals//calendar feed//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"Fractal Goals · {user.get_username()}")
    stamp = timezone.now()
    scheduled = (
        ScheduledSession.objects.owned_by(user)
        .filter(
            day__date__isnull=False,
            day__deleted_at__isnull=True,
            day__block__deleted_at__isnull=True,
            day__block__program__deleted_at__isnull=True,
        )
        .select_related("day__block__program", "template", "root")
        .order_by("day__date", "sort_order")
    )
    for entry in scheduled.iterator(chunk_size=1000):
        program = entry.day.block.program
        title = entry.template.name if entry.template_id else (entry.day.name or "Practice session")
        event = Event()
        event.add("uid", f"scheduled-{entry.pk}@{domain}")
        event.add("dtstamp", stamp)
        event.add("dtstart", entry.day.date)
        event.add("dtend", entry.day.date + datetime.timedelta(days=1))
        event.add("summary", f"{title} ({program.name})")
        event.add("description", f"{entry.root.name} · {program.name} · {entry.day.block.name}")
        event.add("status", "CONFIRMED")
        if entry.completed:
            event.add("categories", ["Completed"])
        calendar.add_component(event)
    deadlines = (
        Goal.objects.owned_by(user)
        .filter(deadline__isnull=False, completed=False)
        .select_related("root")
        .order_by("deadline", "name")
    )
    for goal in deadlines.iterator(chunk_size=1000):
        event = Event()
        event.add("uid", f"deadline-{goal.pk}@{domain}")
        event.add("dtstamp", stamp)
        event.add("dtstart", goal.deadline)
        event.add("dtend", goal.deadline + datetime.timedelta(days=1))
        event.add("summary", f"Deadline: {goal.name}")
        event.add("description", f"{goal.get_level_display()} goal in {goal.root.name}")
        calendar.add_component(event)
    return calendar.to_ical()
