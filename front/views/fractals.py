"""The fractal list and the goal tree: pages that show goals with their sessions and targets."""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from activities.models import Target
from goals.access import fractals_for, get_fractal_for_user, get_scoped_or_404
from goals.forms import FractalForm
from goals.models import Goal, GoalLevel, TreeView
from goals.stats import goal_counts_by_root, last_activity_by_root
from goals.tree import nest, rolled_up_progress
from sessions.models import PracticeSession, PracticeSessionGoal
from sessions.targets import target_counts

from . import goal_map


@login_required
@require_safe
def fractal_list(request):
    fractals = list(fractals_for(request.user).order_by("sort_order", "created_at"))
    ids = [fractal.pk for fractal in fractals]
    last_activity = last_activity_by_root(ids)
    goal_counts = goal_counts_by_root(ids)
    session_counts = dict(
        PracticeSession.objects.filter(root_id__in=ids)
        .order_by()
        .values("root_id")
        .annotate(count=Count("*"))
        .values_list("root_id", "count")
    )
    for fractal in fractals:
        fractal.last_activity = last_activity.get(fractal.pk, fractal.updated_at)
        fractal.goal_count = goal_counts.get(fractal.pk, 0)
        fractal.session_count = session_counts.get(fractal.pk, 0)
    deleted = Goal.all_objects.roots().filter(owner=request.user, deleted_at__isnull=False).order_by("-deleted_at")
    context = {"fractals": fractals, "deleted_fractals": deleted, "form": FractalForm()}
    return render(request, "front/fractal_list.html", context)


TREE_FIELDS = (
    "id",
    "parent_id",
    "name",
    "level",
    "completed",
    "completed_at",
    "deadline",
    "created_at",
    "completion_mode",
    "paused_at",
    "archived_at",
)
# The tree page renders whole levels while the rows fit in this number; deeper levels of a big
# fractal open branch by branch (``?focus=<goal id>``). A page of thousands of rows is slow to
# build and slower still for the browser.
TREE_ROW_LIMIT = 1000
# From this depth below the root, a phone's list stops indenting and shows a breadcrumb instead.
CRUMB_DEPTH = 3


def goal_links_base(fractal, relative=True):
    """The prefix of goal URLs, relative to the tree page when possible (keeps a big page small).

    Row links are built from it: thousands of reverse() calls would dominate the page.
    """
    tree = reverse("fractal-tree", kwargs={"root_id": fractal.pk})
    base = reverse("goal-detail", kwargs={"root_id": fractal.pk, "goal_id": fractal.pk}).removesuffix(f"{fractal.pk}/")
    return base.removeprefix(tree) if relative and base.startswith(tree) else base


@dataclass
class TreeNode:
    goal: tuple  # a named row of TREE_FIELDS
    children: list = field(default_factory=list)
    session_count: int = 0
    targets_total: int = 0
    targets_met: int = 0
    matched: bool = False
    hidden_children: int = 0  # children below the rendered levels, shown on demand
    progress: float | None = None  # rolled-up share (goals.tree.rolled_up_progress); None: no parts
    inactive: bool = False  # paused or archived, itself or through an ancestor
    trail: tuple = ()  # in-place rows only: the names between the root and the goal (tree_rows has its own)


def build_tree(goals, visible_ids):
    """Nest ``goals`` (already in sibling order) under their parents, keeping ``visible_ids`` only."""
    nodes = {}

    def node(goal, children):
        nodes[goal.id] = TreeNode(goal, children)
        return nodes[goal.id]

    top = nest((goal for goal in goals if goal.id in visible_ids), node).get(None, ())
    return (top[0] if top else None), nodes


def tree_rows(root):
    """The tree as a flat list in page order; ``closes`` counts the subtrees that end at each row.

    One loop in the template renders it, which is much faster than a recursive include.
    """
    rows = []

    def walk(node, above):
        # ``trail``: the goals between the root and this row, for rows deep enough that a phone
        # stops indenting them and shows the way there as a breadcrumb instead.
        rows.append({"node": node, "closes": [], "trail": above if len(above) >= CRUMB_DEPTH - 1 else ()})
        below = (*above, node.goal.name) if node.goal.parent_id is not None else above
        for child in node.children:
            walk(child, below)
        if node.children:
            rows[-1]["closes"].append(node)

    if root is not None:
        walk(root, ())
    return rows


def levels_to_render(fractal):
    """The levels the tree page shows in full, and the first level it leaves for later (or None).

    Whole levels from the root down while their goals fit in ``TREE_ROW_LIMIT`` (the root's
    children always show), from one count per level.
    """
    counts = dict(Goal.objects.filter(root_id=fractal.pk).order_by().values_list("level").annotate(count=Count("id")))
    levels = [level for level in GoalLevel.ordered() if level.depth >= GoalLevel(fractal.level).depth]
    shown, total = [], 0
    for index, level in enumerate(levels):
        count = counts.get(level.value, 0)
        if index > 1 and total + count > TREE_ROW_LIMIT:
            return shown, level.value
        shown.append(level.value)
        total += count
    return shown, None


@login_required
@require_safe
def fractal_tree(request, root_id):
    fractal = get_fractal_for_user(request.user, root_id)
    choices = goal_map.tree_choices(request)
    if choices is None:
        return goal_map.bad_choice()
    view, layout = choices
    if view == TreeView.MAP:
        return goal_map.map_page(request, fractal, layout)
    query = request.GET.get("q", "").strip()
    hide_completed = request.GET.get("hide_completed") == "1"
    show_inactive = request.GET.get("inactive") == "1"
    focus = None
    if request.GET.get("focus"):
        focus = get_scoped_or_404(Goal.objects.only("id", "name"), fractal, pk=request.GET["focus"])
    # The fractal (or its first levels) in one query; the tree is built in Python.
    # Plain rows rather than model instances: a fractal can hold thousands of goals.
    goals = Goal.objects.filter(root_id=fractal.pk)
    levels, cut_level = levels_to_render(fractal)
    if query or hide_completed or focus:
        cut_level = None  # searches and branches look at every goal
    elif cut_level is not None:
        goals = goals.filter(level__in=levels)
    goals = list(goals.order_by("sort_order", "created_at").values_list(*TREE_FIELDS, named=True))
    # Children waiting below the cut, per parent (one query whether or not there is a cut).
    own_active = Q(paused_at__isnull=True, archived_at__isnull=True)
    hidden = (
        Goal.objects.filter(root_id=fractal.pk, level=cut_level or "")
        .order_by()
        .values_list("parent_id")
        .annotate(
            count=Count("id"),
            counted=Count("id", filter=own_active),
            done=Count("id", filter=own_active & Q(completed=True)),
        )
    )
    by_id = {goal.id: goal for goal in goals}
    visible = set(by_id)
    if focus is not None:
        visible = set(_lineage(by_id[focus.pk], by_id)) | _subtree(focus.pk, goals)
    if hide_completed:
        # A completed goal is hidden with everything below it (the root always stays).
        visible = {
            goal.id
            for goal in goals
            if not any(by_id[a].completed and by_id[a].parent_id is not None for a in _lineage(goal, by_id))
        }
    inactive = {goal.id for goal in goals if goal.paused_at or goal.archived_at}
    if not show_inactive:
        # Hidden with everything below them (the rows under them no longer reach the root).
        visible -= inactive
    matched = set()
    if query:
        needle = query.lower()
        matched = {goal.id for goal in goals if goal.id in visible and needle in goal.name.lower()}
        keep = {fractal.pk}
        for goal_id in matched:
            keep.update(_lineage(by_id[goal_id], by_id))
        visible &= keep
    tree, nodes = build_tree(goals, visible)
    session_counts = (
        PracticeSessionGoal.objects.filter(root_id=fractal.pk, session__deleted_at__isnull=True)
        .order_by()
        .values_list("goal_id")
        .annotate(count=Count("session_id"))
    )
    for goal_id, count in session_counts:
        if goal_id in nodes:
            nodes[goal_id].session_count = count
    targets = target_counts(Target.objects.filter(root_id=fractal.pk))
    for goal_id, (total, met) in targets.items():
        if goal_id in nodes:
            nodes[goal_id].targets_total = total
            nodes[goal_id].targets_met = met
    for goal_id in matched:
        nodes[goal_id].matched = True
    unloaded = {}
    for goal_id, count, counted, done in hidden:
        unloaded[goal_id] = (counted, done)
        if goal_id in nodes:
            nodes[goal_id].hidden_children = count
    rows = ((goal.id, goal.parent_id, goal.completed, goal.id not in inactive) for goal in goals)
    for goal_id, (share, parts) in rolled_up_progress(rows, targets, unloaded).items():
        if parts and goal_id in nodes:
            nodes[goal_id].progress = share
    if show_inactive and inactive:
        _mark_inactive(tree, False)
    context = {
        "fractal": fractal,
        "tree": tree,
        "rows": tree_rows(tree),
        "goals_base": goal_links_base(fractal),
        "goals_url": goal_links_base(fractal, relative=False),
        "query": query,
        "hide_completed": hide_completed,
        "show_inactive": show_inactive,
        # Kept by the links that open a branch below the cut (a search or "hide completed" has no cut).
        "kept_filters": "&inactive=1" if show_inactive else "",
        "inactive_count": len(inactive),
        "focus": focus,
        "cut_level": GoalLevel(cut_level).label.lower() if cut_level else None,
        "match_count": len(matched),
        "goal_count": len(goals) - 1,
        "view": TreeView.LIST,
        "layout": layout,
        "today": timezone.localdate(),
        "soon": timezone.localdate() + datetime.timedelta(days=7),
    }
    return render(request, "front/fractal_tree.html", context)


def _mark_inactive(node, inherited):
    """Flag the nodes paused or archived themselves or below such a goal (iteratively: trees are wide)."""
    stack = [(node, inherited)] if node is not None else []
    while stack:
        node, inherited = stack.pop()
        node.inactive = inherited or bool(node.goal.paused_at or node.goal.archived_at)
        stack.extend((child, node.inactive) for child in node.children)


def _lineage(goal, by_id):
    """The goal and its ancestors, up to the root."""
    chain = [goal.id]
    while goal.parent_id is not None and goal.parent_id in by_id:
        goal = by_id[goal.parent_id]
        chain.append(goal.id)
    return chain


def _subtree(goal_id, goals):
    """Ids of the goal and everything below it, from rows already loaded."""
    children = {}
    for goal in goals:
        children.setdefault(goal.parent_id, []).append(goal.id)
    ids, frontier = {goal_id}, [goal_id]
    while frontier:
        frontier = [child for parent in frontier for child in children.get(parent, [])]
        ids.update(frontier)
    return ids
