"""The Notes page of a fractal: write, list (pinned first), filter and search, edit, pin, delete with undo."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from goals.access import get_fractal_for_user, get_scoped_or_404
from goals.undo import deleted_with_undo
from sessions.models import Note, NoteContext
from sessions.note_forms import ATTACHMENTS, NoteFilterForm, NoteForm
from sessions.notes import filter_notes, notes_of

PAGE_SIZE = 50


def notes_url(fractal):
    return reverse("note-list", kwargs={"root_id": fractal.pk})


def note_link(note):
    """(label, URL) of what the note hangs on, for listings; None for a note of the fractal."""
    context = note.context
    if context == NoteContext.GOAL:
        return note.goal.name, reverse("goal-detail", kwargs={"root_id": note.root_id, "goal_id": note.goal_id})
    if context == NoteContext.SESSION:
        return note.session.name, _session_url(note.session)
    if context == NoteContext.ACTIVITY:
        return note.activity.name, reverse(
            "activity-edit", kwargs={"root_id": note.root_id, "activity_id": note.activity_id}
        )
    if context in (NoteContext.INSTANCE, NoteContext.SET):
        instance = note.instance
        label = f"{instance.activity.name} in {instance.session.name}"
        if note.set_number is not None:
            label += f", set {note.set_number}"
        return label, f"{_session_url(instance.session)}#instance-{instance.pk}"
    return None


def _session_url(session):
    return reverse("session-detail", kwargs={"root_id": session.root_id, "session_id": session.pk})


def with_links(notes):
    for note in notes:
        note.link = note_link(note)
    return notes


def _next_url(request, fallback):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return fallback


def _list_page(request, fractal, form, status=200, attached_to=None):
    filters = NoteFilterForm(request.GET or None)
    notes = notes_of(fractal)
    if filters.is_bound:
        if filters.is_valid():
            notes = filter_notes(notes, **filters.filters())
        else:
            status = 400
    page = Paginator(notes, PAGE_SIZE).get_page(request.GET.get("page"))
    with_links(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "fractal": fractal,
        "form": form,
        "filters": filters,
        "page": page,
        "query": query.urlencode(),
        "attached_to": attached_to,
        "next": _next_url(request, ""),
    }
    return render(request, "sessions/notes.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD"])
def note_list(request, root_id):
    fractal = get_fractal_for_user(request.user, root_id)
    initial = {name: request.GET[name] for name in [*ATTACHMENTS, "set_number"] if request.GET.get(name)}
    form = NoteForm(fractal=fractal, initial=initial)
    return _list_page(request, fractal, form, attached_to=_attached_to(form, initial))


def _attached_to(form, initial):
    """The label of what a new note from a link (``?goal=…``) will hang on; None if nothing valid is named."""
    for name in ATTACHMENTS:
        if name in initial:
            try:
                obj = form.fields[name].to_python(initial[name])
            except ValidationError:
                obj = None
            if obj is None:
                form.initial.pop(name, None)
                continue
            return f"{NoteContext(name).label}: {obj}"
    return None


@login_required
@require_POST
def note_create(request, root_id):
    fractal = get_fractal_for_user(request.user, root_id)
    form = NoteForm(request.POST, fractal=fractal)
    if form.is_valid():
        form.save()
        messages.success(request, "Note saved.")
        return redirect(_next_url(request, notes_url(fractal)))
    return _list_page(request, fractal, form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def note_edit(request, root_id, note_id):
    fractal = get_fractal_for_user(request.user, root_id)
    note = get_scoped_or_404(Note.objects, fractal, pk=note_id)
    form = NoteForm(request.POST if request.method == "POST" else None, instance=note, fractal=fractal)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Note saved.")
        return redirect(_next_url(request, notes_url(fractal)))
    context = {"fractal": fractal, "note": note, "form": form, "link": note_link(note)}
    return render(request, "sessions/note_edit.html", context, status=400 if form.is_bound else 200)


@login_required
@require_POST
def note_pin(request, root_id, note_id):
    fractal = get_fractal_for_user(request.user, root_id)
    note = get_scoped_or_404(Note.objects, fractal, pk=note_id)
    note.pinned = not note.pinned
    note.save(update_fields=["pinned"])
    messages.success(request, "Note pinned." if note.pinned else "Note unpinned.")
    return redirect(_next_url(request, notes_url(fractal)))


@login_required
@require_POST
def note_delete(request, root_id, note_id):
    fractal = get_fractal_for_user(request.user, root_id)
    note = get_scoped_or_404(Note.objects, fractal, pk=note_id)
    note.delete()
    restore = reverse("trash-restore", kwargs={"root_id": fractal.pk, "kind": "note", "object_id": note.pk})
    deleted_with_undo(request, "Note deleted.", restore)
    return redirect(_next_url(request, notes_url(fractal)))
