"""In-place edits of the goal tree (htmx and the tree's script): one row back, never the page.

Each endpoint answers with the changed rows only, rendered by the same fragment as the page.
Bad input is a 400 with a short message and changes nothing; goals outside the user's fractals
are 404.
"""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from activities.models import Target
from goals.access import get_fractal_for_user, get_scoped_or_404
from goals.models import Goal, GoalLevel
from goals.tree import rolled_up_progress
from sessions.models import PracticeSessionGoal
from sessions.targets import target_counts

from ..templatetags.goal_tree import render_rows
from .fractals import CRUMB_DEPTH, TREE_FIELDS, TreeNode, goal_links_base


def _row_node(fractal, goal_id):
    """The tree node of one goal with its counts (a handful of small queries)."""
    # The ancestors' names ride along (joins, same query) for the phone's breadcrumb on deep rows.
    hops = range(1, len(GoalLevel.ordered()))
    ancestors = ["parent__" * hop + "name" for hop in hops]
    # And whether one of them is paused or archived (the row is then inactive too).
    states = [f"{'parent__' * hop}{state}" for hop in hops for state in ("paused_at", "archived_at")]
    goal = (
        Goal.objects.filter(root_id=fractal.pk, pk=goal_id)
        .values_list(*TREE_FIELDS, *ancestors, *states, named=True)
        .first()
    )
    if goal is None:
        raise Http404("No such goal in this fractal.")
    names = [getattr(goal, field) for field in ancestors]
    names = [name for name in names if name is not None][:-1]  # the root is left out
    node = TreeNode(goal)
    node.trail = tuple(reversed(names)) if len(names) >= CRUMB_DEPTH - 1 else ()
    node.hidden_children = Goal.objects.filter(parent_id=goal_id).count()
    node.session_count = PracticeSessionGoal.objects.filter(
        root_id=fractal.pk, goal_id=goal_id, session__deleted_at__isnull=True
    ).count()
    node.inactive = bool(goal.paused_at or goal.archived_at) or any(getattr(goal, field) for field in states)
    # The subtree in one query (a join per level), for the rolled-up progress, and its targets.
    below = Q()
    for hop in range(len(GoalLevel.ordered())):
        below |= Q(**{f"{'parent__' * hop}parent_id": goal_id})
    subtree = list(
        Goal.objects.filter(below, root_id=fractal.pk).values_list(
            "id", "parent_id", "completed", "paused_at", "archived_at"
        )
    )
    counts = target_counts(
        Target.objects.filter(root_id=fractal.pk, goal_id__in=[goal_id, *(row[0] for row in subtree)])
    )
    node.targets_total, node.targets_met = counts.get(goal.id, (0, 0))
    rows = [(goal.id, None, goal.completed, True)]
    rows += [(pk, parent, done, not (paused or archived)) for pk, parent, done, paused, archived in subtree]
    share, parts = rolled_up_progress(rows, counts)[goal.id]
    node.progress = share if parts else None
    return node


def _render(request, fractal, goal_id, summary_only, status=200):
    """One row (its <summary>, or its whole <li> for a new goal) and the pending messages."""
    node = _row_node(fractal, goal_id)
    if not summary_only:
        node.hidden_children = 0  # a new goal has no children yet
    today = timezone.localdate()
    # Full paths: the fragment lands on the tree page, whose relative links would differ elsewhere.
    rows = render_rows(
        [{"node": node, "closes": [], "trail": node.trail}],
        goal_links_base(fractal, relative=False),
        today,
        today + datetime.timedelta(days=7),
        summary_only=summary_only,
    )
    notes = render_to_string("front/tree/messages_oob.html", {"messages": messages.get_messages(request)})
    return HttpResponse(rows + notes, status=status)


@login_required
@require_GET
def tree_row(request, root_id, goal_id):
    """The row of one goal (the <summary>): where complete / reopen land after their redirect."""
    fractal = get_fractal_for_user(request.user, root_id)
    return _render(request, fractal, goal_id, summary_only=True)


@login_required
@require_POST
def tree_add(request, root_id, goal_id):
    """Add a child from the inline form; the answer is the new goal's row, to append in place."""
    fractal = get_fractal_for_user(request.user, root_id)
    parent = get_scoped_or_404(Goal.objects, fractal, pk=goal_id)
    if parent.child_level is None:
        return HttpResponseBadRequest("Nano goals have no children.")
    name = request.POST.get("name", "").strip()
    if not name:
        return HttpResponseBadRequest("Give the goal a name.")
    fields = {}
    if request.POST.get("deadline"):
        try:
            fields["deadline"] = datetime.date.fromisoformat(request.POST["deadline"])
        except ValueError:
            return HttpResponseBadRequest("The deadline is not a date.")
    try:
        with transaction.atomic():
            child = parent.add_child(name=name, **fields)
    except ValidationError as error:
        return HttpResponseBadRequest(" ".join(error.messages))
    return _render(request, fractal, child.pk, summary_only=False, status=201)


@login_required
@require_POST
def tree_rename(request, root_id, goal_id):
    fractal = get_fractal_for_user(request.user, root_id)
    goal = get_scoped_or_404(Goal.objects, fractal, pk=goal_id)
    name = request.POST.get("name", "").strip()
    if not name:
        return HttpResponseBadRequest("Give the goal a name.")
    goal.name = name
    try:
        with transaction.atomic():
            goal.full_clean()
            goal.save()
    except ValidationError as error:
        return HttpResponseBadRequest(" ".join(error.messages))
    return _render(request, fractal, goal.pk, summary_only=True)


@login_required
@require_POST
def tree_drop(request, root_id, goal_id):
    """Drag and drop: put the goal under ``parent`` at ``position`` among its live children.

    A new parent must sit exactly one level above the goal (the model's level rule); the goal then
    takes ``position`` (0 = first; past the end = last). Everything happens in one transaction.
    """
    fractal = get_fractal_for_user(request.user, root_id)
    goal = get_scoped_or_404(Goal.objects, fractal, pk=goal_id)
    if goal.parent_id is None:
        return HttpResponseBadRequest("A fractal root cannot be moved.")
    try:
        position = int(request.POST.get("position", ""))
    except ValueError:
        return HttpResponseBadRequest("The position must be a whole number.")
    if position < 0:
        return HttpResponseBadRequest("The position must be a whole number.")
    parent = get_scoped_or_404(Goal.objects, fractal, pk=request.POST.get("parent", ""))
    if not parent.may_parent(goal.level):
        return HttpResponseBadRequest("The new parent must be exactly one level above this goal.")
    try:
        with transaction.atomic():
            if parent.pk != goal.parent_id:
                goal.move_to(parent)
            siblings = list(Goal.objects.filter(parent=parent).exclude(pk=goal.pk).order_by("sort_order", "created_at"))
            ids = [sibling.pk for sibling in siblings]
            ids.insert(min(position, len(ids)), goal.pk)
            Goal.reorder(Goal.objects.filter(parent=parent), ids)
    except ValidationError as error:
        return HttpResponseBadRequest(" ".join(error.messages))
    return JsonResponse({"parent": str(parent.pk), "order": [str(pk) for pk in ids]})
