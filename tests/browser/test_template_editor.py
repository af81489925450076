"""The template editor's script: ordered activities per section, new sections, section reorder."""

from sessions.models import SessionTemplate
from tests.factories import ActivityDefinitionFactory, FractalFactory, UserFactory


def test_building_a_template_with_the_editor_saves_the_chosen_order(page_as, live_server, screenshot):
    user = UserFactory(username="planner")
    root = FractalFactory(owner=user)
    for name in ("Dips", "Plank", "Pull-ups"):
        ActivityDefinitionFactory(root=root, name=name)
    page = page_as(user)
    page.goto(f"{live_server.url}/fractals/{root.pk}/templates/new/")

    page.fill("input[name=name]", "Upper body")
    first = page.locator("[data-section]").nth(0)
    first.locator("input[name$=-name]").fill("Warm-up")
    first.locator("input[name$=-planned_minutes]").fill("10")
    first.locator("[data-library]").select_option(label="Plank")
    first.locator("[data-add-activity]").click()

    page.click("[data-add-section]")
    second = page.locator("[data-section]").nth(1)
    second.locator("input[name$=-name]").fill("Main")
    second.locator("input[name$=-planned_minutes]").fill("40")
    for name in ("Pull-ups", "Dips"):
        second.locator("[data-library]").select_option(label=name)
        second.locator("[data-add-activity]").click()
    second.locator("[data-chosen] li", has_text="Dips").locator("[data-activity-action=up]").click()
    second.locator("[data-move-section='-1']").click()  # Main first

    page.click("button[type=submit].primary")
    page.wait_for_url(f"**/fractals/{root.pk}/templates/")
    template = SessionTemplate.objects.get(root=root, name="Upper body")
    plan = [(name, minutes, [a.name for a in activities]) for name, minutes, activities in template.section_plan()]
    assert plan == [("Main", 40, ["Dips", "Pull-ups"]), ("Warm-up", 10, ["Plank"])]
