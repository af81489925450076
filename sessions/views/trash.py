"""The fractal's trash: what was soft-deleted, with restore buttons."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from activities.models import ActivityDefinition, ActivityGroup
from goals.access import get_fractal_for_user, get_scoped_or_404
from goals.models import Goal

from ..models import PracticeSession, Program, SessionTemplate

# kind in the URL -> (model, label of the section)
KINDS = {
    "goal": (Goal, "Goals"),
    "session": (PracticeSession, "Sessions"),
    "activity": (ActivityDefinition, "Activities"),
    "group": (ActivityGroup, "Activity groups"),
    "template": (SessionTemplate, "Templates"),
    "program": (Program, "Programs"),
}


def deleted_goal_tops(fractal):
    """Deleted goals that head their own deleted subtree (not removed together with a parent)."""
    goals = (
        Goal.all_objects.filter(root_id=fractal.pk, deleted_at__isnull=False, parent__isnull=False)
        .select_related("parent")
        .order_by("-deleted_at")
    )
    return [goal for goal in goals if goal.parent.deleted_at != goal.deleted_at]


@login_required
@require_safe
def trash(request, root_id):
    fractal = get_fractal_for_user(request.user, root_id)
    sections = [{"kind": "goal", "label": "Goals", "items": deleted_goal_tops(fractal)}]
    for kind, (model, label) in KINDS.items():
        if kind == "goal":
            continue
        items = model.all_objects.filter(root_id=fractal.pk, deleted_at__isnull=False).order_by("-deleted_at")
        sections.append({"kind": kind, "label": label, "items": list(items)})
    empty_labels = [section["label"] for section in sections if not section["items"]]
    context = {"fractal": fractal, "sections": sections, "empty_labels": empty_labels}
    return render(request, "trash/trash.html", context)


@login_required
@require_POST
def trash_restore(request, root_id, kind, object_id):
    fractal = get_fractal_for_user(request.user, root_id)
    if kind not in KINDS:
        raise Http404("Nothing of that kind is kept in the trash.")
    model, _ = KINDS[kind]
    obj = get_scoped_or_404(model.all_objects.filter(deleted_at__isnull=False), fractal, pk=object_id)
    try:
        with transaction.atomic():
            obj.restore()
    except ValidationError as error:
        messages.error(request, f"“{obj}” cannot be restored: {' '.join(error.messages)}")
    else:
        messages.success(request, f"Restored “{obj}”.")
    return redirect("trash", root_id=fractal.pk)
