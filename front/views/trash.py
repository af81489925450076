"""The fractal's trash: what was soft-deleted, with restore buttons."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from front.trash import BY_PAGE_KIND, listed, restorable
from goals.access import get_fractal_for_user, get_scoped_or_404
from goals.services import restore_object


@login_required
@require_safe
def trash(request, root_id):
    fractal = get_fractal_for_user(request.user, root_id)
    sections = [
        {"kind": kind, "label": entry.label, "items": list(listed(entry, fractal))}
        for kind, entry in BY_PAGE_KIND.items()
    ]
    empty_labels = [section["label"] for section in sections if not section["items"]]
    context = {"fractal": fractal, "sections": sections, "empty_labels": empty_labels}
    return render(request, "front/trash.html", context)


@login_required
@require_POST
def trash_restore(request, root_id, kind, object_id):
    fractal = get_fractal_for_user(request.user, root_id)
    if kind not in BY_PAGE_KIND:
        raise Http404("Nothing of that kind is kept in the trash.")
    obj = get_scoped_or_404(restorable(BY_PAGE_KIND[kind], fractal), fractal, pk=object_id)
    try:
        restore_object(obj)
    except ValidationError as error:
        messages.error(request, f"“{obj}” cannot be restored: {' '.join(error.messages)}")
    else:
        messages.success(request, f"Restored “{obj}”.")
    return redirect("trash", root_id=fractal.pk)
