"""Ids from another fractal inside request bodies and filter parameters are refused (400/404).

The owner acts on their own fractal but slips in one id of the stranger's objects:
- every writable related field of every API resource (found from the owner's own representation
  and the route's OPTIONS metadata), by PATCH on the detail and POST on the list;
- the bodies of the action endpoints (move, reorder, values, from-template, schedule, ...);
- every id filter of every API list (refused), and of every page of a fractal (ignored or
  refused, never shown).
Nothing may change, and nothing of the stranger's may show.
"""

import json
import uuid

import pytest

from goals.models import GoalLevel

from .conftest import signed_in
from .routes import OBJECT_KWARGS, covered_routes
from .world import diff, snapshot

REFUSED = (400, 404)
API_ROUTES = [route for route in covered_routes() if route.is_api and hasattr(route.callback, "actions")]


def counterparts(owner_world, stranger_world):
    """Owner object id → the stranger's object in the same role."""
    mapping = {}
    for role in OBJECT_KWARGS.values():
        mapping[str(getattr(owner_world, role).pk)] = getattr(stranger_world, role)
    for level in GoalLevel:
        mapping[str(owner_world.goals[level].pk)] = stranger_world.goals[level]
    for name in ("plain_activity", "second_metric", "plain_metric", "second_split", "plain_instance"):
        mapping[str(getattr(owner_world, name).pk)] = getattr(stranger_world, name)
    mapping[str(owner_world.completed_session.pk)] = stranger_world.completed_session
    return mapping


def swaps(value, mapping, path=()):
    """Every (path, swapped copy of ``value``) with one owner id replaced by the stranger's."""
    if isinstance(value, str) and value in mapping:
        yield path, str(mapping[value].pk)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            for inner_path, swapped in swaps(item, mapping, (*path, index)):
                copied = list(value)
                copied[index] = swapped
                yield inner_path, copied
    elif isinstance(value, dict):
        for key, item in value.items():
            if key in {"id", "root"}:
                continue
            for inner_path, swapped in swaps(item, mapping, (*path, key)):
                copied = dict(value)
                copied[key] = swapped
                yield inner_path, copied


def send_json(client, method, url, body):
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


def writable_fields(route, instance=None):
    """Fields the route's serializer accepts: on create, or on update of ``instance``.

    Relations that are read-only on update (a target's goal, a goal's parent) are left out of
    the PATCH probe: DRF ignores them, they cannot be changed that way.
    """
    action = "create" if instance is None else "partial_update"
    view = route.callback.cls(action=action, kwargs={}, format_kwarg=None, request=None)
    try:
        serializer_class = view.get_serializer_class()
    except (AttributeError, AssertionError, TypeError):
        serializer_class = route.callback.cls.serializer_class
    fields = serializer_class(instance=instance, context={}).fields
    return {name for name, field in fields.items() if not field.read_only}


# Relations the probe must reach on these resources (guards against a silently empty probe).
EXPECTED_RELATIONS = {
    "goal-detail": {"parent"},
    "target-detail": {"goal", "activity"},
    "session-detail": {"goals"},
    "instance-detail": {"session", "activity"},
    "program-block-detail": {"program", "goals"},
    "scheduled-session-detail": {"day", "template"},
}


def detail_routes():
    return [
        route
        for route in API_ROUTES
        if route.callback.actions.get("get") == "retrieve" and "partial_update" in route.callback.actions.values()
    ]


def list_routes():
    return [route for route in API_ROUTES if route.callback.actions.get("get") == "list"]


def owner_url(route, world):
    return route.url(route.fill({"*": world}))


@pytest.mark.parametrize("route", detail_routes(), ids=str)
def test_a_related_id_of_another_fractal_is_refused_in_updates_and_creates(route, owner_world, stranger_world):
    owner = signed_in(owner_world.user)
    mapping = counterparts(owner_world, stranger_world)
    url = owner_url(route, owner_world)
    representation = owner.get(url).json()
    instance = route.view_model().all_objects.get(pk=representation["id"])
    on_update, on_create = writable_fields(route, instance), writable_fields(route)
    list_route = next((other for other in list_routes() if other.callback.cls is route.callback.cls), None)
    problems, tried = [], set()
    for field in sorted((on_update | on_create) & set(representation)):
        for path, swapped in swaps(representation[field], mapping, (field,)):
            tried.add(field)
            attempts = []
            if field in on_update:
                attempts.append(("patch", url, {field: swapped}))
            if list_route is not None and field in on_create:
                body = {name: value for name, value in representation.items() if name in on_create}
                body[field] = swapped
                attempts.append(("post", owner_url(list_route, owner_world), body))
            for method, target, body in attempts:
                before = snapshot()
                response = send_json(owner, method, target, body)
                changed = diff(before, snapshot())
                where = f"{method.upper()} {target} with {'.'.join(map(str, path))} from another fractal"
                if response.status_code not in REFUSED:
                    problems.append(f"{where} answered {response.status_code}")
                if changed:
                    problems.append(f"{where} changed data: {changed}")
                if stranger_world.marker.encode() in response.content:
                    problems.append(f"{where} showed the stranger's data")
    assert not problems, "\n".join(problems)
    missing = EXPECTED_RELATIONS.get(route.name, set()) - tried
    assert not missing, f"{route} was not probed through {sorted(missing)}: the probe is hollow"


MID, SHORT, IMMEDIATE = GoalLevel.MID_TERM, GoalLevel.SHORT_TERM, GoalLevel.IMMEDIATE

# (route name, owner object for ``pk`` or None, body builder(owner, stranger)): one foreign id each.
ACTION_CASES = [
    ("goal-move", "goal", lambda o, s: {"parent": s.goals[MID].pk}),
    ("goal-reorder-children", "goal", lambda o, s: {"ids": [s.goals[IMMEDIATE].pk]}),
    ("activity-group-reorder", None, lambda o, s: {"ids": [s.group.pk]}),
    ("instance-reorder", None, lambda o, s: {"session": s.session.pk, "ids": [s.instance.pk]}),
    ("instance-reorder", None, lambda o, s: {"session": o.session.pk, "section": s.section.pk, "ids": []}),
    (
        "instance-reorder",
        None,
        lambda o, s: {
            "session": o.session.pk,
            "section": o.section.pk,
            "ids": [o.instance.pk, o.plain_instance.pk, s.plain_instance.pk],
        },
    ),
    ("instance-values", "instance", lambda o, s: [{"metric": s.metric.pk, "value": 5}]),
    (
        "instance-values",
        "instance",
        lambda o, s: [{"metric": o.metric.pk, "split": s.split.pk, "set_number": 1, "value": 5}],
    ),
    ("session-from-template", None, lambda o, s: {"template": s.template.pk, "goals": [o.goal.pk]}),
    ("session-from-template", None, lambda o, s: {"template": o.template.pk, "goals": [s.goals[SHORT].pk]}),
    ("template-from-session", None, lambda o, s: {"session": s.session.pk, "name": "copied"}),
    ("program-block-schedule", "block", lambda o, s: {"template": s.template.pk, "weekdays": [0, 1, 2, 3, 4, 5, 6]}),
    ("scheduled-session-start", "scheduled", lambda o, s: {"goals": [s.goals[SHORT].pk]}),
    ("trash-restore", None, lambda o, s: {"type": "goal", "id": s.deleted_goal.pk}),
    ("trash-restore", None, lambda o, s: {"type": "session", "id": s.deleted_session.pk}),
]


def api_route_named(name, params):
    for route in API_ROUTES:
        if route.name == f"api:{name}" and set(route.params) == set(params):
            return route
    return None


@pytest.mark.parametrize(
    "name, role, build", ACTION_CASES, ids=[f"{name}-{index}" for index, (name, *_) in enumerate(ACTION_CASES)]
)
def test_an_action_given_an_id_of_another_fractal_refuses_and_changes_nothing(
    name, role, build, owner_world, stranger_world
):
    kwargs = {"root_id": str(owner_world.root.pk)}
    if role:
        kwargs["pk"] = str(getattr(owner_world, role).pk)
    route = api_route_named(name, kwargs)
    assert route is not None, f"the API has no route {name} with {sorted(kwargs)}: update this test"
    url = route.url(kwargs)
    body = json.loads(json.dumps(build(owner_world, stranger_world), default=str))
    owner = signed_in(owner_world.user)
    before = snapshot()
    response = send_json(owner, "post", url, body)
    assert response.status_code in REFUSED, f"POST {url} {body} answered {response.status_code}"
    assert diff(before, snapshot()) == ""
    assert stranger_world.marker.encode() not in response.content


def filter_names(route):
    filterset = getattr(route.callback.cls, "filterset_class", None)
    if filterset is None:
        return []
    return [name for name in filterset.base_filters if name in OBJECT_KWARGS]


@pytest.mark.parametrize("route", [route for route in list_routes() if filter_names(route)], ids=str)
def test_a_filter_given_an_id_of_another_fractal_is_refused(route, owner_world, stranger_world):
    owner = signed_in(owner_world.user)
    url = owner_url(route, owner_world)
    problems = []
    for name in filter_names(route):
        foreign = getattr(stranger_world, OBJECT_KWARGS[name]).pk
        for value in (foreign, uuid.uuid4(), "not-an-id"):
            response = owner.get(url, {name: str(value)}, HTTP_ACCEPT="application/json")
            if response.status_code not in REFUSED:
                problems.append(f"GET {url}?{name}={value} answered {response.status_code}")
            if stranger_world.marker.encode() in response.content:
                problems.append(f"GET {url}?{name}={value} showed the stranger's data")
        own = getattr(owner_world, OBJECT_KWARGS[name]).pk
        if owner.get(url, {name: str(own)}, HTTP_ACCEPT="application/json").status_code != 200:
            problems.append(f"GET {url}?{name}=<own id> is refused: the filter check is hollow")
    assert not problems, "\n".join(problems)


PAGE_FILTERS = ["goal", "activity", "template", "session", "group", "program"]


@pytest.mark.parametrize(
    "route", [route for route in covered_routes() if not route.is_api and route.params == ["root_id"]], ids=str
)
def test_a_page_given_a_filter_id_of_another_fractal_shows_nothing_of_it(route, owner_world, stranger_world):
    owner = signed_in(owner_world.user)
    url = owner_url(route, owner_world)
    problems = []
    for name in PAGE_FILTERS:
        foreign = getattr(stranger_world, OBJECT_KWARGS[name]).pk
        for value in (foreign, "not-an-id"):
            response = owner.get(url, {name: str(value)})
            if response.status_code >= 500:
                problems.append(f"GET {url}?{name}={value} answered {response.status_code}")
            if stranger_world.marker.encode() in response.content:
                problems.append(f"GET {url}?{name}={value} showed the stranger's data")
    assert not problems, "\n".join(problems)
