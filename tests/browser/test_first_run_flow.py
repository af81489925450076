"""The whole daily loop in a real browser, starting from nothing: a new user signs up, builds a
fractal down to a short-term goal, sets a target, creates an activity, practises, and sees the
target met and the goal completed in the tree."""

import re

from playwright.sync_api import expect

from goals.models import Goal
from sessions.models import MetricValue, PracticeSession


def test_a_new_user_goes_from_sign_up_to_a_completed_goal(page, screenshot):
    page.on("dialog", lambda dialog: dialog.accept())

    # Sign up; the new account lands on its (empty) fractal list.
    page.goto("/accounts/signup/")
    page.get_by_label("Username").fill("newcomer")
    page.get_by_label("Password", exact=True).fill("a-long-and-unusual-passphrase")
    page.get_by_label("Password confirmation").fill("a-long-and-unusual-passphrase")
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("button", name="Create fractal")).to_be_visible()

    # Create a fractal: its tree opens.
    page.get_by_label("Name").fill("Get strong")
    page.get_by_role("button", name="Create fractal").click()
    expect(page.locator("h1")).to_contain_text("Get strong")

    # Build goals down to the short-term level with the tree's inline "+ Add" forms.
    for parent, child in [
        ("Get strong", "Calisthenics"),
        ("Calisthenics", "Pulling strength"),
        ("Pulling strength", "Weighted pull-up 5 × 10 kg"),
    ]:
        # The inline form comes from tree.js (deferred); a click before it runs opens the
        # separate add page instead, which is the no-JavaScript path.
        page.wait_for_load_state("domcontentloaded")
        row = page.locator("summary.goal-row", has=page.get_by_role("link", name=parent, exact=True))
        row.get_by_title("Actions").click()
        row.locator("[data-add-child]").click()
        form = page.locator("form.add-child").last  # forms stay open after an in-place add
        form.get_by_label("Name").fill(child)
        form.get_by_role("button", name="Add").click()
        expect(page.locator("#goal-tree")).to_contain_text(child)
    short_term = Goal.objects.get(name="Weighted pull-up 5 × 10 kg")
    assert short_term.level == "ShortTermGoal" and short_term.root.owner.username == "newcomer"

    # An activity with two metrics, recorded in sets.
    page.get_by_role("navigation", name="Get strong").get_by_role("link", name="Activities").click()
    page.get_by_role("link", name="New activity").click()
    page.get_by_label("Name:").fill("Weighted pull-up")
    page.get_by_label("Recorded in sets").check()
    page.get_by_label("Metric 1 name").fill("Weight")
    page.get_by_label("Metric 1 unit").fill("kg")
    page.get_by_label("Metric 2 name").fill("Reps")
    page.get_by_label("Metric 2 unit").fill("reps")
    page.get_by_role("button", name="Save activity").click()
    expect(page.locator(".activity-card", has_text="Weighted pull-up")).to_be_visible()

    # A target on the short-term goal: weight ≥ 10 and reps ≥ 5 in one set.
    page.goto(f"/fractals/{short_term.root_id}/goals/{short_term.pk}/")
    page.get_by_role("link", name="+ Add target").click()
    page.wait_for_load_state()  # htmx is ready: choosing the activity loads its threshold fields
    page.get_by_label("Activity").select_option(label="Weighted pull-up")
    page.get_by_role("spinbutton", name=re.compile("^Weight")).fill("10")
    page.get_by_role("spinbutton", name=re.compile("^Reps")).fill("5")
    page.get_by_role("button", name="Save target").click()
    expect(page.locator("body")).to_contain_text("Not met")

    # Start a session for the goal and add the activity.
    page.get_by_role("navigation", name="Get strong").get_by_role("link", name="Sessions").click()
    page.get_by_role("link", name=re.compile("New session")).click()
    page.get_by_label(re.compile("Weighted pull-up 5 × 10 kg")).check()
    page.get_by_label("Name", exact=True).fill("First pull day")
    page.get_by_role("button", name=re.compile("Create|Start")).click()
    expect(page.locator("h1")).to_contain_text("First pull day")
    page.get_by_role("button", name="Add", exact=True).click()
    card = page.locator("article.instance", has_text="Weighted pull-up")
    expect(card).to_be_visible()

    # Run and stop the timer.
    card.get_by_role("button", name="Start timer").click()
    expect(card.locator("time.clock")).to_have_text(re.compile(r"^0:0[1-9]$"), timeout=5_000)
    card.get_by_role("button", name="Stop timer").click()
    expect(card.locator(".instance-duration")).to_be_visible()

    # Record two sets.
    card.get_by_label("Weight set 1").fill("7.5")
    card.get_by_label("Reps set 1").fill("8")
    card.get_by_role("button", name="Add set").click()
    card.get_by_label("Weight set 2").fill("10")
    card.get_by_label("Reps set 2").fill("5")
    card.get_by_role("button", name="Save values").click()
    expect(page.locator("#save-status")).to_have_text("All changes saved")
    expect(card.get_by_label("Weight set 2")).to_have_value("10")
    session = PracticeSession.objects.get(name="First pull day")
    assert MetricValue.objects.filter(instance__session=session).count() == 4

    # Complete the session: the target is met and the goal completed.
    page.get_by_role("button", name="Mark complete").click()
    expect(page.locator("#completion-result .goal-completed")).to_contain_text("Weighted pull-up 5 × 10 kg")

    # The tree shows it.
    page.get_by_role("navigation", name="Get strong").get_by_role("link", name="Tree").click()
    row = page.locator("summary.goal-row", has_text="Weighted pull-up 5 × 10 kg")
    expect(row.locator(".targets")).to_have_text("targets 1/1")
    expect(row.locator(".done-mark")).to_be_visible()
    row.get_by_title("Actions").click()
    expect(row.get_by_role("button", name="Reopen")).to_be_visible()
    row.get_by_title("Actions").click()
    screenshot(page, "first_run_tree")
    short_term.refresh_from_db()
    assert short_term.completed
    assert page.js_errors == []
