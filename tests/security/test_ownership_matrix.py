"""The ownership matrix: every route of the project × every method × owner, stranger and anonymous.

Routes come from the URL resolver (see ``routes.py``), so a new page or endpoint is covered the
moment it is wired. Object-scoped routes are filled with the owner's objects and requested by a
stranger (all ids foreign) and by a stranger using their own fractal with the owner's inner ids
(the classic "swap one id" attack): both must answer 404 (405 for a method the route lacks) and
leave every row as it was.
"""

import json

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.test import Client

from tests.helpers import body_of

from .conftest import signed_in
from .routes import ROOT_ROLES, UnfillableRoute, all_routes, covered_routes
from .world import diff, snapshot

ROUTES = covered_routes()
METHODS = ["get", "post", "put", "patch", "delete"]
SERVER_ERROR = 500


def send(client, route, method, url, body=None):
    """One request the way a browser (pages) or a script (API) would send it."""
    if route.is_api:
        payload = json.dumps(body or {})
        if method == "get":
            return client.get(url, HTTP_ACCEPT="application/json")
        return getattr(client, method)(url, payload, content_type="application/json", HTTP_ACCEPT="application/json")
    if method == "get":
        return client.get(url)
    if method == "post":
        return client.post(url, body or {})
    return getattr(client, method)(url, "", content_type="application/x-www-form-urlencoded")


def roles_or_fail(route):
    try:
        return route.roles()
    except UnfillableRoute as error:
        pytest.fail(str(error))


def object_routes():
    return [route for route in ROUTES if route.object_params]


def plain_routes():
    return [route for route in ROUTES if not route.object_params]


def test_the_matrix_walks_the_project_routes():
    assert any(route.name == "fractal-list" for route in ROUTES)
    assert len(all_routes()) > len(ROUTES), "the allow-list matched nothing: is it still needed?"


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_every_route_can_be_filled_from_the_two_worlds(route):
    roles_or_fail(route)


@pytest.mark.parametrize("route", object_routes(), ids=str)
def test_a_stranger_gets_404_and_changes_nothing_on(route, owner_world, stranger_world):
    problems = stranger_problems(route, owner_world, stranger_world)
    assert not problems, "\n".join(problems)


def stranger_problems(route, owner_world, stranger_world):
    """What a stranger could see or do through ``route`` with the owner's ids (empty: nothing)."""
    roles = roles_or_fail(route)
    stranger = signed_in(stranger_world.user)
    variants = {"every id the owner's": route.fill({"*": owner_world})}
    if any(role in ROOT_ROLES for role in roles.values()) and len(route.object_params) > 1:
        # The stranger's own fractal in the URL, the owner's objects below it.
        own_root = dict.fromkeys(ROOT_ROLES, stranger_world)
        variants["own fractal, the owner's objects"] = route.fill({**own_root, "*": owner_world})
    problems = []
    for label, kwargs in variants.items():
        url = route.url(kwargs)
        for method in METHODS:
            before = snapshot()
            response = send(stranger, route, method, url)
            changed = diff(before, snapshot())
            if response.status_code not in (404, 405):
                problems.append(f"{method.upper()} {url} ({label}) answered {response.status_code}, not 404")
            if changed:
                problems.append(f"{method.upper()} {url} ({label}) changed data: {changed}")
            if owner_world.marker.encode() in body_of(response):
                problems.append(f"{method.upper()} {url} ({label}) showed the owner's data")
    return problems


@pytest.mark.parametrize("route", object_routes(), ids=str)
def test_the_owner_reaches_their_own_objects_on(route, owner_world, stranger_world):
    """Proves the matrix fills routes with the right kind of object (else every 404 is hollow)."""
    roles_or_fail(route)
    owner = signed_in(owner_world.user)
    url = route.url(route.fill({"*": owner_world}))
    response = send(owner, route, "get", url)
    assert response.status_code not in (404, SERVER_ERROR), (
        f"GET {url} answered {response.status_code} to the owner: the matrix fills {route} wrongly"
    )
    assert stranger_world.marker.encode() not in body_of(response)


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_anonymous_visitors_are_sent_to_sign_in_by(route, owner_world):
    roles_or_fail(route)
    client = Client()
    url = route.url(route.fill({"*": owner_world}))
    login = resolve_url(settings.LOGIN_URL)
    problems = []
    for method in METHODS:
        before = snapshot()
        response = send(client, route, method, url)
        changed = diff(before, snapshot())
        status = response.status_code
        if route.is_api:
            refused = status in (401, 403, 405)
        else:
            refused = status == 405 or (status == 302 and response["Location"].startswith(login))
        if not refused:
            problems.append(f"{method.upper()} {url} answered {status} to an anonymous visitor")
        if changed:
            problems.append(f"{method.upper()} {url} changed data for an anonymous visitor: {changed}")
        if owner_world.marker.encode() in body_of(response):
            problems.append(f"{method.upper()} {url} showed the owner's data to an anonymous visitor")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("route", plain_routes(), ids=str)
def test_a_route_without_ids_shows_a_stranger_only_their_own_data(route, owner_world, stranger_world):
    stranger = signed_in(stranger_world.user)
    url = route.url(route.fill({"*": stranger_world}))
    problems = []
    for method in METHODS:
        before = snapshot(owner_world.root)
        response = send(stranger, route, method, url)
        changed = diff(before, snapshot(owner_world.root))
        if response.status_code >= SERVER_ERROR:
            problems.append(f"{method.upper()} {url} answered {response.status_code}")
        if changed:
            problems.append(f"{method.upper()} {url} by a stranger changed the owner's data: {changed}")
        if owner_world.marker.encode() in body_of(response):
            problems.append(f"{method.upper()} {url} showed the owner's data to a stranger")
    assert not problems, "\n".join(problems)


def test_the_matrix_catches_a_view_that_scopes_nothing(owner_world, stranger_world, settings):
    settings.ROOT_URLCONF = "tests.security.leaky_urls"
    (route,) = all_routes()
    problems = stranger_problems(route, owner_world, stranger_world)
    assert any("answered 200, not 404" in problem for problem in problems)
    assert any("changed data" in problem for problem in problems)
    assert any("showed the owner's data" in problem for problem in problems)
