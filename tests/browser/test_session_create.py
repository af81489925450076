"""Starting a new session in a real browser: goals, name and sections, then the session page."""

from django.urls import reverse
from playwright.sync_api import expect

from sessions.models import PracticeSession


def test_a_user_starts_a_session_for_a_goal_with_two_sections(signed_in_page, fractal, short_term_goal):
    page = signed_in_page
    page.goto(reverse("session-list", kwargs={"root_id": fractal.pk}))
    page.get_by_role("link", name="New session").click()

    # Without a goal the form is refused and nothing is created.
    page.get_by_label("Name", exact=True).fill("Saturday practice")
    page.get_by_role("button", name="Create session").click()
    expect(page.locator(".errorlist")).to_contain_text("This field is required")
    assert not PracticeSession.objects.exists()

    page.get_by_label("Front lever (Short-term goal)").check()
    page.get_by_label("Section 1 name").fill("Warm-up")
    page.get_by_label("Section 1 planned minutes").fill("10")
    page.get_by_label("Section 2 name").fill("Levers")
    page.get_by_label("Section 2 planned minutes").fill("30")
    page.get_by_role("button", name="Create session").click()

    expect(page.get_by_role("heading", name="Saturday practice")).to_be_visible()
    expect(page.locator(".session-section h2")).to_have_text(["Warm-up 10 min planned", "Levers 30 min planned"])
    session = PracticeSession.objects.get()
    assert list(session.goals.all()) == [short_term_goal]
    assert session.planned_minutes == 40
