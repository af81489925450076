"""The goal map in a real browser: drawn from the demo fractal, panned and zoomed, a node's panel
opened in place, search matches cycled, and the map at a phone's width."""

from playwright.sync_api import expect

from ops.demo import seed_demo


def test_clicking_a_node_opens_its_panel_without_leaving_the_map(page_as, screenshot):
    user, root = seed_demo()
    page = page_as(user)
    page.goto(f"/fractals/{root.pk}/?view=map")
    nodes = page.locator("#goal-map .map-node")
    expect(nodes).to_have_count(16)  # the paused "Trail running" branch (two goals) is left out
    page.evaluate("window.mapLoads = (window.mapLoads || 0) + 1")
    node = page.locator(".map-node", has=page.locator("title", has_text="Run 10 km comfortably"))
    node.locator(".dot").click()
    panel = page.locator("#map-panel")
    expect(panel).to_be_visible()
    expect(panel.get_by_role("heading", level=2)).to_contain_text("Run 10 km comfortably")
    expect(panel.get_by_role("link", name="Open", exact=True)).to_be_visible()
    expect(panel.get_by_text("Recent sessions")).to_be_visible()
    assert page.evaluate("window.mapLoads") == 1  # the same page: no reload
    assert "panel=" in page.url
    screenshot(page, "goal_map")

    before = page.locator("svg.goal-map-svg").get_attribute("viewBox")
    page.get_by_role("button", name="Zoom in").click()
    assert page.locator("svg.goal-map-svg").get_attribute("viewBox") != before
    box = page.locator("#goal-map").bounding_box()
    before = page.locator("svg.goal-map-svg").get_attribute("viewBox")
    page.mouse.move(box["x"] + 40, box["y"] + 40)
    page.mouse.down()
    page.mouse.move(box["x"] + 140, box["y"] + 90, steps=5)
    page.mouse.up()
    assert page.locator("svg.goal-map-svg").get_attribute("viewBox") != before

    panel.get_by_role("link", name="Close the panel").click()
    expect(panel).to_be_hidden()
    assert page.js_errors == []


def test_search_on_the_map_highlights_and_cycles_through_matches(page_as):
    user, root = seed_demo()
    page = page_as(user)
    page.goto(f"/fractals/{root.pk}/?view=map&q=run")
    matches = page.locator(".map-node.is-match")
    count = matches.count()
    assert count >= 2
    position = page.locator(".match-position")
    expect(position).to_have_text(f"1 of {count}")
    page.get_by_role("button", name="Next match").click()
    expect(position).to_have_text(f"2 of {count}")
    expect(page.locator(".map-node.is-current")).to_have_count(1)
    assert page.js_errors == []


def test_the_map_fits_a_phone_and_pans(page_as):
    user, root = seed_demo()
    page = page_as(user)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/fractals/{root.pk}/?view=map")
    scroll, inner = page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
    assert scroll <= inner
    before = page.locator("svg.goal-map-svg").get_attribute("viewBox")
    box = page.locator("#goal-map").bounding_box()
    page.mouse.move(box["x"] + 200, box["y"] + 200)
    page.mouse.down()
    page.mouse.move(box["x"] + 120, box["y"] + 150, steps=5)
    page.mouse.up()
    assert page.locator("svg.goal-map-svg").get_attribute("viewBox") != before
    page.get_by_role("button", name="Fit the map").click()
    page.locator(".map-node", has=page.locator("title", has_text="Aerobic base")).locator(".dot").click()
    expect(page.locator("#map-panel")).to_be_visible()
    scroll, inner = page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
    assert scroll <= inner
    assert page.js_errors == []
