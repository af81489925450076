"""The sessions list and the new-session page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.db.models.functions import Coalesce
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from goals.access import get_fractal_for_user

from ..forms import NewSessionForm, SectionFormSet, SessionFilterForm, show_inactive
from ..models import ActivityInstance, PracticeSession, TargetAchievement
from ..pagination import MirroredPaginator

PAGE_SIZE = 25


def sessions_of(fractal):
    """Live sessions of ``fractal`` annotated with ``when``: started, else created."""
    return PracticeSession.objects.for_fractal(fractal).annotate(when=Coalesce("started_at", "created_at"))


@login_required
@require_safe
def session_list(request, root_id):
    fractal = get_fractal_for_user(request.user, root_id)
    form = SessionFilterForm(request.GET or None, fractal=fractal)
    sessions = sessions_of(fractal)
    status = 200
    if form.is_bound:
        if form.is_valid():
            sessions = form.apply(sessions)
        else:
            status = 400
    sessions = (
        sessions.select_related("template")
        .prefetch_related(
            Prefetch(
                "instances",
                queryset=ActivityInstance.objects.select_related("activity").order_by("sort_order", "created_at"),
                to_attr="live_instances",
            ),
            Prefetch(
                "achievements",
                queryset=TargetAchievement.objects.select_related("target", "target__activity"),
                to_attr="live_achievements",
            ),
        )
        .order_by("-when", "-created_at")
    )
    # Newest first, ties broken by id; a page past the middle is read from the oldest end.
    page = MirroredPaginator(sessions, PAGE_SIZE).get_page(request.GET.get("page"))
    for session in page:
        names = []
        for instance in session.live_instances:
            if instance.activity.name not in names:
                names.append(instance.activity.name)
        session.activity_names = names
    query = request.GET.copy()
    query.pop("page", None)
    context = {"fractal": fractal, "form": form, "page": page, "query": query.urlencode()}
    return render(request, "sessions/session_list.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def session_create(request, root_id):
    fractal = get_fractal_for_user(request.user, root_id)
    data = request.POST if request.method == "POST" else None
    initial = {}
    if data is None and request.GET.get("goal"):
        initial["goals"] = [request.GET["goal"]]
    form = NewSessionForm(data, fractal=fractal, initial=initial, include_inactive=show_inactive(request))
    sections = SectionFormSet(data, prefix="sections")
    if data is not None and all([form.is_valid(), sections.is_valid()]):
        try:
            session = _create_session(fractal, form.cleaned_data, sections.cleaned_data)
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, f"Session “{session.name}” created.")
            return redirect("session-detail", root_id=fractal.pk, session_id=session.pk)
    context = {"fractal": fractal, "form": form, "sections": sections, "show_inactive": show_inactive(request)}
    return render(request, "sessions/session_form.html", context, status=400 if data is not None else 200)


def _create_session(fractal, data, section_rows):
    goals = list(data["goals"])
    name = data.get("name", "").strip()
    template = data.get("template")
    if template is not None:
        return template.create_session(goals, name=name or None)
    plan = [
        (row["name"].strip(), row.get("planned_minutes")) for row in section_rows if row and row.get("name", "").strip()
    ]
    planned = sum(minutes or 0 for _, minutes in plan) or None
    return PracticeSession.create(fractal, goals, name, sections=plan, planned_minutes=planned)
