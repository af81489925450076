"""Logging sets on a phone as fast as a set logger: start from a goal, two sets in four taps.

A tap is a click (or a touch) on the page; what is typed comes from the keyboard and is not a tap,
but focusing a cell to type in it is one. The taps are counted from the moment the session page
has opened (the "Start practice" tap on the goal page opens it).
"""

import re

from django.urls import reverse
from playwright.sync_api import expect

from sessions.models import MetricValue, PracticeSession
from tests.pages.session_data import session_with_sets, set_activity, target_on


def test_two_sets_in_four_taps_from_a_goal_with_a_pr_badge(page_as, owner, fractal, short_term_goal, screenshot):
    lift = set_activity(fractal, name="Weighted pull-up", metrics_multiplicative=True, rest_seconds=90)
    target_on(short_term_goal, lift, Weight=40)
    session_with_sets(fractal, short_term_goal, lift, sets=((20, 5), (20, 5)), days_ago=3, completed=True)
    page = page_as(owner)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(reverse("goal-detail", kwargs={"root_id": fractal.pk, "goal_id": short_term_goal.pk}))
    page.get_by_role("button", name="Start practice").click()
    page.wait_for_url(re.compile(r"/sessions/[0-9a-f-]+/$"))
    session = PracticeSession.objects.get(completed=False)

    taps = []

    def tap(locator):
        taps.append(locator)
        locator.click()

    card = page.locator("article.instance", has_text="Weighted pull-up")
    weight_1 = card.get_by_label("Weight set 1", exact=True)
    expect(weight_1).to_have_attribute("placeholder", "20")  # last time's set 1
    tap(weight_1)
    page.keyboard.type("22.5")
    tap(card.get_by_role("button", name="Confirm set 1"))  # reps: last time's 5
    expect(card.get_by_role("button", name=re.compile(r"^Set 1 done"))).to_be_visible()
    tap(card.get_by_role("button", name="Add set"))
    expect(card.get_by_label("Weight set 2", exact=True)).to_have_value("22.5")  # a copy of set 1
    tap(card.get_by_role("button", name="Confirm set 2"))
    expect(card.get_by_role("button", name=re.compile(r"^Set 2 done"))).to_be_visible()
    expect(page.locator("#save-status")).to_have_text("All changes saved")

    assert len(taps) <= 4
    logged = MetricValue.objects.filter(instance__session=session).values_list(
        "set_number", "metric__name", "value", "confirmed"
    )
    assert sorted(logged) == [
        (1, "Reps", 5, True),
        (1, "Weight", 22.5, True),
        (2, "Reps", 5, True),
        (2, "Weight", 22.5, True),
    ]
    # 22.5 kg beats last time's 20 kg, and 22.5 × 5 beats 20 × 5: set 1 carries both badges.
    expect(card.locator("tr[data-set='1'] .pr-badge")).to_have_count(2)
    expect(card.locator("tr[data-set='2'] .pr-badge")).to_have_count(0)
    # Confirming a set started the activity's rest timer in the session bar.
    expect(page.locator("#rest-timer")).to_have_text(re.compile(r"^Rest 1:[23]\d$"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "session_phone_sets")

    # Pause: the clock stands still and says so; resume goes on.
    page.get_by_role("button", name="Pause").click()
    expect(page.locator(".tag.paused")).to_be_visible()
    page.get_by_role("button", name="Resume").click()
    expect(page.locator(".tag.running")).to_be_visible()
    assert session.pauses.count() == 1
    assert page.js_errors == []


def test_a_countdown_ends_at_zero_and_stops_the_timer(page_as, owner, fractal, short_term_goal):
    from sessions.models import ActivityInstance
    from tests.factories import ActivityInstanceFactory, PracticeSessionFactory

    plank = set_activity(fractal, name="Plank", metrics=(("Seconds", "s"),), planned_seconds=2)
    session = PracticeSessionFactory(root=fractal, goals=[short_term_goal], name="Core")
    instance = ActivityInstanceFactory(session=session, activity=plank)
    page = page_as(owner)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(reverse("session-detail", kwargs={"root_id": fractal.pk, "session_id": session.pk}))
    card = page.locator("article.instance", has_text="Plank")
    expect(card).to_contain_text("Countdown 0:02")
    card.get_by_role("button", name="Start timer").click()
    expect(card.locator(".countdown")).to_be_visible()
    # At zero the timer stops itself: the card then shows the restart button and a duration.
    expect(card.get_by_role("button", name="Restart timer")).to_be_visible(timeout=8000)
    instance = ActivityInstance.objects.get(pk=instance.pk)
    assert instance.time_stop is not None and instance.duration_seconds in (2, 3)
    assert page.js_errors == []
