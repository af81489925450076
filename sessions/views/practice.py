"""One-tap starts: practise for a goal, a template or a program day, repeat or duplicate a past
session; and "Log a past session".

Starting while another session is still running asks first (a page with both choices).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from goals.access import get_fractal_for_user, get_scoped_or_404
from goals.forms import add_model_errors
from goals.models import Goal

from ..forms import LogSessionForm, show_inactive
from ..models import PracticeSession, ScheduledSession, SessionTemplate
from ..plan_forms import ScheduledGoalsForm
from ..practice import (
    copy_session,
    log_past_session,
    running_sessions,
    start_from_template,
    start_practice,
    start_scheduled,
    template_goals,
)
from .common import session_url

NOT_CARRIED = {"csrfmiddlewaretoken", "confirm"}


def ask_first(request, fractal, what):
    """The confirmation page when a session is already running, or None to go ahead."""
    if request.POST.get("confirm") == "1":
        return None
    running = running_sessions(request.user).first()
    if running is None:
        return None
    # The choices already made (goals picked on the spot) travel with "Start anyway".
    carried = [(key, value) for key in request.POST if key not in NOT_CARRIED for value in request.POST.getlist(key)]
    context = {
        "fractal": fractal,
        "running": running,
        "running_url": session_url(running),
        "what": what,
        "carried": carried,
    }
    return render(request, "sessions/confirm_start.html", context, status=409)


def _refused(request, error, back, **kwargs):
    for message in error.messages:
        messages.error(request, message)
    return redirect(back, **kwargs)


@login_required
@require_POST
def goal_start_practice(request, root_id, goal_id):
    fractal = get_fractal_for_user(request.user, root_id)
    goal = get_scoped_or_404(Goal.objects, fractal, pk=goal_id)
    asked = ask_first(request, fractal, f"practice for “{goal.name}”")
    if asked is not None:
        return asked
    try:
        session = start_practice(goal)
    except ValidationError as error:
        return _refused(request, error, "goal-detail", root_id=fractal.pk, goal_id=goal.pk)
    return redirect(session_url(session))


def _copy(request, root_id, session_id, start):
    fractal = get_fractal_for_user(request.user, root_id)
    session = get_scoped_or_404(PracticeSession.objects.prefetch_related("goals"), fractal, pk=session_id)
    if start:
        asked = ask_first(request, fractal, f"“{session.name}” again")
        if asked is not None:
            return asked
    try:
        copy = copy_session(session, start=start)
    except ValidationError as error:
        return _refused(request, error, session_url(session))
    messages.success(request, f"{'Repeating' if start else 'Copy of'} “{session.name}”.")
    return redirect(session_url(copy))


@login_required
@require_POST
def session_repeat(request, root_id, session_id):
    return _copy(request, root_id, session_id, start=True)


@login_required
@require_POST
def session_duplicate(request, root_id, session_id):
    return _copy(request, root_id, session_id, start=False)


@login_required
@require_POST
def template_start_practice(request, root_id, template_id):
    """Start the template now, for the goals of its latest session; without those, ask for the goals."""
    fractal = get_fractal_for_user(request.user, root_id)
    template = get_scoped_or_404(SessionTemplate.objects.all(), fractal, pk=template_id)
    goals = template_goals(template)
    if not goals:
        messages.info(request, "Choose the goals this session serves.")
        return redirect(reverse("session-from-template", args=[fractal.pk, template.pk]) + "?start=1")
    asked = ask_first(request, fractal, f"“{template.name}”")
    if asked is not None:
        return asked
    try:
        session = start_from_template(template, goals)
    except ValidationError as error:
        return _refused(request, error, "template-list", root_id=fractal.pk)
    return redirect(session_url(session))


@login_required
@require_http_methods(["GET", "POST"])
def scheduled_start(request, root_id, program_id, scheduled_id):
    """Start a planned program session; when neither its block nor its program has goals, pick them here."""
    fractal = get_fractal_for_user(request.user, root_id)
    scheduled = get_scoped_or_404(
        ScheduledSession.objects.filter(day__block__program_id=program_id).select_related(
            "day__block__program", "template", "session"
        ),
        fractal,
        pk=scheduled_id,
    )
    program = scheduled.day.block.program
    back = reverse("program-detail", args=[fractal.pk, program.pk])
    if scheduled.session_id is not None:
        messages.info(request, "This scheduled session has already been started.")
        return redirect(session_url(scheduled.session) if scheduled.session.deleted_at is None else back)
    picking = request.method == "POST" and request.POST.get("pick") == "1"
    form = ScheduledGoalsForm(request.POST if picking else None, root=fractal)
    needs_goals = not scheduled.day.block.session_goals()
    status = 200
    if request.method == "POST" and (picking or not needs_goals):
        goals, remember = None, False
        if picking:
            if not form.is_valid():
                return _pick_goals(request, fractal, scheduled, form, status=400)
            goals, remember = form.cleaned_data["goals"], form.cleaned_data["remember"]
        asked = ask_first(request, fractal, f"“{scheduled.template or 'this session'}”")
        if asked is not None:
            return asked
        try:
            session = start_scheduled(scheduled, goals=goals, remember=remember)
        except ValidationError as error:
            if not picking:
                return _refused(request, error, back)
            add_model_errors(form, error)
            status = 400
        else:
            messages.success(request, f"Session “{session.name}” started.")
            return redirect(session_url(session))
    return _pick_goals(request, fractal, scheduled, form, status=status)


def _pick_goals(request, fractal, scheduled, form, status):
    context = {
        "fractal": fractal,
        "program": scheduled.day.block.program,
        "scheduled": scheduled,
        "form": form,
        "needs_goals": not scheduled.day.block.session_goals(),
    }
    return render(request, "plans/scheduled_start.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def log_session(request, root_id):
    """Record a session that already happened, with its date, times, goals and activities."""
    fractal = get_fractal_for_user(request.user, root_id)
    form = LogSessionForm(request.POST or None, fractal=fractal, include_inactive=show_inactive(request))
    status = 200
    if request.method == "POST":
        if form.is_valid() and "started_at" in form.cleaned_data:
            data = form.cleaned_data
            try:
                session = log_past_session(
                    fractal,
                    data["goals"],
                    data["name"].strip(),
                    data["started_at"],
                    data["ended_at"],
                    activities=data["activities"],
                    template=data["template"],
                    notes=data["notes"],
                )
            except ValidationError as error:
                add_model_errors(form, error)
            else:
                messages.success(request, f"Session “{session.name}” logged. Add its values below.")
                return redirect(session_url(session))
        status = 400
    context = {"fractal": fractal, "form": form, "show_inactive": show_inactive(request)}
    return render(request, "sessions/log_session.html", context, status=status)


@login_required
@require_safe
def running_session(request):
    """The user's running session for the header ("In progress: …"), fetched by a small script.

    Asked for after the page has loaded, so no page pays a query for it.
    """
    running = running_sessions(request.user).only("id", "root_id", "name", "started_at").first()
    if running is None:
        return JsonResponse({"running": None})
    return JsonResponse(
        {
            "running": {
                "name": running.name,
                "url": session_url(running),
                "started_at": running.started_at.timestamp(),
            }
        }
    )
