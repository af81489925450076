"""One-tap starts: practise for a goal, repeat or duplicate a past session.

Starting while another session is still running asks first (a page with both choices).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from goals.access import get_fractal_for_user, get_scoped_or_404
from goals.models import Goal

from ..models import PracticeSession
from ..practice import copy_session, running_sessions, start_practice
from .common import session_url


def _ask_first(request, fractal, what):
    """The confirmation page when a session is already running, or None to go ahead."""
    if request.POST.get("confirm") == "1":
        return None
    running = running_sessions(request.user).first()
    if running is None:
        return None
    context = {"fractal": fractal, "running": running, "running_url": session_url(running), "what": what}
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
    asked = _ask_first(request, fractal, f"practice for “{goal.name}”")
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
        asked = _ask_first(request, fractal, f"“{session.name}” again")
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
