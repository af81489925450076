"""The goal map: which goals to draw, where (front/map_layout.py) and with which marks.

A map takes five queries whatever the fractal's size (per-level counts, the goals as plain rows,
the children of the first level left out, session counts and target counts, all but the goals
aggregated by the database); everything else happens in Python. Big fractals are drawn level by
level while the nodes fit in ``MAP_NODE_LIMIT`` (deeper levels are not even read); a goal whose
children are left out carries a "+N" link that draws them (``?expand=<id>``, repeatable).
"""

import datetime
import math
import uuid
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.http import Http404
from django.template.loader import get_template
from django.utils import formats

from activities.models import Target
from goals.models import Goal, GoalLevel, MapLayout
from sessions.models import PracticeSessionGoal

from . import map_layout

SVG_TEMPLATE = get_template("front/map/svg.html")
MAP_FIELDS = ("id", "parent_id", "name", "level", "completed", "deadline", "paused_at", "archived_at")
# Whole levels are drawn while the nodes fit in this number: a picture of thousands of nodes is
# slow for the browser and unreadable anyway. Expanded branches and search matches come on top.
MAP_NODE_LIMIT = 400
LABEL_CHARS = 20
NODE_RADIUS = 13
RING_RADIUS = 18
RING_LENGTH = 2 * math.pi * RING_RADIUS
LEVEL_LABELS = {level.value: level.label for level in GoalLevel}


@dataclass
class MapRequest:
    """What the page asks for, read from the query string (see ``from_query``)."""

    layout: str = MapLayout.TOP_DOWN
    focus: uuid.UUID | None = None
    expand: list = field(default_factory=list)
    query: str = ""
    inactive: bool = False  # draw paused and archived goals (and what is below them) too
    # ``view`` / ``layout`` given in the address (a one-off choice), carried on by every link.
    chosen: list = field(default_factory=list)

    @classmethod
    def from_query(cls, params, layout):
        """The request from GET ``params``; a malformed focus is a 404 (as a foreign one is)."""
        focus = None
        if params.get("focus"):
            focus = _uuid(params["focus"])
            if focus is None:
                raise Http404("No such goal.")
        # Unknown or stale ids in ``expand`` only fail to reveal anything (a bookmarked map
        # keeps working after a goal was deleted); malformed ones are dropped the same way.
        expand = list(dict.fromkeys(filter(None, (_uuid(value) for value in params.getlist("expand")))))
        chosen = [(name, params[name]) for name in ("view", "layout") if params.get(name)]
        return cls(
            layout=layout,
            focus=focus,
            expand=expand,
            query=params.get("q", "").strip(),
            inactive=params.get("inactive") == "1",
            chosen=chosen,
        )

    def params(self, expand=None):
        """The query string pairs that reproduce this map (``expand`` replaced when given)."""
        pairs = list(self.chosen)
        if self.query:
            pairs.append(("q", self.query))
        if self.focus:
            pairs.append(("focus", str(self.focus)))
        if self.inactive:
            pairs.append(("inactive", "1"))
        pairs.extend(("expand", str(goal_id)) for goal_id in (self.expand if expand is None else expand))
        return pairs


def _uuid(value):
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


@dataclass
class GoalMap:
    svg: str
    node_count: int  # drawn
    goal_count: int  # in the fractal, the root included
    hidden_count: int  # left out of the drawing (collapsed below the drawn levels)
    inactive_count: int  # paused or archived goals among those read (hidden unless asked for)
    match_count: int
    focus: tuple | None  # the focused goal's row
    width: float
    height: float
    nodes: list  # the drawn nodes' facts, in drawing order (tests read them)


def session_counts(fractal):
    rows = (
        PracticeSessionGoal.objects.filter(root_id=fractal.pk, session__deleted_at__isnull=True)
        .order_by()
        .values_list("goal_id")
        .annotate(count=Count("session_id"))
    )
    return dict(rows)


def target_counts(fractal):
    """goal id -> (targets, targets met), one aggregated query."""
    rows = (
        Target.objects.filter(root_id=fractal.pk)
        .order_by()
        .values_list("goal_id")
        .annotate(
            total=Count("id", distinct=True),
            met=Count("achievements", filter=Q(achievements__deleted_at__isnull=True), distinct=True),
        )
    )
    return {goal_id: (total, met) for goal_id, total, met in rows}


def choose_visible(top, children, lineage_of, request, matched, limit=None):
    """The goals to draw below ``top``: whole levels while they fit in ``limit`` (the first level
    always), the children of expanded goals, and every match with its ancestors."""
    limit = MAP_NODE_LIMIT if limit is None else limit
    visible = {top}
    level = [top]
    first = True
    while level:
        below = [child for goal_id in level for child in children.get(goal_id, ())]
        if not below or (not first and len(visible) + len(below) > limit):
            break
        visible.update(below)
        level, first = below, False
    in_branch = set()
    for goal_id in [*request.expand, *matched]:
        chain = lineage_of(goal_id, stop=top)
        if chain is None:
            continue  # outside the drawn branch
        in_branch.add(goal_id)
        visible.update(chain)
    for goal_id in request.expand:
        if goal_id in in_branch:
            visible.update(children.get(goal_id, ()))
    return visible


def level_cut(fractal, counts, limit=None):
    """The levels the default map draws (whole levels from the root while they fit in ``limit``,
    the root's children always) and the first level it leaves out, or None when all fit.

    The same rule as ``choose_visible`` for the whole fractal, decided from per-level counts so a
    big fractal's deep levels are never read.
    """
    limit = MAP_NODE_LIMIT if limit is None else limit
    levels = [level.value for level in GoalLevel.ordered() if level.depth >= GoalLevel(fractal.level).depth]
    shown, total = [], 0
    for index, level in enumerate(levels):
        count = counts.get(level, 0)
        if index > 1 and total + count > limit:
            return shown, level
        shown.append(level)
        total += count
    return shown, None


def level_counts(fractal):
    rows = Goal.objects.filter(root_id=fractal.pk).order_by().values_list("level").annotate(count=Count("id"))
    return dict(rows)


def children_below(fractal, level):
    """parent id -> (children, completed children) on ``level`` (the first level not read)."""
    rows = (
        Goal.objects.filter(root_id=fractal.pk, level=level or "")
        .order_by()
        .values_list("parent_id")
        .annotate(total=Count("id"), done=Count("id", filter=Q(completed=True)))
    )
    return {parent_id: (total, done) for parent_id, total, done in rows}


def inactive_below(goals):
    """The ids of the paused or archived ``goals`` and of every goal below one of them: the map,
    like the tree page, leaves them out unless asked to show them."""
    by_id = {goal.id: goal for goal in goals}
    inactive = {}

    def is_inactive(goal):
        chain = []
        while goal is not None and goal.id not in inactive:
            chain.append(goal)
            if goal.paused_at or goal.archived_at:
                break
            goal = by_id.get(goal.parent_id)
        verdict = goal is not None and (inactive.get(goal.id) or bool(goal.paused_at or goal.archived_at))
        for item in chain:
            inactive[item.id] = verdict
        return verdict

    if not any(goal.paused_at or goal.archived_at for goal in goals):
        return set()
    return {goal.id for goal in goals if is_inactive(goal)}


def build_map(fractal, request, goals_base, panel_base, today):
    """The map of ``fractal`` for ``request``: the SVG and a few counts for the page.

    The same queries whatever the fractal and the request: per-level counts, the goals (only the
    levels to draw, unless a search, focus or expanded branch needs them all), the children of
    the first level left out (counted by the database), session counts and target counts.
    """
    counts = level_counts(fractal)
    levels, cut = level_cut(fractal, counts)
    goals = Goal.objects.filter(root_id=fractal.pk)
    if request.query or request.focus or request.expand:
        cut = None
    elif cut is not None:
        goals = goals.filter(level__in=levels)
    goals = list(goals.order_by("sort_order", "created_at").values_list(*MAP_FIELDS, named=True))
    inactive = inactive_below(goals)
    inactive_count = sum(1 for goal in goals if goal.paused_at or goal.archived_at)
    if not request.inactive and inactive:
        goals = [goal for goal in goals if goal.id not in inactive]
    below = children_below(fractal, cut)
    by_id = {goal.id: goal for goal in goals}
    children = {}
    for goal in goals:
        if goal.parent_id is not None and goal.parent_id in by_id:
            children.setdefault(goal.parent_id, []).append(goal.id)

    def lineage_of(goal_id, stop):
        """``goal_id`` and its ancestors up to ``stop`` (None when ``stop`` is not among them)."""
        chain = []
        goal = by_id.get(goal_id)
        while goal is not None:
            chain.append(goal.id)
            if goal.id == stop:
                return chain
            goal = by_id.get(goal.parent_id)
        return None

    focus = None
    top = fractal.pk
    if request.focus is not None:
        focus = by_id.get(request.focus)
        if focus is None:
            raise Http404("No such goal.")
        top = focus.id
    matched = set()
    if request.query:
        needle = request.query.casefold()
        matched = {goal.id for goal in goals if needle in goal.name.casefold()}
        matched = {goal_id for goal_id in matched if lineage_of(goal_id, top) is not None}
    visible = choose_visible(top, children, lineage_of, request, matched)
    # A focused branch hangs below the chain of its ancestors (just the chain, not their siblings).
    ancestors = lineage_of(top, fractal.pk) or [top]
    visible.update(ancestors)
    drawn_children = {}
    for goal_id in visible:
        kids = children.get(goal_id, ())
        if goal_id in ancestors[1:]:
            kids = [ancestors[ancestors.index(goal_id) - 1]]
        drawn_children[goal_id] = [kid for kid in kids if kid in visible]
    if request.layout == MapLayout.RADIAL:
        layout = map_layout.radial(drawn_children, fractal.pk)
    else:
        layout = map_layout.top_down(drawn_children, fractal.pk)

    sessions = session_counts(fractal)
    targets = target_counts(fractal)
    nodes, edges = _drawing(
        layout,
        drawn_children,
        by_id,
        children,
        below,
        sessions,
        targets,
        matched,
        inactive,
        request,
        goals_base,
        panel_base,
        today,
    )
    svg = SVG_TEMPLATE.render(
        {
            "nodes": nodes,
            "edges": edges,
            "width": round(layout.width),
            "height": round(layout.height),
            "layout": request.layout,
            "title": fractal.name,
            "ring_radius": RING_RADIUS,
            "node_radius": NODE_RADIUS,
        }
    )
    hidden = sum(node["hidden"] for node in nodes)
    return GoalMap(
        svg=svg,
        node_count=len(nodes),
        goal_count=sum(counts.values()),
        hidden_count=hidden,
        inactive_count=inactive_count,
        match_count=len(matched),
        focus=focus,
        width=layout.width,
        height=layout.height,
        nodes=nodes,
    )


class _Dates:
    def __init__(self):
        self.labels = {}

    def __call__(self, day):
        if day not in self.labels:
            self.labels[day] = formats.date_format(day, "SHORT_DATE_FORMAT")
        return self.labels[day]


def _drawing(
    layout,
    drawn_children,
    by_id,
    children,
    below,
    sessions,
    targets,
    matched,
    inactive,
    request,
    goals_base,
    panel_base,
    today,
):
    """Ready-made facts per node and one path per edge: the template only prints them."""
    positions = layout.positions
    soon = today + datetime.timedelta(days=7)
    dates = _Dates()
    base_params = request.params()
    nodes, edges = [], []
    for goal_id, (x, y) in positions.items():
        goal = by_id[goal_id]
        kids = children.get(goal_id, ())
        drawn = drawn_children.get(goal_id, ())
        unread, unread_done = below.get(goal_id, (0, 0))  # children on a level that was not read
        hidden = len(kids) - len(drawn) + unread
        classes = f"map-node level-{goal.level}"
        if goal.completed:
            classes += " is-completed"
        if goal_id in matched:
            classes += " is-match"
        if goal_id == request.focus:
            classes += " is-focus"
        if goal_id in inactive:
            classes += " is-inactive"
        deadline_state = ""
        if goal.deadline and not goal.completed:
            if goal.deadline < today:
                deadline_state = "overdue"
                classes += " is-overdue"
            elif goal.deadline <= soon:
                deadline_state = "due-soon"
        count = sessions.get(goal_id, 0)
        total, met = targets.get(goal_id, (0, 0))
        progress = None
        if total:
            progress, progress_label = met / total, f"targets {met}/{total}"
        elif kids or unread:
            done = sum(1 for kid in kids if by_id[kid].completed) + unread_done
            all_kids = len(kids) + unread
            progress, progress_label = done / all_kids, f"children done {done}/{all_kids}"
        name = goal.name
        label = name if len(name) <= LABEL_CHARS else name[: LABEL_CHARS - 1].rstrip() + "…"
        details = [LEVEL_LABELS[goal.level]]
        if goal.completed:
            details.append("completed")
        if goal.archived_at:
            details.append("archived")
        elif goal.paused_at:
            details.append("paused")
        elif goal_id in inactive:
            details.append("inactive: above it is paused or archived")
        if goal.deadline:
            details.append(("overdue since " if deadline_state == "overdue" else "due ") + dates(goal.deadline))
        if progress is not None:
            details.append(progress_label)
        if count:
            details.append(f"{count} session{'' if count == 1 else 's'}")
        node = {
            "id": goal_id,
            "x": round(x, 1),
            "y": round(y, 1),
            "classes": classes,
            "name": name,
            "label": label,
            "title": f"{name} — " + ", ".join(details),
            "deadline": dates(goal.deadline) if goal.deadline else "",
            "deadline_state": deadline_state,
            "sessions": count,
            "completed": goal.completed,
            "progress": progress,
            "ring": f"{progress * RING_LENGTH:.1f} {RING_LENGTH:.1f}" if progress is not None else "",
            "hidden": hidden,
            "href": f"{goals_base}{goal_id}/",
            "panel_url": f"{panel_base}{goal_id}/panel/",
            "panel_href": "?" + urlencode([*base_params, ("panel", str(goal_id))]) + f"#node-{goal_id}",
            "expand_href": "",
            "collapse_href": "",
        }
        if hidden:
            node["expand_href"] = (
                "?" + urlencode(request.params(expand=[*request.expand, goal_id])) + f"#node-{goal_id}"
            )
        elif goal_id in request.expand and drawn:
            rest = [other for other in request.expand if other != goal_id]
            node["collapse_href"] = "?" + urlencode(request.params(expand=rest)) + f"#node-{goal_id}"
        nodes.append(node)
        for kid in drawn:
            kx, ky = positions[kid]
            edges.append(
                {
                    "d": _edge_path(x, y, kx, ky, request.layout),
                    "classes": f"map-edge level-{by_id[kid].level}" + (" is-completed" if by_id[kid].completed else ""),
                }
            )
    return nodes, edges


def _edge_path(x1, y1, x2, y2, layout):
    if layout == MapLayout.RADIAL:
        return f"M{x1:.1f} {y1:.1f}L{x2:.1f} {y2:.1f}"
    middle = (y1 + y2) / 2
    return f"M{x1:.1f} {y1:.1f}C{x1:.1f} {middle:.1f} {x2:.1f} {middle:.1f} {x2:.1f} {y2:.1f}"
