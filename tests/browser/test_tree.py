"""The goal tree of the demo fractal in a real browser: levels, completion, collapse and search."""

from playwright.sync_api import expect

from ops.demo import seed_demo


def test_the_demo_tree_shows_every_goal_and_collapses_and_searches(page_as, screenshot):
    user, root = seed_demo()
    page = page_as(user)
    page.goto(f"/fractals/{root.pk}/")
    nodes = page.locator("#goal-tree summary.goal-row")
    # 18 goals; the paused "Trail running" branch (two goals) is hidden until asked for.
    expect(nodes).to_have_count(16)
    expect(page.locator("summary.goal-row", has_text="Trail running")).to_have_count(0)
    expect(page.locator("summary.goal-row", has_text="Handstand basics").locator(".progress-figure")).to_have_text(
        "100 %"
    )
    completed = page.locator("summary.goal-row", has_text="Weighted pull-up: 5 reps with 10 kg")
    completed.get_by_title("Actions").click()
    expect(completed.get_by_role("button", name="Reopen")).to_be_visible()
    completed.get_by_title("Actions").click()
    expect(completed.locator(".targets")).to_have_text("targets 1/1")
    screenshot(page, "fractal_tree")

    page.get_by_role("button", name="Collapse all").click()
    expect(page.locator("summary.goal-row", has_text="Aerobic base")).to_be_hidden()
    page.get_by_role("button", name="Expand all").click()
    expect(page.locator("summary.goal-row", has_text="Aerobic base")).to_be_visible()

    page.get_by_label("Search goals by name").fill("10 km")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator(".search-summary")).to_contain_text("1 goal match")
    expect(page.locator("summary.goal-row", has_text="Run 10 km comfortably")).to_be_visible()
    expect(page.locator("summary.goal-row", has_text="Levers and pulling strength")).to_have_count(0)
    assert page.js_errors == []
