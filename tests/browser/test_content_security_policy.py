"""Our pages run under the Content-Security-Policy without a single violation: no inline
script, no on* handler, no style attribute, nothing from outside our own static files."""

import pytest

from .test_phone_width import _pages

pytestmark = pytest.mark.slow


def test_no_main_page_breaks_the_content_security_policy(page_as, owner, fractal, short_term_goal):
    page = page_as(owner)
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(f"{page.url}: {message.text}") if "Content Security Policy" in message.text else None
        ),
    )
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', (e) => {"
        " (window.__cspViolations = window.__cspViolations || []).push(e.violatedDirective + ' ' + e.blockedURI); });"
    )
    for url in [*_pages(fractal, short_term_goal), "/api/docs/"]:
        response = page.goto(url)
        assert "script-src 'self'" in response.headers["content-security-policy"], url
        page.wait_for_load_state("networkidle")
        for violation in page.evaluate("window.__cspViolations || []"):
            violations.append(f"{url}: {violation}")
    assert violations == []
    assert page.js_errors == []


def test_the_confirm_on_deleting_a_fractal_still_asks_first(page_as, owner, fractal):
    page = page_as(owner)
    page.goto("/")
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name="Delete").first.click()
    assert asked and "Delete this fractal?" in asked[0]
    fractal.refresh_from_db()
    assert fractal.deleted_at is None
