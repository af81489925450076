"""At phone size, a goal row's actions menu in the tree starts practice in one tap."""

import datetime
import re

from django.urls import reverse
from playwright.sync_api import expect

from sessions.models import PracticeSession


def test_start_practice_from_a_goal_row_of_the_tree_at_390_px(page_as, owner, fractal, short_term_goal):
    page = page_as(owner)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(reverse("fractal-tree", kwargs={"root_id": fractal.pk}))
    row = page.locator(f"#goal-{short_term_goal.pk} > details > summary.goal-row")
    row.get_by_title("Actions").click()
    start = row.get_by_role("button", name="Start practice")
    expect(start).to_be_visible()
    box = start.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390  # the menu stays on the screen
    start.click()
    page.wait_for_url(re.compile(r"/sessions/[0-9a-f-]+/$"))
    session = PracticeSession.objects.get()
    assert session.is_running and list(session.goals.all()) == [short_term_goal]
    expect(page.locator("h1")).to_have_text(short_term_goal.name)
    assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")

    # The session's own start, edited on its page (the owner's zone is UTC here).
    page.locator("summary", has_text="Times").click()
    earlier = (session.started_at - datetime.timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%M")
    page.get_by_label("Start", exact=True).fill(earlier)
    assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")
    page.get_by_role("button", name="Save times").click()
    expect(page.locator("#session-body .session-times")).to_contain_text(earlier.replace("T", " "))
    session.refresh_from_db()
    assert session.started_at.strftime("%Y-%m-%dT%H:%M") == earlier

    # From the tree again, a second start asks first.
    page.goto(reverse("fractal-tree", kwargs={"root_id": fractal.pk}))
    row.get_by_title("Actions").click()
    row.get_by_role("button", name="Start practice").click()
    expect(page.locator("#confirm-start")).to_contain_text("A session is in progress")
    assert PracticeSession.objects.count() == 1
    assert page.js_errors == []
