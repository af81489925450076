"""Nothing typed on the session page is lost: autosave, one queue per card, flush before complete.

At phone size (390 × 844), the way the page is used in the middle of a set.
"""

from django.urls import reverse
from playwright.sync_api import expect

from sessions.models import ActivityInstance, MetricValue, PracticeSession
from tests.factories import ActivityInstanceFactory, PracticeSessionFactory
from tests.pages.session_data import set_activity, target_on

PHONE = {"width": 390, "height": 844}


def _session_page(page, fractal, goal, name="Pull day"):
    activity = set_activity(fractal, name="Weighted pull-up")
    session = PracticeSessionFactory(root=fractal, goals=[goal], name=name)
    instance = ActivityInstanceFactory(session=session, activity=activity)
    page.set_viewport_size(PHONE)
    page.goto(reverse("session-detail", kwargs={"root_id": fractal.pk, "session_id": session.pk}))
    return session, instance, activity


def _values(instance):
    return sorted(MetricValue.objects.filter(instance=instance).values_list("set_number", "metric__name", "value"))


def test_a_value_typed_just_before_mark_complete_is_stored_and_meets_the_target(
    signed_in_page, fractal, short_term_goal
):
    page = signed_in_page
    session, instance, activity = _session_page(page, fractal, short_term_goal)
    target_on(short_term_goal, activity, Weight=20, Reps=5)
    card = page.locator(f"#instance-{instance.pk}")
    card.get_by_label("Weight set 1", exact=True).fill("20")
    card.get_by_label("Reps set 1", exact=True).fill("5")
    page.get_by_role("button", name="Mark complete").click()  # at once, before any debounce
    result = page.locator("#completion-result")
    expect(result).to_contain_text("Weighted pull-up goal")
    assert _values(instance) == [(1, "Reps", 5), (1, "Weight", 20)]
    assert PracticeSession.objects.get(pk=session.pk).completed
    assert page.js_errors == []


def test_a_value_typed_then_a_note_added_in_place_then_a_tick_are_all_stored(signed_in_page, fractal, short_term_goal):
    page = signed_in_page
    _, instance, _ = _session_page(page, fractal, short_term_goal)
    card = page.locator(f"#instance-{instance.pk}")
    card.get_by_label("Weight set 1", exact=True).fill("21")  # still waiting for its debounce
    card.locator("details.note-add summary").click()
    card.locator("details.note-add textarea[name=body]").fill("Grip *slipped* on the last rep")
    card.get_by_role("button", name="Add note").click()
    card = page.locator(f"#instance-{instance.pk}")
    expect(card.locator(".practice-note em")).to_have_text("slipped")
    card.get_by_label("Done").check()
    expect(page.locator("#save-status")).to_have_text("All changes saved")
    expect(card.get_by_label("Done")).to_be_checked()
    instance.refresh_from_db()
    assert instance.completed is True
    assert [note.body for note in instance.attached_notes.all()] == ["Grip *slipped* on the last rep"]
    assert (1, "Weight", 21) in _values(instance)
    assert page.js_errors == []


def test_typed_values_save_themselves_and_are_there_after_a_reload(
    signed_in_page, fractal, short_term_goal, screenshot
):
    page = signed_in_page
    _, instance, _ = _session_page(page, fractal, short_term_goal)
    card = page.locator(f"#instance-{instance.pk}")
    weight = card.get_by_label("Weight set 1", exact=True)
    weight.fill("22.5")
    weight.press("Enter")  # moves to the next cell
    expect(card.get_by_label("Reps set 1", exact=True)).to_be_focused()
    page.keyboard.type("6")
    expect(page.locator("#save-status")).to_have_text("Saving…")
    expect(page.locator("#save-status")).to_have_text("All changes saved")
    assert _values(instance) == [(1, "Reps", 6), (1, "Weight", 22.5)]
    page.reload()
    card = page.locator(f"#instance-{instance.pk}")
    expect(card.get_by_label("Weight set 1", exact=True)).to_have_value("22.5")
    expect(card.get_by_label("Reps set 1", exact=True)).to_have_value("6")
    screenshot(page, "session_detail_phone")
    assert page.js_errors == []


def test_leaving_with_an_unsaved_edit_warns(signed_in_page, fractal, short_term_goal):
    page = signed_in_page
    _, instance, _ = _session_page(page, fractal, short_term_goal)
    page.context.set_offline(True)
    card = page.locator(f"#instance-{instance.pk}")
    card.get_by_label("Weight set 1", exact=True).fill("30")
    card.get_by_label("Weight set 1", exact=True).blur()
    expect(page.locator("#save-status")).to_have_text("Not saved")
    warned = page.evaluate(
        "() => { const e = new Event('beforeunload', {cancelable: true});"
        " window.dispatchEvent(e); return e.defaultPrevented; }"
    )
    assert warned is True
    page.context.set_offline(False)
    # Back online, the retry stores the value and the warning goes away.
    expect(page.locator("#save-status")).to_have_text("All changes saved", timeout=8_000)
    assert _values(instance) == [(1, "Weight", 30)]
    assert not ActivityInstance.objects.get(pk=instance.pk).completed
