"""Browser fixtures of the planning pages' tests: a headless Chromium and a signed-in page.

Playwright's sync API, the system Chromium, never skipped: a missing browser fails the test.
"""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

# The live server runs Django in a thread while Playwright's sync API runs an event loop here.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="module", name="chromium")
def chromium_fixture(request):
    """The system Chromium, headless; test modules import this function to use the fixture.

    When the shared ``browser`` fixture of tests/browser/conftest.py exists it is reused: one
    process can run only one Playwright sync session at a time (so without it, each module
    starts and stops its own, one after the other).
    """
    try:
        shared = request.getfixturevalue("browser")
    except pytest.FixtureLookupError:
        shared = None
    if shared is not None:
        yield shared
        return
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is missing at {CHROMIUM}; run `make browser` (scripts/ensure_chromium.sh).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


def signed_in_page(chromium, live_server, user):
    """A new page whose browser context carries ``user``'s session cookie."""
    client = Client()
    client.force_login(user)
    context = chromium.new_context(viewport={"width": 1280, "height": 1000})
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    return context.new_page()
