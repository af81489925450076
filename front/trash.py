"""The fractal's trash, listed once for the trash page and the trash API.

Only rows deleted on their own are listed: a row removed together with a parent (a goal's subtree,
the targets of a deleted activity, the instances of a deleted session) comes back with that
parent; which parents those are is read from the soft-delete graph (``goals.softdelete``).
"""

from dataclasses import dataclass

from activities.models import ActivityDefinition, ActivityGroup, Target
from goals import softdelete
from goals.models import Goal
from sessions.models import ActivityInstance, Note, PracticeSession, Program, SessionTemplate


@dataclass(frozen=True)
class TrashKind:
    api_type: str  # the ``type`` of the API
    page_kind: str | None  # the kind in the page's restore URL (None: listed by the API only)
    model: type
    label: str
    related: tuple = ()


KINDS = [
    TrashKind("goal", "goal", Goal, "Goals", ("parent",)),
    TrashKind("session", "session", PracticeSession, "Sessions"),
    TrashKind("activity", "activity", ActivityDefinition, "Activities"),
    TrashKind("activity_group", "group", ActivityGroup, "Activity groups"),
    TrashKind("template", "template", SessionTemplate, "Templates"),
    TrashKind("program", "program", Program, "Programs"),
    TrashKind("note", "note", Note, "Notes"),
    TrashKind("target", None, Target, "Targets", ("activity",)),
    TrashKind("instance", None, ActivityInstance, "Activity instances", ("activity", "session")),
]
BY_API_TYPE = {kind.api_type: kind for kind in KINDS}
BY_PAGE_KIND = {kind.page_kind: kind for kind in KINDS if kind.page_kind}


def listed(kind, fractal):
    """The trashed rows of ``kind`` in ``fractal`` deleted on their own, newest first."""
    rows = kind.model.all_objects.filter(root_id=fractal.pk, deleted_at__isnull=False)
    if kind.model is Goal:
        rows = rows.exclude(parent__isnull=True)  # a deleted fractal is in the fractal list's undo
    rows = softdelete.restore_blocked_by(kind.model, rows)
    if kind.related:
        rows = rows.select_related(*kind.related)
    return rows.order_by("-deleted_at")


def restorable(kind, fractal):
    """Rows of ``kind`` a restore request may name."""
    return kind.model.all_objects.filter(root_id=fractal.pk, deleted_at__isnull=False)
