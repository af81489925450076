"""The target form shows the fields of the chosen kind and scope (static/js/target_form.js)."""

from django.urls import reverse

from activities.models import Target, TargetKind
from tests.pages.session_data import set_activity


def test_choosing_a_kind_and_a_scope_shows_their_fields_and_saves_them(page_as, owner, fractal, short_term_goal):
    activity = set_activity(fractal, name="Pull-up")
    page = page_as(owner)
    url = reverse("target-create", kwargs={"root_id": fractal.pk, "goal_id": short_term_goal.pk})
    page.goto(url + f"?activity={activity.pk}")
    assert not page.locator("#id_times").is_visible()
    assert not page.locator("#id_starts_on").is_visible()
    page.select_option("#id_kind", "frequency")
    page.select_option("#id_scope", "range")
    assert page.locator("#id_times").is_visible() and page.locator("#id_starts_on").is_visible()
    page.fill("#id_times", "3")
    page.fill("#id_weeks", "4")
    page.fill("#id_starts_on", "2026-03-01")
    page.fill("#id_ends_on", "2026-04-30")
    page.click("button[type=submit].primary")
    page.wait_for_load_state("load")
    target = Target.objects.get()
    assert (target.kind, target.times, target.weeks, str(target.starts_on)) == (
        TargetKind.FREQUENCY,
        3,
        4,
        "2026-03-01",
    )
    assert page.js_errors == []
