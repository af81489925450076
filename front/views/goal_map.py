"""The map view of the tree page, a goal's panel beside it, and the list / map switch."""

from urllib.parse import parse_qsl, urlsplit, urlunsplit

from django.contrib.auth.decorators import login_required
from django.db.models import F
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_POST, require_safe

from activities.models import Target
from front.goal_map import MapRequest, build_map
from goals.access import get_fractal_for_user, get_scoped_or_404
from goals.models import Goal, MapLayout, Profile, TreeView
from sessions.models import PracticeSession
from sessions.targets import target_progress
from sessions.views.common import session_url

PANEL_SESSIONS = 5


def _profile(user):
    return getattr(user, "profile", None)


def chosen(request, name, choices, remembered):
    """A view choice from the query string (one request only), else the remembered one.

    Returns None for a value that is not one of ``choices`` (the caller answers 400).
    """
    value = request.GET.get(name)
    if value is None or value == "":
        return remembered
    return value if value in choices.values else None


def tree_choices(request):
    """(view, layout) for this request, or None when the query string names unknown ones."""
    profile = _profile(request.user)
    view = chosen(request, "view", TreeView, profile.tree_view if profile else TreeView.LIST)
    layout = chosen(request, "layout", MapLayout, profile.map_layout if profile else MapLayout.TOP_DOWN)
    if view is None or layout is None:
        return None
    return view, layout


def bad_choice():
    return HttpResponseBadRequest("Unknown view: choose view=list or view=map, layout=top-down or layout=radial.")


def goals_base(fractal):
    """The prefix of goal URLs (goal id and "/" follow), from one reverse()."""
    return reverse("goal-detail", kwargs={"root_id": fractal.pk, "goal_id": fractal.pk}).removesuffix(f"{fractal.pk}/")


def map_page(request, fractal, layout):
    """The tree page as a map (called by the tree page when the map is the chosen view)."""
    map_request = MapRequest.from_query(request.GET, layout)
    base = goals_base(fractal)
    goal_map = build_map(fractal, map_request, base, base, timezone.localdate())
    panel = None
    if request.GET.get("panel"):
        panel = panel_context(request, fractal, request.GET["panel"], request.get_full_path())
    tree_url = reverse("fractal-tree", kwargs={"root_id": fractal.pk})
    context = {
        "fractal": fractal,
        "map": goal_map,
        "map_request": map_request,
        "layout": layout,
        "view": TreeView.MAP,
        "tree_url": tree_url,
        "panel": panel is not None,
        "clear_url": tree_url + "?" + urlencode(without_query(map_request)),
        "inactive_query": urlencode([*map_request.params(), ("inactive", "1")]),
        "goal_count": goal_map.goal_count - 1,
    }
    context.update(panel or {})  # the included panel reads the same names as the fragment
    return render(request, "front/fractal_map.html", context)


def without_query(map_request):
    """The map's parameters without its search (the search's Clear link)."""
    return [(name, value) for name, value in map_request.params() if name != "q"]


def panel_context(request, fractal, goal_id, next_url):
    """What a goal's panel shows: details, targets with progress, recent sessions, actions."""
    goal = get_scoped_or_404(Goal.objects.select_related("parent"), fractal, pk=goal_id)
    children = list(Goal.objects.filter(parent=goal).values_list("completed", flat=True))
    targets = Target.objects.filter(goal=goal).select_related("activity").order_by("sort_order", "created_at")
    sessions = list(
        PracticeSession.objects.filter(goal_links__goal=goal).order_by(
            F("started_at").desc(nulls_last=True), "-created_at"
        )[: PANEL_SESSIONS + 1]
    )
    if not (next_url and url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()})):
        next_url = reverse("fractal-tree", kwargs={"root_id": fractal.pk}) + "?" + urlencode({"panel": goal.pk})
    return {
        "fractal": fractal,
        "goal": goal,
        "children_total": len(children),
        "children_done": sum(children),
        "progress": target_progress(targets),
        "sessions": [(session, session_url(session)) for session in sessions[:PANEL_SESSIONS]],
        "more_sessions": len(sessions) > PANEL_SESSIONS,
        "sessions_url": reverse("session-list", kwargs={"root_id": fractal.pk}) + f"?goal={goal.pk}",
        "focus_url": reverse("fractal-tree", kwargs={"root_id": fractal.pk}) + "?" + urlencode({"focus": goal.pk}),
        "next_url": next_url,
        "close_url": without_panel(next_url),
        "today": timezone.localdate(),
    }


def without_panel(url):
    """``url`` without its ``panel`` parameter (and the node anchor that came with it)."""
    parts = urlsplit(url)
    query = [(name, value) for name, value in parse_qsl(parts.query) if name != "panel"]
    return urlunsplit(("", "", parts.path, urlencode(query), ""))


@login_required
@require_safe
def goal_panel(request, root_id, goal_id):
    """A goal's panel as a fragment, for the map's aside (fetched by static/js/goal_map.js)."""
    fractal = get_fractal_for_user(request.user, root_id)
    context = panel_context(request, fractal, goal_id, request.GET.get("next", ""))
    return render(request, "front/map/panel.html", context)


@login_required
@require_POST
def tree_view_set(request, root_id):
    """Remember the list or the map (and the map's shape) for this user, then show the tree page."""
    fractal = get_fractal_for_user(request.user, root_id)
    changes = {}
    for name, choices in (("view", TreeView), ("layout", MapLayout)):
        value = request.POST.get(name)
        if value is None:
            continue
        if value not in choices.values:
            return bad_choice()
        changes["tree_view" if name == "view" else "map_layout"] = value
    if not changes:
        return bad_choice()
    profile = Profile.for_user(request.user)
    for attribute, value in changes.items():
        setattr(profile, attribute, value)
    profile.save(update_fields=list(changes))
    url = reverse("fractal-tree", kwargs={"root_id": fractal.pk})
    keep = [(name, request.POST[name]) for name in ("q", "focus", "inactive") if request.POST.get(name)]
    return redirect(url + ("?" + urlencode(keep) if keep else ""))
