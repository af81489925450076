"""Every URL pattern of the project, read from the resolver, and how to fill its parameters.

New routes are picked up automatically. A route whose parameters cannot be filled from the two
users' worlds is reported by name, so nothing is ever silently left uncovered: add the parameter
to ``OBJECT_KWARGS`` or ``SCALAR_KWARGS`` (or the route to ``ALLOW_LIST`` with a reason).
"""

import re
from dataclasses import dataclass

from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.exceptions import NoReverseMatch
from django.utils import timezone

from activities.models import (
    ActivityDefinition,
    ActivityGroup,
    MetricDefinition,
    SplitDefinition,
    Target,
    TargetMetric,
)
from goals.models import Goal, GoalPause
from sessions.models import (
    ActivityInstance,
    MetricValue,
    Note,
    PracticeSession,
    Program,
    ProgramBlock,
    ProgramDay,
    ScheduledSession,
    SessionSection,
    SessionTemplate,
    TargetAchievement,
    TemplateActivity,
    TemplateSection,
)

# Routes left out of the matrix, each with the reason. Matched against the joined pattern.
ALLOW_LIST = [
    (r"^admin/", "Django admin: staff only, its own permission system (users are never staff here)."),
    (r"^accounts/", "Sign-in, sign-out, sign-up and password pages: public or about the user themselves."),
    (r"^static/|^media/", "Static files."),
    (r"^(healthz|readyz)$", "Health endpoints for a load balancer: public by design, no user data."),
    (r"^api/(schema|docs|redoc|swagger)", "The OpenAPI schema and its docs: no user data."),
    (r"^api/auth/|^api/token", "API sign-in (token) endpoints: about the caller's own credentials."),
    (
        r"^settings/legacy-import/<str:upload_id>/",
        "The review of one uploaded goals.db: its id is a random key kept under the signed-in user's own "
        "folder (tests/pages/test_legacy_import_pages.py: a stranger gets 404 and changes nothing).",
    ),
    (
        r"^calendar/",
        "The private calendar feed: no sign-in, its secret token is the credential "
        "(tests/pages/test_account_data.py: a bad, rotated or revoked token answers 404).",
    ),
]

# Path parameter (without _id/_pk suffix) → attribute of the world holding the object.
OBJECT_KWARGS = {
    "root": "root",
    "fractal": "root",
    "goal": "goal",
    "parent": "goal",
    "child": "goal",
    "target": "target",
    "threshold": "target_metric",
    "target_metric": "target_metric",
    "group": "group",
    "activity_group": "group",
    "activity": "activity",
    "definition": "activity",
    "activity_definition": "activity",
    "metric": "metric",
    "metric_definition": "metric",
    "split": "split",
    "split_definition": "split",
    "session": "session",
    "practice_session": "session",
    "section": "section",
    "session_section": "section",
    "instance": "instance",
    "activity_instance": "instance",
    "value": "value",
    "metric_value": "value",
    "achievement": "achievement",
    "template": "template",
    "session_template": "template",
    "template_section": "template_section",
    "template_activity": "template_activity",
    "program": "program",
    "block": "block",
    "program_block": "block",
    "day": "day",
    "program_day": "day",
    "scheduled": "scheduled",
    "scheduled_session": "scheduled",
    "note": "note",
    # Trash routes name the kind separately (see SCALAR_KWARGS) and act on a deleted object.
    "object": "deleted_goal",
}

# Path parameters that are not objects: a fixed, valid value.
SCALAR_KWARGS = {
    "format": lambda: "json",
    "year": lambda: timezone.localdate().year,
    "month": lambda: timezone.localdate().month,
    "week": lambda: 1,
    "date": lambda: timezone.localdate().isoformat(),
    "level": lambda: "ShortTermGoal",
    "kind": lambda: "goal",
    "table": lambda: "heatmap",  # analytics CSV; every table: tests/pages/test_analytics_figures_pages.py
}

# Words of a URL name → model, for ``pk``/``id`` parameters of views that do not name their model.
NAME_MODELS = {
    "fractal": Goal,
    "goal": Goal,
    "target": Target,
    "threshold": TargetMetric,
    "group": ActivityGroup,
    "activity": ActivityDefinition,
    "metric": MetricDefinition,
    "split": SplitDefinition,
    "session": PracticeSession,
    "section": SessionSection,
    "instance": ActivityInstance,
    "value": MetricValue,
    "achievement": TargetAchievement,
    "template": SessionTemplate,
    "program": Program,
    "block": ProgramBlock,
    "day": ProgramDay,
    "scheduled": ScheduledSession,
    "note": Note,
}

WORLD_ROLE_BY_MODEL = {
    ActivityGroup: "group",
    ActivityDefinition: "activity",
    MetricDefinition: "metric",
    SplitDefinition: "split",
    Target: "target",
    TargetMetric: "target_metric",
    PracticeSession: "session",
    SessionSection: "section",
    ActivityInstance: "instance",
    MetricValue: "value",
    TargetAchievement: "achievement",
    SessionTemplate: "template",
    TemplateSection: "template_section",
    TemplateActivity: "template_activity",
    Program: "program",
    ProgramBlock: "block",
    ProgramDay: "day",
    ScheduledSession: "scheduled",
    Note: "note",
    GoalPause: "goal_pause",
}

ROOT_ROLES = {"root"}


class UnfillableRoute(Exception):
    """A route's parameters cannot be filled: the matrix must be taught about it."""


@dataclass
class Route:
    pattern: str
    name: str | None
    callback: object
    params: list

    def __str__(self):
        return f"/{self.pattern} ({self.name or 'unnamed'})"

    @property
    def is_api(self):
        return self.pattern.startswith("api/")

    def allow_listed(self):
        for regex, reason in ALLOW_LIST:
            if re.search(regex, self.pattern):
                return reason
        return None

    # --- filling parameters ------------------------------------------------------------------
    def roles(self):
        """Parameter → world role (object params) or None (scalar params)."""
        roles = {}
        object_params = [param for param in self.params if param not in SCALAR_KWARGS]
        for param in self.params:
            if param in SCALAR_KWARGS:
                roles[param] = None
                continue
            role = self._role_for(param, others=len(object_params) > 1)
            if role is None:
                raise UnfillableRoute(
                    f"Route {self} has a path parameter {param!r} the ownership matrix cannot fill; "
                    "teach tests/security/routes.py about it."
                )
            roles[param] = role
        return roles

    def _role_for(self, param, others):
        base = re.sub(r"_(id|pk|uuid)$", "", param)
        if base in {"pk", "id", "uuid"}:
            model = self.view_model()
            if model is None:
                return None
            if model is Goal:
                return "goal" if others else "root"
            return WORLD_ROLE_BY_MODEL.get(model)
        if base == "section" and "template" in self.pattern:
            return "template_section"
        return OBJECT_KWARGS.get(base)

    def view_model(self):
        view_class = getattr(self.callback, "cls", None) or getattr(self.callback, "view_class", None)
        if view_class is not None:
            queryset = getattr(view_class, "queryset", None)
            if queryset is not None:
                return queryset.model
            if getattr(view_class, "model", None) is not None:
                return view_class.model
            serializer = getattr(view_class, "serializer_class", None)
            meta = getattr(serializer, "Meta", None)
            if getattr(meta, "model", None) is not None:
                return meta.model
            form = getattr(view_class, "form_class", None)
            if getattr(getattr(form, "_meta", None), "model", None) is not None:
                return form._meta.model
        for word in re.split(r"[-_:]", self.name or ""):
            if word in NAME_MODELS:
                return NAME_MODELS[word]
        return None

    def fill(self, worlds):
        """Path parameters from ``worlds``: a role → world map (roles not named use ``worlds['*']``)."""
        kwargs = {}
        for param, role in self.roles().items():
            if role is None:
                kwargs[param] = SCALAR_KWARGS[param]()
            else:
                world = worlds.get(role, worlds["*"])
                kwargs[param] = str(getattr(world, role).pk)
        return kwargs

    @property
    def object_params(self):
        return [param for param in self.params if param not in SCALAR_KWARGS]

    def url(self, kwargs):
        """The path of this route; by name when the name is unique to it, else from the pattern."""
        if self.name:
            try:
                path = reverse(self.name, kwargs=kwargs)
            except NoReverseMatch:
                path = None
            # Two routes may share a name (a page and an endpoint): reverse() then finds only one.
            if path is not None and self.resolves(path):
                return path
        path = "/" + _substitute(self.pattern, kwargs)
        assert self.resolves(path), f"cannot build a path for {self}"
        return path

    def resolves(self, path):
        try:
            match = resolve(path)
        except Resolver404:
            return False
        return match.func is self.callback and set(self.params) <= set(match.kwargs)


def _substitute(pattern, kwargs):
    """Build a path from a joined route or regex pattern (for unnamed routes)."""
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda match: str(kwargs[match.group(1)]), pattern)
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda match: str(kwargs[match.group(1)]), path)
    path = path.replace("^", "").replace("$", "").replace("\\.", ".").replace("/?", "/")
    return path


def _params(pattern):
    """Names of the path parameters a (route, regex or locale) pattern captures."""
    return list(pattern.regex.groupindex)


def _walk(patterns, prefix="", namespace=None, params=()):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            space = ":".join(part for part in (namespace, entry.namespace) if part) or None
            yield from _walk(
                entry.url_patterns,
                prefix + _clean(str(entry.pattern)),
                space,
                (*params, *_params(entry.pattern)),
            )
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield Route(
                pattern=prefix + _clean(str(entry.pattern)),
                name=name,
                callback=entry.callback,
                params=[*params, *_params(entry.pattern)],
            )


def _clean(text):
    return text.lstrip("^").rstrip("$") if text.endswith("$") else text.lstrip("^")


def all_routes():
    return list(_walk(get_resolver().url_patterns))


def covered_routes():
    return [route for route in all_routes() if not route.allow_listed()]
