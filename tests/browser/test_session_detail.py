"""A practice session in a real browser: add an activity, time it, record sets, complete it."""

import re

from django.urls import reverse
from playwright.sync_api import expect

from sessions.models import ActivityInstance, MetricValue
from tests.factories import (
    ActivityGroupFactory,
    ActivityInstanceFactory,
    PracticeSessionFactory,
    SessionSectionFactory,
)
from tests.pages.session_data import session_with_sets, set_activity, split_activity, target_on


def test_a_user_times_an_activity_records_two_sets_and_meets_the_target(
    signed_in_page, fractal, short_term_goal, screenshot
):
    page = signed_in_page
    pull_up = set_activity(fractal, name="Weighted pull-up", group=ActivityGroupFactory(root=fractal, name="Pulling"))
    split_activity(fractal, name="Single-arm hang")
    target_on(short_term_goal, pull_up, Weight=20, Reps=5)
    session_with_sets(fractal, short_term_goal, pull_up, sets=[(17.5, 5), (20, 3)], days_ago=3, name="Last week")
    session = PracticeSessionFactory(root=fractal, goals=[short_term_goal], name="Lever and pull day")
    SessionSectionFactory(session=session, name="Strength")

    page.goto(reverse("session-detail", kwargs={"root_id": fractal.pk, "session_id": session.pk}))
    page.evaluate("window.notReloaded = true")

    # Add the activity from the library, narrowing the list with the search box.
    page.get_by_label("Search the library").fill("pull")
    expect(page.locator("#add-activity-select option", has_text="Single-arm hang")).to_be_hidden()
    page.get_by_role("button", name="Add", exact=True).click()
    card = page.locator("article.instance", has_text="Weighted pull-up")
    expect(card).to_be_visible()
    expect(card.locator(".previous-values")).to_contain_text("#1 17.5 kg × 5 reps")

    # Run the timer: a live clock ticks while it runs, a duration shows once stopped.
    card.get_by_role("button", name="Start timer").click()
    clock = card.locator("time.clock")
    expect(clock).to_have_text(re.compile(r"^0:0[1-9]$"), timeout=5_000)
    screenshot(page, "session_timer_running")
    card.get_by_role("button", name="Stop timer").click()
    expect(card.locator(".instance-duration")).to_be_visible()
    instance = ActivityInstance.objects.get(session=session)
    assert instance.time_stop is not None and instance.duration_seconds >= 1

    # Record two sets; "Add set" saves the first and opens a second row.
    card.get_by_label("Weight set 1").fill("22.5")
    card.get_by_label("Reps set 1").fill("5")
    card.get_by_role("button", name="Add set").click()
    card.get_by_label("Weight set 2").fill("25")
    card.get_by_label("Reps set 2").fill("3")
    card.get_by_role("button", name="Save values").click()
    expect(page.locator("#save-status")).to_have_text("All changes saved")
    expect(card.get_by_label("Weight set 2")).to_have_value("25")
    stored = sorted(MetricValue.objects.filter(instance=instance).values_list("set_number", "metric__name", "value"))
    assert stored == [(1, "Reps", 5), (1, "Weight", 22.5), (2, "Reps", 3), (2, "Weight", 25)]

    # A typo is refused in place; nothing changes.
    card.get_by_label("Reps set 2").fill("three")
    card.get_by_role("button", name="Save values").click()
    expect(card.locator(".errors")).to_contain_text("“three” is not a number (Reps, set 2)")
    assert MetricValue.objects.get(instance=instance, set_number=2, metric__name="Reps").value == 3
    card.get_by_label("Reps set 2").fill("3")
    card.get_by_role("button", name="Save values").click()
    expect(card.locator(".errors")).to_have_count(0)

    # Ticking "Done" saves on change, without a button press.
    card.get_by_label("Done").check()
    expect(card).to_have_class(re.compile(r"\bis-done\b"))

    page.get_by_role("button", name="Mark complete").click()
    result = page.locator("#completion-result")
    expect(result).to_contain_text("Weighted pull-up goal")
    expect(result.locator(".goal-completed")).to_have_text("★ Front lever")
    assert page.evaluate("window.notReloaded") is True  # every step above happened in place
    screenshot(page, "session_detail")
    short_term_goal.refresh_from_db()
    assert short_term_goal.completed

    page.goto(reverse("session-list", kwargs={"root_id": fractal.pk}))
    expect(page.locator("table.sessions-table")).to_contain_text("1: Weighted pull-up goal")
    screenshot(page, "sessions_list")

    page.goto(reverse("session-create", kwargs={"root_id": fractal.pk}))
    expect(page.get_by_label("Front lever (Short-term goal)")).to_be_visible()
    screenshot(page, "session_new")

    page.goto(reverse("activity-library", kwargs={"root_id": fractal.pk}))
    expect(page.locator(".activity-card", has_text="Single-arm hang")).to_contain_text("Left, Right")
    screenshot(page, "activity_library")
    assert page.js_errors == []


def test_a_user_reorders_activities_by_dragging(signed_in_page, fractal, short_term_goal):
    page = signed_in_page
    session = PracticeSessionFactory(root=fractal, goals=[short_term_goal], name="Mixed day")
    first, second, third = (
        ActivityInstanceFactory(session=session, activity=set_activity(fractal, name=name))
        for name in ("Dips", "Rows", "Squats")
    )
    page.goto(reverse("session-detail", kwargs={"root_id": fractal.pk, "session_id": session.pk}))
    page.set_viewport_size({"width": 1280, "height": 2000})  # dragging must not need scrolling
    cards = page.locator("article.instance")
    with page.expect_response(lambda response: "/reorder/" in response.url):
        cards.nth(2).locator(".drag-handle").drag_to(cards.nth(0))
    expect(cards.nth(0)).to_contain_text("Squats")
    order = ActivityInstance.objects.filter(session=session).order_by("sort_order").values_list("pk", flat=True)
    assert list(order) == [third.pk, first.pk, second.pk]
