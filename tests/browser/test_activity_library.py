"""The activity form in a real browser: an activity with two metrics, sets and splits."""

from django.urls import reverse
from playwright.sync_api import expect

from activities.models import ActivityDefinition


def test_a_user_creates_an_activity_with_two_metrics_and_splits(signed_in_page, fractal, screenshot):
    page = signed_in_page
    page.goto(reverse("activity-library", kwargs={"root_id": fractal.pk}))
    page.get_by_label("Name:").fill("Pulling")
    page.get_by_role("button", name="Create group").click()
    expect(page.locator(".library-group h2", has_text="Pulling")).to_be_visible()

    page.get_by_role("link", name="New activity").click()
    page.get_by_label("Name:").fill("Archer pull-up")
    page.get_by_label("Group:").select_option(label="Pulling")
    page.get_by_label("Recorded in sets").check()
    page.get_by_label("Recorded per split").check()
    page.get_by_label("Metric 1 name").fill("Weight")
    page.get_by_label("Metric 1 unit").fill("kg")
    page.get_by_label("Metric 1 top set").check()
    page.get_by_label("Metric 2 name").fill("Reps")
    page.get_by_label("Split 1 name").fill("Left")
    screenshot(page, "activity_form")

    # One split only: refused with the rule's message, nothing saved, what was typed kept.
    page.get_by_role("button", name="Save activity").click()
    expect(page.locator(".error")).to_contain_text("needs 2 to 5 splits")
    assert not ActivityDefinition.objects.filter(name="Archer pull-up").exists()
    expect(page.get_by_label("Metric 2 name")).to_have_value("Reps")

    page.get_by_label("Split 2 name").fill("Right")
    page.get_by_role("button", name="Save activity").click()
    card = page.locator(".activity-card", has_text="Archer pull-up")
    expect(card).to_contain_text("Weight (kg) ★")
    expect(card).to_contain_text("Splits: Left, Right")
    activity = ActivityDefinition.objects.get(name="Archer pull-up")
    assert activity.group.name == "Pulling" and activity.has_sets and activity.has_splits
    assert list(activity.metrics.order_by("sort_order").values_list("name", flat=True)) == ["Weight", "Reps"]
