"""The session detail page and its in-page actions.

Every action is a POST that works two ways: with htmx it answers with the part of the page it
changed (the instance card or the session body), without JavaScript it redirects back to the
page. Refused input answers 400 with the message shown where it happened, and changes nothing.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from activities.models import ActivityDefinition, MetricDefinition, SplitDefinition
from goals.access import get_fractal_for_user, get_scoped_or_404
from goals.forms import add_model_errors
from goals.widgets import option_tags

from ..forms import AddActivityForm, InstanceDoneForm, InstanceTimesForm, SessionEditForm, SessionTimesForm
from ..models import ActivityInstance, Note, PracticeSession
from ..note_forms import SessionNoteForm
from ..page_data import MAX_SETS, parse_grid, previous_instances, session_page
from ..services import complete_session, reopen_session, set_session_times
from ..sets import confirm_set, copy_set


def _messages_of(error):
    if isinstance(error, ValidationError):
        return error.messages
    return [str(error)]


def _form_messages(form):
    """Form errors as sentences naming their field ("Start: Enter a valid date/time.")."""
    found = []
    for key, errors in form.errors.items():
        label = ""
        if key in form.fields:
            label = form.fields[key].label or key.replace("_", " ").capitalize()
        found.extend(f"{label}: {error}" if label else error for error in errors)
    return found


def _failed_note(form):
    """Where a refused note came from (its card or the session, and which note), with the text sent."""
    if form is None:
        return None
    note = form.instance
    return {
        "key": str(note.instance_id or "session"),
        "note": None if note._state.adding else str(note.pk),
        "body": form.data.get("body", ""),
        "pinned": bool(form.data.get("pinned")),
    }


class Page:
    """The fractal and session of a request, fetched through the owner's fractal (404 otherwise)."""

    def __init__(self, request, root_id, session_id):
        self.request = request
        self.fractal = get_fractal_for_user(request.user, root_id)
        self.session = get_scoped_or_404(
            PracticeSession.objects.prefetch_related("goals", "pauses"), self.fractal, pk=session_id
        )

    def instance(self, instance_id):
        return get_scoped_or_404(ActivityInstance.objects.filter(session=self.session), self.fractal, pk=instance_id)

    @property
    def url(self):
        return reverse("session-detail", kwargs={"root_id": self.fractal.pk, "session_id": self.session.pk})

    def context(self, **page_options):
        search = self.request.GET.get("q", "").strip()
        library = ActivityDefinition.objects.for_fractal(self.fractal).order_by("name")
        if search:
            library = library.filter(name__icontains=search)
        # Plain rows and options written here: a library can hold hundreds of activities.
        library = list(library.values_list("pk", "name", named=True))
        return {
            "fractal": self.fractal,
            "session": self.session,
            "edit_form": page_options.pop("edit_form", None) or SessionEditForm(instance=self.session),
            "times_form": page_options.pop("times_form", None) or SessionTimesForm(session=self.session),
            "library": library,
            "library_options": option_tags(library, chosen=library[0].pk if library else None),
            "search": search,
            "completion": page_options.pop("completion", None),
            "failed_note": _failed_note(page_options.pop("note_form", None)),
            **session_page(self.session, **page_options),
        }

    def respond(self, instance=None, error=None, **page_options):
        """Answer an action: a partial for htmx, a redirect (or the page with the error) otherwise."""
        status = 400 if error else 200
        if error:
            key = instance.pk if instance is not None else "session"
            page_options["errors"] = {key: _messages_of(error) if not isinstance(error, list) else error}
        if self.request.htmx:
            context = self.context(focus=getattr(instance, "pk", None), **page_options)
            if instance is not None:
                card = next(entry for entry in context["instances"] if entry.pk == instance.pk)
                context["instance"] = card
                return render(self.request, "sessions/partials/instance.html", context, status=status)
            return render(self.request, "sessions/partials/session_body.html", context, status=status)
        if error:
            context = self.context(focus=getattr(instance, "pk", None), **page_options)
            return render(self.request, "sessions/session_detail.html", context, status=status)
        anchor = f"#instance-{instance.pk}" if instance is not None else ""
        return redirect(self.url + anchor)


@login_required
@require_safe
def session_detail(request, root_id, session_id):
    page = Page(request, root_id, session_id)
    return render(request, "sessions/session_detail.html", page.context())


# --- session-level actions -----------------------------------------------------------------
@login_required
@require_POST
def session_start(request, root_id, session_id):
    page = Page(request, root_id, session_id)
    try:
        page.session.start()
    except ValidationError as error:
        return page.respond(error=error)
    return page.respond()


@login_required
@require_POST
def session_pause(request, root_id, session_id):
    """Pause or resume the session clock (``action``); paused time is left out of its duration."""
    page = Page(request, root_id, session_id)
    action = request.POST.get("action")
    try:
        if action == "pause":
            page.session.pause()
        elif action == "resume":
            page.session.resume()
        else:
            raise ValidationError("Choose pause or resume.")
    except ValidationError as error:
        return page.respond(error=error)
    return page.respond()


@login_required
@require_POST
def session_complete(request, root_id, session_id):
    page = Page(request, root_id, session_id)
    if page.session.completed:
        return page.respond(error=ValidationError("This session is already complete."))
    grids, problems = _posted_grids(page.session, request.POST)
    if problems:
        return page.respond(error=problems)
    try:
        # Values sent with "Mark complete" are recorded before the targets are evaluated.
        result = complete_session(page.session, grids)
    except ValidationError as error:
        return page.respond(error=error)
    page.session.refresh_from_db()
    if not request.htmx:
        # Without JavaScript the result travels to the page we redirect to as messages.
        messages.success(request, "Session complete.")
        for target in result.targets_met:
            messages.success(request, f"Target met: {target}")
        for goal in result.goals_completed:
            messages.success(request, f"Goal completed: {goal.name}")
    return page.respond(completion=result)


@login_required
@require_POST
def session_reopen(request, root_id, session_id):
    page = Page(request, root_id, session_id)
    reopen_session(page.session)
    return page.respond()


@login_required
@require_POST
def session_delete(request, root_id, session_id):
    """Move the session to the trash (with its sections, instances and values); restorable."""
    page = Page(request, root_id, session_id)
    page.session.delete()
    messages.success(request, f"Session “{page.session.name}” moved to the trash.")
    return redirect("session-list", root_id=page.fractal.pk)


@login_required
@require_POST
def session_edit(request, root_id, session_id):
    page = Page(request, root_id, session_id)
    form = SessionEditForm(request.POST, instance=page.session)
    if not form.is_valid():
        page.session.refresh_from_db()
        return page.respond(error=_form_messages(form), edit_form=form)
    form.save()
    return page.respond()


@login_required
@require_POST
def session_times(request, root_id, session_id):
    """Edit the session's own start and end, by the same rule as the API (PracticeSession.check_times)."""
    page = Page(request, root_id, session_id)
    form = SessionTimesForm(request.POST, session=page.session)
    if not form.is_valid():
        return page.respond(error=_form_messages(form), times_form=form)
    try:
        set_session_times(page.session, form.cleaned_data["started_at"], form.cleaned_data["ended_at"])
    except ValidationError as error:
        page.session.refresh_from_db()
        add_model_errors(form, error)
        return page.respond(error=_form_messages(form), times_form=form)
    return page.respond()


@login_required
@require_POST
def session_add_activity(request, root_id, session_id):
    page = Page(request, root_id, session_id)
    form = AddActivityForm(request.POST, session=page.session)
    if not form.is_valid():
        return page.respond(error=_form_messages(form))
    try:
        page.session.add_activity(form.cleaned_data["activity"], section=form.cleaned_data["section"])
    except ValidationError as error:
        return page.respond(error=error)
    return page.respond()


@login_required
@require_POST
def session_reorder(request, root_id, session_id):
    """Put the instances of one section (or the loose ones) in the order of ``ids``."""
    page = Page(request, root_id, session_id)
    section = None
    if request.POST.get("section"):
        section = get_scoped_or_404(page.session.sections.all(), page.fractal, pk=request.POST["section"])
    try:
        page.session.reorder_instances(request.POST.getlist("ids"), section=section)
    except ValidationError as error:
        return page.respond(error=error)
    return page.respond()


# --- instance actions ----------------------------------------------------------------------
@login_required
@require_POST
def instance_move(request, root_id, session_id, instance_id):
    page = Page(request, root_id, session_id)
    instance = page.instance(instance_id)
    try:
        offset = -1 if int(request.POST.get("offset", "")) < 0 else 1
    except ValueError:
        return page.respond(error=ValidationError("Say which way to move the activity."))
    ids = list(instance.siblings().order_by("sort_order", "created_at").values_list("pk", flat=True))
    index = ids.index(instance.pk)
    target = max(0, min(len(ids) - 1, index + offset))
    ids.insert(target, ids.pop(index))
    page.session.reorder_instances(ids, section=instance.section)
    return page.respond()


@login_required
@require_POST
def instance_remove(request, root_id, session_id, instance_id):
    page = Page(request, root_id, session_id)
    page.instance(instance_id).delete()
    return page.respond()


@login_required
@require_POST
def instance_timer(request, root_id, session_id, instance_id):
    page = Page(request, root_id, session_id)
    instance = page.instance(instance_id)
    action = request.POST.get("action")
    try:
        if action == "start":
            instance.start_timer()
        elif action == "stop":
            instance.stop_timer()
        else:
            raise ValidationError("Choose start or stop.")
    except ValidationError as error:
        return page.respond(instance, error=error)
    return page.respond(instance)


@login_required
@require_POST
def instance_times(request, root_id, session_id, instance_id):
    """Manual start/stop entry, read in the user's time zone."""
    page = Page(request, root_id, session_id)
    instance = page.instance(instance_id)
    form = InstanceTimesForm(request.POST)
    if not form.is_valid():
        return page.respond(instance, error=_form_messages(form))
    try:
        with transaction.atomic():
            instance.set_times(form.cleaned_data["time_start"], form.cleaned_data["time_stop"])
    except ValidationError as error:
        return page.respond(instance, error=error)
    return page.respond(instance)


@login_required
@require_POST
def instance_update(request, root_id, session_id, instance_id):
    page = Page(request, root_id, session_id)
    instance = page.instance(instance_id)
    form = InstanceDoneForm(request.POST)
    if not form.is_valid():
        return page.respond(instance, error=_form_messages(form))
    instance.completed = form.cleaned_data["completed"]
    instance.save(update_fields=["completed"])
    return page.respond(instance)


# --- notes of the session and its activities, written in place --------------------------------
def _note_saved(page, form):
    """Save a note written on the session page; answer with the card (or the body) it belongs to."""
    instance = form.instance.instance if form.instance.instance_id else None
    if not form.is_valid():
        return page.respond(instance, error=_form_messages(form), note_form=form)
    form.save()
    return page.respond(instance)


@login_required
@require_POST
def session_note_add(request, root_id, session_id):
    """A new note of the session, or (``instance``, optionally ``set_number``) of one of its activities."""
    page = Page(request, root_id, session_id)
    instance = None
    if request.POST.get("instance"):
        instance = get_scoped_or_404(
            ActivityInstance.objects.filter(session=page.session), page.fractal, pk=request.POST["instance"]
        )
    note = Note(root_id=page.fractal.pk, session=None if instance else page.session, instance=instance)
    return _note_saved(page, SessionNoteForm(request.POST, instance=note))


@login_required
@require_POST
def session_note_edit(request, root_id, session_id, note_id):
    """Edit the text or pin of a note of the session or of one of its activities."""
    page = Page(request, root_id, session_id)
    instances = ActivityInstance.all_objects.filter(session=page.session).values("pk")
    of_this_session = Note.objects.filter(Q(session=page.session) | Q(instance_id__in=instances))
    note = get_scoped_or_404(of_this_session.select_related("instance"), page.fractal, pk=note_id)
    return _note_saved(page, SessionNoteForm(request.POST, instance=note))


@login_required
@require_POST
def instance_values(request, root_id, session_id, instance_id):
    """Save the value grid of an instance; "add set" saves too and shows one more row."""
    page = Page(request, root_id, session_id)
    instance = get_scoped_or_404(
        ActivityInstance.objects.filter(session=page.session).select_related("activity"), page.fractal, pk=instance_id
    )
    activity = _with_structure(instance.activity)
    entries, problems = parse_grid(activity, request.POST)
    try:
        set_count = max(1, int(request.POST.get("set_count") or 1))
    except ValueError:
        set_count = 1
    copy_from = None
    if "add_set" in request.POST and set_count < MAX_SETS:
        copy_from = set_count
        set_count += 1
    set_count = min(set_count, MAX_SETS)
    confirm = request.POST.get("confirm_set")
    if confirm is not None:
        try:
            confirm = int(confirm)
        except ValueError:
            problems = [*problems, "Say which set to confirm."]
        else:
            if not activity.has_sets or not 1 <= confirm <= set_count:
                problems = [*problems, "There is no such set to confirm."]
    if problems:
        return page.respond(instance, error=problems, set_count=set_count, posted=request.POST)
    try:
        with transaction.atomic():
            instance.record_values(entries)
            if copy_from is not None and activity.has_sets:
                copy_set(instance, copy_from, copy_from + 1)
            if confirm is not None:
                last = previous_instances(page.session, {instance.activity_id}).get(instance.activity_id)
                confirm_set(instance, confirm, last.live_values if last is not None else ())
    except ValidationError as error:
        return page.respond(instance, error=error, set_count=set_count, posted=request.POST)
    return page.respond(instance, set_count=set_count)


def _posted_grids(session, data):
    """Value grids posted with a session-wide action, as ``<instance id>:<cell name>`` fields.

    Returns ([(instance, entries)], error messages); nothing is recorded here.
    """
    prefixes = {key.split(":", 1)[0] for key in data if ":" in key}
    if not prefixes:
        return [], []
    instances = ActivityInstance.objects.filter(session=session).select_related("activity")
    by_id = {str(instance.pk): instance for instance in instances}
    grids, problems = [], []
    for prefix in sorted(prefixes):
        instance = by_id.get(prefix)
        if instance is None:
            problems.append("Values were sent for an activity that is not in this session.")
            continue
        own = {key.split(":", 1)[1]: data[key] for key in data if key.startswith(prefix + ":")}
        entries, errors = parse_grid(_with_structure(instance.activity), own)
        problems.extend(f"{instance.activity.name}: {error}" for error in errors)
        grids.append((instance, entries))
    return grids, problems


def _with_structure(activity):
    activity.live_metrics = list(MetricDefinition.objects.filter(activity=activity).order_by("sort_order"))
    activity.live_splits = list(SplitDefinition.objects.filter(activity=activity).order_by("sort_order"))
    return activity
