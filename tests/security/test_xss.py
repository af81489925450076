"""Every page shows user-entered names escaped: an owner whose every object is named with markup
never gets that markup back live, on any page of the project (walked from the URL resolver)."""

import pytest

from .conftest import signed_in
from .routes import covered_routes
from .test_ownership_matrix import body_of, roles_or_fail
from .world import build_world, make_user

PAYLOAD = "<script>xss()</script>\"'><img src=x onerror=xss()>"
PAGES = [route for route in covered_routes() if not route.is_api]


@pytest.fixture
def hostile_world(db):
    return build_world(make_user("markup"), PAYLOAD)


@pytest.mark.parametrize("route", PAGES, ids=str)
def test_names_with_markup_are_escaped_on(route, hostile_world):
    roles_or_fail(route)
    client = signed_in(hostile_world.user)
    url = route.url(route.fill({"*": hostile_world}))
    response = client.get(url)
    assert response.status_code < 500
    if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
        content = body_of(response)
        assert b"<script>xss()</script>" not in content, f"{url} shows a name's markup unescaped"
        assert b"onerror=xss()>" not in content.replace(b"&gt;", b"")
