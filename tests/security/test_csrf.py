"""CSRF: every form that posts carries a token, and every write without one is refused.

Pages are walked from the URL resolver like the ownership matrix, so new forms are covered.
Session-authenticated API writes need the token too (token-authenticated scripts do not).
"""

from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from .routes import covered_routes
from .test_ownership_matrix import body_of, roles_or_fail, send
from .world import diff, snapshot

ROUTES = covered_routes()
WRITES = ["post", "put", "patch", "delete"]
HTMX_WRITES = ("hx-post", "hx-put", "hx-patch", "hx-delete")


class FormFinder(HTMLParser):
    """Collects each posting form with its input names, and htmx writes outside any form."""

    def __init__(self):
        super().__init__()
        self.forms, self.current, self.htmx_writes = [], None, 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        htmx_write = any(name in attrs for name in HTMX_WRITES)
        if htmx_write and tag != "form" and self.current is None:
            # htmx sends the enclosing form's fields (its token) with a write; outside a form the
            # token must come from an X-CSRFToken header instead.
            self.htmx_writes += 1
        if tag == "form":
            method = "post" if htmx_write else (attrs.get("method") or "get").lower()
            self.current = {"method": method, "action": attrs.get("action"), "inputs": []}
            self.forms.append(self.current)
        elif tag == "input" and self.current is not None:
            self.current["inputs"].append(attrs.get("name"))

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None


def parse(content):
    finder = FormFinder()
    finder.feed(content.decode("utf-8", errors="replace"))
    return finder


def pages():
    return [route for route in ROUTES if not route.is_api]


def check_page(client, url):
    response = client.get(url)
    problems = []
    if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
        return problems, None
    content = body_of(response)
    finder = parse(content)
    for form in finder.forms:
        if form["method"] == "post" and "csrfmiddlewaretoken" not in form["inputs"]:
            problems.append(f"{url}: a form posting to {form['action'] or 'itself'} has no CSRF token")
    if finder.htmx_writes and b"X-CSRFToken" not in content:
        problems.append(f"{url}: htmx writes without an X-CSRFToken header")
    return problems, finder


@pytest.mark.parametrize("route", pages(), ids=str)
def test_every_form_that_posts_on_the_page_carries_a_csrf_token(route, owner_world):
    roles_or_fail(route)
    client = Client()
    client.force_login(owner_world.user)
    problems, _ = check_page(client, route.url(route.fill({"*": owner_world})))
    assert not problems, "\n".join(problems)


def test_the_sign_in_form_carries_a_csrf_token(db):
    problems, finder = check_page(Client(), reverse("login"))
    assert not problems
    assert [form["method"] for form in finder.forms] == ["post"]


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_a_signed_in_write_without_a_csrf_token_is_refused(route, owner_world):
    roles_or_fail(route)
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner_world.user)
    url = route.url(route.fill({"*": owner_world}))
    problems = []
    for method in WRITES:
        before = snapshot()
        response = send(client, route, method, url)
        changed = diff(before, snapshot())
        if response.status_code != 403:
            problems.append(f"{method.upper()} {url} without a CSRF token answered {response.status_code}")
        if changed:
            problems.append(f"{method.upper()} {url} without a CSRF token changed data: {changed}")
    assert not problems, "\n".join(problems)


def test_a_sign_in_without_a_csrf_token_is_refused(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session
