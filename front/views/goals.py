"""The goal page (audit dates, children, linked sessions, targets with progress, SMART check), target forms
and copying a goal with its subtree."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import F
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from activities.copying import copy_goal
from activities.models import Target
from front.forms import CopyGoalForm, TargetForm
from goals.access import get_fractal_for_user, get_scoped_or_404
from goals.forms import add_model_errors
from goals.models import Goal, GoalPause
from sessions.models import ActivityInstance, PracticeSession
from sessions.notes import goal_journal
from sessions.targets import batch, evaluate_goal, target_progress
from sessions.views.common import session_url
from sessions.views.notes import with_links

RECENT_SESSIONS = 10
JOURNAL_NOTES = 20


def goal_url(fractal, goal):
    return reverse("goal-detail", kwargs={"root_id": fractal.pk, "goal_id": goal.pk})


def session_links(fractal, sessions):
    """(session, URL of its page) pairs."""
    return [(session, session_url(session)) for session in sessions]


def sessions_url(fractal, goal):
    """The sessions list filtered by this goal."""
    return reverse("session-list", kwargs={"root_id": fractal.pk}) + f"?goal={goal.pk}"


@login_required
@require_safe
def goal_detail(request, root_id, goal_id):
    fractal = get_fractal_for_user(request.user, root_id)
    goal = get_scoped_or_404(Goal.objects.select_related("parent"), fractal, pk=goal_id)
    children = list(Goal.objects.filter(parent=goal).order_by("sort_order", "created_at"))
    linked = PracticeSession.objects.filter(goal_links__goal=goal).order_by(
        F("started_at").desc(nulls_last=True), "-created_at"
    )
    sessions = list(linked[: RECENT_SESSIONS + 1])
    targets = Target.objects.filter(goal=goal).select_related("activity").order_by("sort_order", "created_at")
    context = {
        "fractal": fractal,
        "goal": goal,
        "children": children,
        "sessions": session_links(fractal, sessions[:RECENT_SESSIONS]),
        "more_sessions": len(sessions) > RECENT_SESSIONS,
        "sessions_url": sessions_url(fractal, goal),
        "progress": target_progress(targets),
        "journal": with_links(list(goal_journal(goal)[:JOURNAL_NOTES])),
    }
    context["smart"] = smart_check(goal, children, context["progress"])
    counted = [child for child in children if not (child.paused_at or child.archived_at)]
    inactive_ancestor = None if goal.paused_at or goal.archived_at else goal.inactive_ancestor()
    context.update(
        {
            "children_counted": len(counted),
            "children_done": sum(child.completed for child in counted),
            "children_skipped": len(children) - len(counted),
            "inactive_ancestor": inactive_ancestor,
            "lifecycle": goal.lifecycle_state if inactive_ancestor is None else "inherited",
            "pauses": list(GoalPause.objects.filter(goal=goal).order_by("-started_at")[:20]),
        }
    )
    return render(request, "front/goal_detail.html", context)


def smart_check(goal, children, progress):
    """What the goal is missing to be specific, measurable, practised and time-bound: (label, done, hint).

    A checklist to help, never a blocker; a nano goal is measured by its targets alone.
    """
    practised = bool(progress) or ActivityInstance.objects.filter(session__goal_links__goal=goal).exists()
    return [
        ("A description says what it means", bool(goal.description.strip()), "Add one under Edit."),
        (
            "Measured by targets or by its children",
            bool(progress) or bool(children),
            "Add a target, or break it into smaller goals.",
        ),
        ("Linked to activities you practise", practised, "Add a target on an activity, or practise it in a session."),
        ("A deadline", goal.deadline is not None, "Set one under Edit."),
    ]


@login_required
@require_http_methods(["GET", "POST"])
def goal_copy(request, root_id, goal_id):
    """Copy a goal with its subtree and targets (not its sessions) under a parent of the level above."""
    fractal = get_fractal_for_user(request.user, root_id)
    goal = get_scoped_or_404(Goal.objects.select_related("parent"), fractal, pk=goal_id)
    if goal.parent_id is None:
        raise Http404("A fractal root is copied by exporting and importing the fractal.")
    form = CopyGoalForm(request.POST if request.method == "POST" else None, goal=goal)
    if request.method == "POST" and form.is_valid():
        try:
            copy = copy_goal(goal, form.cleaned_data["parent"])
        except ValidationError as error:
            add_model_errors(form, error)
        else:
            messages.success(request, f"Copied “{goal.name}” with its subtree and targets as “{copy.name}”.")
            return redirect(goal_url(fractal, copy))
    status = 400 if form.is_bound else 200
    return render(request, "front/goal_copy.html", {"fractal": fractal, "goal": goal, "form": form}, status=status)


def _target_form_page(request, fractal, goal, target=None):
    form = TargetForm(
        request.POST if request.method == "POST" else None,
        fractal=fractal,
        target=target,
        activity_id=request.GET.get("activity"),
        initial={"name": request.GET.get("name"), "description": request.GET.get("description")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            # One evaluation for the target and all its rules, not one per saved or removed row.
            with batch():
                form.save(goal)
                evaluation = evaluate_goal(goal, targets_changed=True)
        except ValidationError as error:
            add_model_errors(form, error)
        else:
            messages.success(request, "Target saved.")
            if evaluation.completed_now:
                messages.success(request, f"All targets of “{goal.name}” are met: the goal is completed.")
            return redirect(goal_url(fractal, goal))
    context = {"fractal": fractal, "goal": goal, "target": target, "form": form}
    if request.htmx and request.method == "GET":
        return render(request, "front/target_form_fields.html", context)
    return render(request, "front/target_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def target_create(request, root_id, goal_id):
    fractal = get_fractal_for_user(request.user, root_id)
    goal = get_scoped_or_404(Goal.objects, fractal, pk=goal_id)
    return _target_form_page(request, fractal, goal)


@login_required
@require_http_methods(["GET", "POST"])
def target_edit(request, root_id, goal_id, target_id):
    fractal = get_fractal_for_user(request.user, root_id)
    goal = get_scoped_or_404(Goal.objects, fractal, pk=goal_id)
    target = get_scoped_or_404(Target.objects.filter(goal=goal), fractal, pk=target_id)
    return _target_form_page(request, fractal, goal, target)


@login_required
@require_POST
def target_delete(request, root_id, goal_id, target_id):
    fractal = get_fractal_for_user(request.user, root_id)
    goal = get_scoped_or_404(Goal.objects, fractal, pk=goal_id)
    target = get_scoped_or_404(Target.objects.filter(goal=goal), fractal, pk=target_id)
    target.delete()
    messages.success(request, f"Deleted the target “{target}”.")
    return redirect(goal_url(fractal, goal))
