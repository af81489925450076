"""Browser-test fixtures: Debian's Chromium driven by Playwright against pytest-django's live server.

Reusable by every browser test: ``browser`` (one Chromium per run), ``page`` (a fresh context on the
live server), ``sign_in(page, user)`` (through the real sign-in form) and ``signed_in_page`` (the
standard owner, signed in), ``page_as(user)`` (signed in by session cookie, quicker than the form).
``screenshot(page, name)`` saves to test-results/screenshots/, or to docs/screenshots/ (the
README's pictures) when UPDATE_SCREENSHOTS=1.
"""

import os
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

# Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run in a thread
# with a running loop unless told this is safe (the tests use the ORM between page actions).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SCREENSHOTS = Path(settings.BASE_DIR) / (
    "docs/screenshots" if os.environ.get("UPDATE_SCREENSHOTS") == "1" else "test-results/screenshots"
)
PASSWORD = "correct-horse-battery"  # the factories' password (tests/factories.py)


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not os.access(CHROMIUM, os.X_OK):
        # Never a skip: a missing browser must fail the run loudly.
        pytest.fail(
            f"The browser tests need Debian's Chromium at {CHROMIUM}. "
            "Install it with `apt-get install -y chromium` (make test does this when it can)."
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _request_threads():
    """The live server's threads still serving a connection (one per browser connection)."""
    return [thread for thread in threading.enumerate() if thread.name.endswith("(process_request_thread)")]


def settle(context, timeout=10.0):
    """Close a browser context once the live server has finished every request it started.

    A test may end while the page still loads parts of itself (htmx after the page). If the live
    server is still reading the database when the test database is flushed, PostgreSQL's TRUNCATE
    and that read wait on each other's locks (a deadlock, the flush fails). So: let the requests in
    flight finish, close the context (its connections with it), then wait for the server's
    connection threads to end; each ends only when its request is done.
    """
    deadline = time.monotonic() + timeout
    pending = context.pending_requests
    while pending and time.monotonic() < deadline and context.pages:
        context.pages[0].wait_for_timeout(25)
    context.close()
    for thread in _request_threads():
        thread.join(max(0.0, deadline - time.monotonic()))


@pytest.fixture
def page(browser, live_server, transactional_db):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    pending = set()
    context.on("request", lambda request: pending.add(request))
    context.on("requestfinished", lambda request: pending.discard(request))
    context.on("requestfailed", lambda request: pending.discard(request))
    context.pending_requests = pending
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.js_errors = errors
    yield page
    settle(context)


@pytest.fixture
def sign_in():
    def sign_in(page, user, password=PASSWORD):
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill(user.get_username())
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
        return page

    return sign_in


@pytest.fixture
def signed_in_page(page, owner, sign_in):
    return sign_in(page, owner)


@pytest.fixture
def page_as(page, live_server):
    def page_as(user):
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
        return page

    return page_as


@pytest.fixture
def screenshot():
    def screenshot(page, name):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return screenshot
