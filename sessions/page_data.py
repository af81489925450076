"""What the session detail page shows, loaded in a fixed number of queries.

The value grid of an instance (sets × metrics, one table per split) is built here so the page,
its htmx partials and the value-saving view agree on cell names.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.db.models import Exists, F, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils import timezone

from activities.models import ActivityDefinition, MetricDefinition, SplitDefinition

from .models import (
    ActivityInstance,
    MetricValue,
    Note,
    PracticeSession,
    ScheduledSession,
    SessionSection,
    TargetAchievement,
)
from .notes import note_ids
from .probes import FIRST, Probe, union_all
from .records import session_records

MAX_SETS = 50


def cell_name(metric, split, set_number):
    return f"v-{metric.pk}-{split.pk if split else 'x'}-{set_number or 0}"


def format_value(value):
    return "" if value is None else f"{value:g}"


@dataclass
class Grid:
    """Tables of rows of cells, ready for a template."""

    metrics: list
    tables: list = field(default_factory=list)
    set_count: int = 0

    @property
    def is_empty(self):
        return not any(cell["value"] != "" for table in self.tables for row in table["rows"] for cell in row["cells"])


def active_metrics(activity):
    return [metric for metric in activity.live_metrics if metric.is_active]


def build_grid(activity, values, set_count=None, posted=None, last_time=(), records=None):
    """The value grid of ``activity`` filled from ``values`` (MetricValue rows) or ``posted`` data.

    Each cell's placeholder is the value of the same cell last time (``last_time``: the previous
    instance's rows); ``records`` (from ``records.session_records``) marks the record cells and sets.
    """
    metrics = active_metrics(activity)
    stored = {(value.metric_id, value.split_id, value.set_number): value.value for value in values}
    confirmed = {(value.split_id, value.set_number) for value in values if value.confirmed}
    before = {(value.metric_id, value.split_id, value.set_number): value.value for value in last_time}
    records = records or {"values": set(), "products": set()}
    if activity.has_sets:
        recorded = max((value.set_number or 0 for value in values), default=0)
        set_count = max(1, recorded, set_count or 0)
        set_numbers = list(range(1, min(set_count, MAX_SETS) + 1))
    else:
        set_count = 0
        set_numbers = [None]
    splits = activity.live_splits if activity.has_splits else [None]
    grid = Grid(metrics=metrics, set_count=set_count)
    for split in splits:
        rows = []
        for set_number in set_numbers:
            cells = []
            for metric in metrics:
                name = cell_name(metric, split, set_number)
                key = (metric.pk, getattr(split, "pk", None), set_number)
                if posted is not None and name in posted:
                    shown = posted[name]
                else:
                    shown = format_value(stored.get(key))
                cells.append(
                    {
                        "name": name,
                        "value": shown,
                        "metric": metric,
                        "last_time": format_value(before.get(key)),
                        "record": key in records["values"],
                    }
                )
            split_id = getattr(split, "pk", None)
            rows.append(
                {
                    "set_number": set_number,
                    "cells": cells,
                    "confirmed": (split_id, set_number) in confirmed,
                    "product_record": (split_id, set_number) in records["products"],
                }
            )
        grid.tables.append({"split": split, "rows": rows})
    return grid


def parse_grid(activity, data):
    """Read a posted value grid: returns (entries for ``record_values``, error messages).

    Only cells present in ``data`` are touched; an emptied cell removes its value.
    """
    try:
        set_count = int(data.get("set_count") or 1)
    except ValueError:
        set_count = 1
    set_numbers = list(range(1, max(1, min(set_count, MAX_SETS)) + 1)) if activity.has_sets else [None]
    splits = activity.live_splits if activity.has_splits else [None]
    entries, errors = [], []
    for split in splits:
        for set_number in set_numbers:
            for metric in active_metrics(activity):
                name = cell_name(metric, split, set_number)
                if name not in data:
                    continue
                raw = data[name].strip()
                value = None
                if raw:
                    try:
                        value = float(raw.replace(",", "."))
                    except ValueError:
                        where = [metric.name]
                        if split is not None:
                            where.append(split.name)
                        if set_number is not None:
                            where.append(f"set {set_number}")
                        errors.append(f"“{raw}” is not a number ({', '.join(where)}).")
                        continue
                entries.append({"metric": metric, "split": split, "set_number": set_number, "value": value})
    return entries, errors


def _activity_prefetches(prefix=""):
    """Metrics and splits of the activity as it is now, or as it was when it was deleted.

    Deleting a definition soft-deletes its metrics and splits with the same timestamp; a past
    session keeps showing them (history keeps its names), but not ones removed earlier.
    """
    as_it_was = Q(deleted_at__isnull=True) | Q(deleted_at=F("activity__deleted_at"))
    return [
        Prefetch(
            f"{prefix}metrics",
            queryset=MetricDefinition.all_objects.filter(as_it_was).order_by("sort_order"),
            to_attr="live_metrics",
        ),
        Prefetch(
            f"{prefix}splits",
            queryset=SplitDefinition.all_objects.filter(as_it_was).order_by("sort_order"),
            to_attr="live_splits",
        ),
    ]


def load_instances(session):
    return list(
        ActivityInstance.objects.filter(session=session)
        .select_related("activity")
        .prefetch_related(
            *_activity_prefetches("activity__"),
            Prefetch("values", queryset=MetricValue.objects.order_by("set_number"), to_attr="live_values"),
        )
        .order_by("sort_order", "created_at")
    )


# The "last time" lookup looks first among this many earlier sessions (newest first), which an
# index range serves at any length of history; only an activity not practised in them is looked
# up through all of its instances.
RECENT_SESSIONS = 200
# The window's start when a fractal has fewer earlier sessions than that: all of them.
EARLIEST = datetime(1, 1, 1, tzinfo=UTC)


def previous_instances(session, activity_ids, activities=None):
    """For each activity, its latest instance with values in an earlier session: {activity_id: instance}.

    ``activities`` ({id: activity with its metrics and splits prefetched}, as ``load_instances``
    gives them) are reused for the instances found rather than read again.

    One query whatever the history: per activity, the latest instance among the ``RECENT_SESSIONS``
    earlier sessions (read from the sessions' when-index, then the (activity, session) index), else
    (``COALESCE`` evaluates it only then) the latest of all its instances.
    """
    if not activity_ids:
        return {}
    when = session.started_at or session.created_at
    # The window: the earlier sessions from the RECENT_SESSIONS-th newest on, as a range of the
    # sessions' when-index that each activity's probe walks newest first (stopping at its first
    # hit) through the (activity, session) index. A range rather than an IN list, so that
    # PostgreSQL's planner also walks the index instead of hashing the whole sessions table.
    window_start = (
        PracticeSession.objects.filter(root_id=session.root_id)
        .exclude(pk=session.pk)
        .annotate(when=Coalesce("started_at", "created_at"))
        .filter(when__lt=when)
        .order_by("-when", "-created_at")
        .values("when")[RECENT_SESSIONS - 1 : RECENT_SESSIONS]
    )
    with_values = Exists(MetricValue.objects.filter(instance_id=OuterRef("pk")))
    in_recent = (
        ActivityInstance.objects.filter(
            activity_id=OuterRef("pk"),
            session__root_id=session.root_id,
            session__deleted_at__isnull=True,
        )
        .exclude(session_id=session.pk)
        .annotate(session_when=Coalesce("session__started_at", "session__created_at"))
        .filter(session_when__lt=when, session_when__gte=Coalesce(Subquery(window_start), Value(EARLIEST)))
        .filter(with_values)
        .order_by("-session_when", "-session__created_at", "-created_at")
        .values("pk")[:1]
    )
    earlier = (
        ActivityInstance.objects.filter(activity_id=OuterRef("pk"), session__deleted_at__isnull=True)
        .exclude(session_id=session.pk)
        .annotate(session_when=Coalesce("session__started_at", "session__created_at"))
        .filter(session_when__lt=when)
        .filter(with_values)
        .order_by("-session_when", "-session__created_at", "-created_at")
        .values("pk")[:1]
    )
    latest = (
        ActivityDefinition.all_objects.filter(pk__in=activity_ids)
        .annotate(previous_id=Coalesce(Subquery(in_recent), Subquery(earlier)))
        .values_list("previous_id", flat=True)
    )
    ids = [pk for pk in latest if pk is not None]
    if not ids:
        return {}
    found = ActivityInstance.objects.filter(pk__in=ids).prefetch_related(
        Prefetch("values", queryset=MetricValue.objects.order_by("set_number"), to_attr="live_values")
    )
    reuse = activities is not None and activity_ids <= set(activities)
    if not reuse:
        found = found.select_related("activity").prefetch_related(*_activity_prefetches("activity__"))
    found = list(found.select_related("session"))
    if reuse:
        for instance in found:
            instance.activity = activities[instance.activity_id]
    return {instance.activity_id: instance for instance in found}


CUES_PER_ACTIVITY = 3


def page_notes(session):
    """The notes of the session and of its instances (and their sets), in one query.

    Returns (session notes, {instance id: notes}); pinned first, then in the order they were written.
    """
    # By the notes' own session and instance indexes: an OR across the instance join would read
    # every note of the fractal.
    instances = ActivityInstance.all_objects.filter(session_id=session.pk).values("pk")
    ids = note_ids(Q(session_id=session.pk), Q(instance_id__in=instances))
    # The session fixes the fractal; filtering by root too would make SQLite walk the root index.
    notes = Note.objects.filter(pk__in=ids).order_by("-pinned", "created_at", "id")
    own, by_instance = [], {}
    for note in notes:
        if note.instance_id is None:
            own.append(note)
        else:
            by_instance.setdefault(note.instance_id, []).append(note)
    return own, by_instance


def cues_for(session, activity_ids, per_activity=CUES_PER_ACTIVITY):
    """For each activity, the last few notes to practise it by: {activity id: [notes]}.

    Notes of the activity itself and of its instances in the fractal's earlier sessions (not this
    one), pinned first, then newest; ``per_activity`` of them. One query whatever the history:
    per activity a walk of ``note_cue_activity_idx`` that stops at its ``per_activity``-th note
    (the lookup compiled once, ``Probe``), and those notes read by id.
    """
    if not activity_ids:
        return {}
    when = session.started_at or session.created_at
    earlier = Coalesce("instance__session__started_at", "instance__session__created_at")
    of_earlier_practice = Q(
        instance__isnull=False,
        instance__deleted_at__isnull=True,
        instance__session__deleted_at__isnull=True,
        practised__lt=when,
    ) & ~Q(instance__session_id=session.pk)
    latest = Probe(
        Note.objects.filter(root_id=session.root_id, cue_activity_id=FIRST)
        .annotate(practised=earlier)
        .filter(Q(activity_id__isnull=False) | of_earlier_practice)
        .order_by("-pinned", "-created_at", "-id")
        .values("pk")[:per_activity]
    )
    ids = RawSQL(*union_all([latest.bound(FIRST=activity_id) for activity_id in sorted(activity_ids, key=str)]))
    cues = {}
    notes = Note.objects.filter(pk__in=ids).select_related("instance__session")
    for note in notes.order_by("cue_activity_id", "-pinned", "-created_at", "-id"):
        cues.setdefault(note.cue_activity_id, []).append(note)
    return cues


def decorate(
    instance,
    previous=None,
    set_count=None,
    posted=None,
    errors=(),
    records=None,
    rest_seconds=None,
    notes=(),
    cues=(),
):
    """Attach what the instance partial shows: its grid, the previous values, notes, cues and any errors."""
    instance.grid = build_grid(
        instance.activity,
        instance.live_values,
        set_count=set_count,
        posted=posted,
        last_time=previous.live_values if previous is not None else (),
        records=records,
    )
    instance.has_record = bool(records and (records["values"] or records["products"]))
    instance.rest_seconds = rest_seconds if rest_seconds is not None else instance.activity.rest_seconds
    instance.previous = previous
    if previous is not None:
        previous.grid = build_grid(previous.activity, previous.live_values)
    instance.errors = list(errors)
    instance.note_list = list(notes)
    instance.cues = list(cues)
    return instance


def session_clock(session, now=None):
    """The session clock: active seconds so far (pauses left out), paused or ticking.

    ``start_epoch`` is the moment the clock would have started had it never paused, so the page
    script ticks it as ``now - start_epoch``.
    """
    if session.started_at is None:
        return None
    now = now or timezone.now()
    until = session.ended_at if session.completed and session.ended_at else now
    elapsed = session.active_seconds(until)
    return {
        "elapsed": elapsed,
        "paused": session.is_paused,
        "paused_since": session.open_pause.started_at if session.is_paused else None,
        "start_epoch": now.timestamp() - elapsed,
    }


def session_page(session, focus=None, set_count=None, posted=None, errors=None):
    """Sections with their decorated instances, loose instances, and the achievements.

    ``focus`` (an instance id) receives ``set_count``/``posted`` (a re-shown form);
    ``errors`` maps instance ids (or "session") to messages.
    """
    errors = errors or {}
    sections = list(SessionSection.objects.filter(session=session).order_by("sort_order", "created_at"))
    instances = load_instances(session)
    activities = {instance.activity_id: instance.activity for instance in instances}
    activity_ids = set(activities)
    previous = previous_instances(session, activity_ids, activities)
    session_notes, instance_notes = page_notes(session)
    cues = cues_for(session, activity_ids)
    records = session_records(session, instances)
    rests = {section.pk: section.rest_seconds for section in sections}
    for instance in instances:
        mine = instance.pk == focus
        decorate(
            instance,
            previous.get(instance.activity_id),
            set_count=set_count if mine else None,
            posted=posted if mine else None,
            errors=errors.get(instance.pk, ()),
            records=records.get(instance.pk),
            rest_seconds=rests.get(instance.section_id),
            notes=instance_notes.get(instance.pk, ()),
            cues=cues.get(instance.activity_id, ()),
        )
    by_section = {section.pk: [] for section in sections}
    loose = []
    for instance in instances:
        by_section.get(instance.section_id, loose).append(instance)
    for section in sections:
        section.entries = by_section[section.pk]
    achievements = list(
        TargetAchievement.objects.filter(session=session).select_related("target", "target__goal", "target__activity")
    )
    # The program day it was planned on, when it was started from one (its notes are the plan's).
    scheduled = (
        ScheduledSession.objects.filter(session=session, day__deleted_at__isnull=True)
        .select_related("day__block__program")
        .first()
    )
    return {
        "clock": session_clock(session),
        "scheduled": scheduled,
        "sections": sections,
        "loose_instances": loose,
        "instances": instances,
        "achievements": achievements,
        "session_notes": session_notes,
        "session_errors": errors.get("session", ()),
    }
