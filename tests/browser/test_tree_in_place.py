"""The tree edits in place in a real browser: add a child without a reload, complete, drag and drop."""

from playwright.sync_api import expect

from goals.models import Goal
from tests.factories import FractalFactory, GoalFactory


def test_a_child_is_added_and_a_goal_completed_without_a_reload(page_as, owner):
    fractal = FractalFactory(owner=owner, name="Get strong")
    GoalFactory(parent=fractal, name="Calisthenics")
    page = page_as(owner)
    page.goto(f"/fractals/{fractal.pk}/")
    page.evaluate("window.notReloaded = true")
    row = page.locator("summary.goal-row", has=page.get_by_role("link", name="Calisthenics", exact=True))
    row.get_by_role("link", name="Calisthenics").focus()
    page.keyboard.press("a")  # the key that adds a child
    form = page.locator("form.add-child")
    form.get_by_label("Name").fill("Pulling strength")
    form.get_by_role("button", name="Add").click()
    expect(page.locator("#goal-tree")).to_contain_text("Pulling strength")
    assert Goal.objects.get(name="Pulling strength").parent.name == "Calisthenics"

    new_row = page.locator("summary.goal-row", has_text="Pulling strength")
    new_row.get_by_title("Actions").click()
    new_row.get_by_role("button", name="Complete").click()
    expect(page.locator("summary.goal-row", has_text="Pulling strength").locator(".done-mark")).to_be_visible()
    assert Goal.objects.get(name="Pulling strength").completed
    assert page.evaluate("window.notReloaded") is True
    assert page.js_errors == []


def test_dragging_a_goal_onto_a_goal_one_level_up_moves_it_there(page_as, owner):
    fractal = FractalFactory(owner=owner, name="Get strong")
    old = GoalFactory(parent=fractal, name="Running")
    new = GoalFactory(parent=fractal, name="Calisthenics")
    GoalFactory(parent=old, name="Intervals")
    page = page_as(owner)
    page.goto(f"/fractals/{fractal.pk}/")
    page.wait_for_load_state("load")
    source = page.locator("summary.goal-row", has_text="Intervals")
    target = page.locator("summary.goal-row", has=page.get_by_role("link", name="Calisthenics", exact=True))
    source.drag_to(target)
    expect(page.locator(f"#goal-{new.pk} .tree-children")).to_contain_text("Intervals")
    moved = Goal.objects.get(name="Intervals")
    assert moved.parent_id == new.pk
    assert page.js_errors == []


def test_the_tree_fits_a_phone_and_its_actions_menu_opens(page_as, owner):
    fractal = FractalFactory(owner=owner, name="Get strong")
    parent = fractal
    for name in ["Calisthenics", "Levers and pulling strength", "Front lever", "Tuck front lever 3 × 10 s"]:
        parent = GoalFactory(parent=parent, name=name)
    page = page_as(owner)
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"/fractals/{fractal.pk}/")
    row = page.locator("summary.goal-row", has_text="Tuck front lever")
    row.get_by_title("Actions").click()
    expect(row.get_by_role("button", name="Complete")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
