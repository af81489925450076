"""Start practice from a goal in one tap; the session in progress then shows in every page's header."""

import re

from django.urls import reverse
from playwright.sync_api import expect

from sessions.models import MetricValue, PracticeSession
from tests.pages.session_data import set_activity


def test_start_practice_from_the_goal_page_and_see_it_in_the_header(page_as, owner, fractal, short_term_goal):
    page = page_as(owner)
    page.set_viewport_size({"width": 390, "height": 844})
    set_activity(fractal, name="Weighted pull-up")
    page.goto(reverse("goal-detail", kwargs={"root_id": fractal.pk, "goal_id": short_term_goal.pk}))
    page.get_by_role("button", name="Start practice").click()
    page.wait_for_url(re.compile(r"/sessions/[0-9a-f-]+/$"))
    session = PracticeSession.objects.get()
    assert session.started_at is not None

    page.get_by_role("button", name="Add", exact=True).click()
    card = page.locator("article.instance", has_text="Weighted pull-up")
    card.get_by_label("Weight set 1", exact=True).fill("20")
    card.get_by_label("Reps set 1", exact=True).fill("5")
    expect(page.locator("#save-status")).to_have_text("All changes saved")
    assert MetricValue.objects.filter(instance__session=session).count() == 2

    page.goto(reverse("fractal-tree", kwargs={"root_id": fractal.pk}))
    header = page.locator("#running-session")
    expect(header).to_be_visible()
    expect(header).to_contain_text(f"In progress: {session.name}")
    expect(header.locator("time")).to_have_text(re.compile(r"^\d+:\d\d$"))
    header.click()
    page.wait_for_url(re.compile(str(session.pk)))

    # Starting a second one asks first.
    page.goto(reverse("goal-detail", kwargs={"root_id": fractal.pk, "goal_id": short_term_goal.pk}))
    page.get_by_role("button", name="Start practice").click()
    expect(page.locator("#confirm-start")).to_contain_text("A session is in progress")
    assert PracticeSession.objects.count() == 1
    page.get_by_role("button", name=re.compile("anyway")).click()
    page.wait_for_url(re.compile(r"/sessions/[0-9a-f-]+/$"))
    assert PracticeSession.objects.count() == 2
    assert page.js_errors == []
