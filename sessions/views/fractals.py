"""The fractal list and the goal tree: pages that show goals with their sessions and targets."""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from activities.models import Target
from goals.access import fractals_for, get_fractal_for_user
from goals.forms import FractalForm
from goals.models import Goal
from goals.stats import goal_counts_by_root, last_activity_by_root

from ..models import PracticeSession, PracticeSessionGoal


@login_required
def fractal_list(request):
    fractals = list(fractals_for(request.user).order_by("sort_order", "created_at"))
    ids = [fractal.pk for fractal in fractals]
    last_activity = last_activity_by_root(ids)
    goal_counts = goal_counts_by_root(ids)
    session_counts = dict(
        PracticeSession.objects.filter(root_id__in=ids)
        .order_by()
        .values("root_id")
        .annotate(count=Count("id"))
        .values_list("root_id", "count")
    )
    for fractal in fractals:
        fractal.last_activity = last_activity.get(fractal.pk, fractal.updated_at)
        fractal.goal_count = goal_counts.get(fractal.pk, 0)
        fractal.session_count = session_counts.get(fractal.pk, 0)
    deleted = Goal.all_objects.roots().filter(owner=request.user, deleted_at__isnull=False).order_by("-deleted_at")
    context = {"fractals": fractals, "deleted_fractals": deleted, "form": FractalForm()}
    return render(request, "goals/fractal_list.html", context)


TREE_FIELDS = ("id", "parent_id", "name", "level", "completed", "completed_at", "deadline", "created_at")


def goal_links_base(fractal):
    """The prefix of goal URLs, relative to the tree page when possible (keeps a big page small).

    Row links are built from it: thousands of reverse() calls would dominate the page.
    """
    tree = reverse("fractal-tree", kwargs={"root_id": fractal.pk})
    base = reverse("goal-detail", kwargs={"root_id": fractal.pk, "goal_id": fractal.pk}).removesuffix(f"{fractal.pk}/")
    return base.removeprefix(tree) if base.startswith(tree) else base


@dataclass
class TreeNode:
    goal: tuple  # a named row of TREE_FIELDS
    children: list = field(default_factory=list)
    session_count: int = 0
    targets_total: int = 0
    targets_met: int = 0
    matched: bool = False


def build_tree(goals, visible_ids):
    """Nest ``goals`` (already in sibling order) under their parents, keeping ``visible_ids`` only."""
    nodes = {goal.id: TreeNode(goal) for goal in goals if goal.id in visible_ids}
    root = None
    for goal in goals:
        node = nodes.get(goal.id)
        if node is None:
            continue
        if goal.parent_id is None:
            root = node
        elif goal.parent_id in nodes:
            nodes[goal.parent_id].children.append(node)
    return root, nodes


def tree_rows(root):
    """The tree as a flat list in page order; ``closes`` counts the subtrees that end at each row.

    One loop in the template renders it, which is much faster than a recursive include.
    """
    rows = []

    def walk(node):
        rows.append({"node": node, "closes": []})
        for child in node.children:
            walk(child)
        if node.children:
            rows[-1]["closes"].append(node)

    if root is not None:
        walk(root)
    return rows


@login_required
def fractal_tree(request, root_id):
    fractal = get_fractal_for_user(request.user, root_id)
    query = request.GET.get("q", "").strip()
    hide_completed = request.GET.get("hide_completed") == "1"
    # The whole fractal in one query; the tree is built in Python.
    # Plain rows rather than model instances: a fractal can hold thousands of goals.
    goals = list(
        Goal.objects.filter(root_id=fractal.pk)
        .order_by("sort_order", "created_at")
        .values_list(*TREE_FIELDS, named=True)
    )
    by_id = {goal.id: goal for goal in goals}
    visible = set(by_id)
    if hide_completed:
        # A completed goal is hidden with everything below it (the root always stays).
        visible = {
            goal.id
            for goal in goals
            if not any(by_id[a].completed and by_id[a].parent_id is not None for a in _lineage(goal, by_id))
        }
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
    target_counts = (
        Target.objects.filter(root_id=fractal.pk)
        .order_by()
        .values_list("goal_id")
        .annotate(
            total=Count("id", distinct=True),
            met=Count("achievements", filter=Q(achievements__deleted_at__isnull=True), distinct=True),
        )
    )
    for goal_id, total, met in target_counts:
        if goal_id in nodes:
            nodes[goal_id].targets_total = total
            nodes[goal_id].targets_met = met
    for goal_id in matched:
        nodes[goal_id].matched = True
    context = {
        "fractal": fractal,
        "tree": tree,
        "rows": tree_rows(tree),
        "goals_base": goal_links_base(fractal),
        "query": query,
        "hide_completed": hide_completed,
        "match_count": len(matched),
        "goal_count": len(goals) - 1,
        "today": timezone.localdate(),
        "soon": timezone.localdate() + datetime.timedelta(days=7),
    }
    return render(request, "goals/fractal_tree.html", context)


def _lineage(goal, by_id):
    """The goal and its ancestors, up to the root."""
    chain = [goal.id]
    while goal.parent_id is not None and goal.parent_id in by_id:
        goal = by_id[goal.parent_id]
        chain.append(goal.id)
    return chain
