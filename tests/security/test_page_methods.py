"""Pages answer only the methods they serve: DELETE, PUT and PATCH on any page are a 405 with an
``Allow`` header, for the owner too, and change nothing (browsers and htmx only GET and POST)."""

import pytest

from .conftest import signed_in
from .routes import covered_routes
from .world import diff, snapshot

PAGE_ROUTES = [route for route in covered_routes() if not route.is_api]


def test_the_page_method_check_walks_the_page_routes():
    assert len(PAGE_ROUTES) > 30


@pytest.mark.parametrize("route", PAGE_ROUTES, ids=str)
def test_an_owner_gets_405_for_delete_put_and_patch_on(route, owner_world, stranger_world):
    client = signed_in(owner_world.user)
    url = route.url(route.fill({"*": owner_world}))
    before = snapshot()
    for method in ("delete", "put", "patch"):
        response = getattr(client, method)(url, "", content_type="application/x-www-form-urlencoded")
        assert response.status_code == 405, (method, url, response.status_code)
        assert "GET" in response["Allow"] or "POST" in response["Allow"]
        assert method.upper() not in response["Allow"]
    assert diff(before, snapshot()) == ""
