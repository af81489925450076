"""Settings and the password reset flow on a phone-sized screen: no horizontal scroll, scripts work."""

import re

from django.contrib.auth import get_user_model
from django.core import mail

from goals.models import Profile

PHONE = {"width": 390, "height": 844}


def no_horizontal_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_the_settings_page_fits_a_phone_and_filters_time_zones(signed_in_page, screenshot):
    page = signed_in_page
    page.set_viewport_size(PHONE)
    page.goto("/settings/")
    assert no_horizontal_scroll(page)
    box = page.get_by_label("Filter time zones")
    box.fill("tokyo")
    visible = page.evaluate(
        "Array.from(document.querySelector('#id_time_zone').options).filter(o => !o.hidden).map(o => o.value)"
    )
    assert "Asia/Tokyo" in visible and "Europe/Paris" not in visible
    screenshot(page, "settings-phone")
    assert page.js_errors == []


def test_sign_up_takes_the_browsers_time_zone(page):
    page.set_viewport_size(PHONE)
    page.goto("/accounts/signup/")
    assert no_horizontal_scroll(page)
    page.fill("#id_username", "phoneuser")
    page.fill("#id_password1", "a-much-longer-passphrase-42")
    page.fill("#id_password2", "a-much-longer-passphrase-42")
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    user = get_user_model().objects.get(username="phoneuser")
    browser_zone = page.evaluate("Intl.DateTimeFormat().resolvedOptions().timeZone")
    assert Profile.for_user(user).time_zone == browser_zone


def test_the_password_reset_flow_fits_a_phone(page, owner, screenshot):
    Profile.objects.filter(user=owner).update(verified_email=owner.email)
    page.set_viewport_size(PHONE)
    page.goto("/accounts/login/")
    assert no_horizontal_scroll(page)
    page.click("text=Forgot your password?")
    assert no_horizontal_scroll(page)
    page.fill("#id_email", owner.email)
    page.click("button[type=submit]")
    page.wait_for_selector("text=Check your email")
    assert no_horizontal_scroll(page)
    link = re.search(r"https?://\S+", mail.outbox[-1].body).group(0)
    page.goto(link)
    page.wait_for_selector("text=Set a new password")
    assert no_horizontal_scroll(page)
    screenshot(page, "password-reset-phone")
    page.fill("#id_new_password1", "a-much-longer-passphrase-42")
    page.fill("#id_new_password2", "a-much-longer-passphrase-42")
    page.click("button[type=submit]")
    page.wait_for_selector("text=Your new password is set")
    owner.refresh_from_db()
    assert owner.check_password("a-much-longer-passphrase-42")
