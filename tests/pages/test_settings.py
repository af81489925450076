import datetime

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token

from goals.models import Profile

pytestmark = pytest.mark.django_db


def test_settings_page_is_shown_to_a_signed_in_user(owner_client):
    response = owner_client.get(reverse("settings"))
    assert response.status_code == 200
    assert b"Europe/Paris" in response.content


def test_settings_page_redirects_anonymous_visitors_to_sign_in(anonymous_client):
    response = anonymous_client.get(reverse("settings"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_saving_a_time_zone_and_theme_updates_the_profile(owner_client, owner):
    response = owner_client.post(reverse("settings"), {"time_zone": "Asia/Tokyo", "theme": "dark"})
    assert response.status_code == 302
    profile = Profile.for_user(owner)
    assert (profile.time_zone, profile.theme) == ("Asia/Tokyo", "dark")
    assert b'data-theme="dark"' in owner_client.get(reverse("settings")).content


def test_an_unknown_time_zone_is_refused_and_nothing_changes(owner_client, owner):
    response = owner_client.post(reverse("settings"), {"time_zone": "Mars/Olympus", "theme": "dark"})
    assert response.status_code == 200
    assert "time_zone" in response.context["form"].errors
    profile = Profile.for_user(owner)
    assert (profile.time_zone, profile.theme) == ("UTC", "system")


def test_times_are_shown_in_the_users_time_zone(owner_client, owner, fractal):
    from goals.models import Goal

    Goal.all_objects.filter(pk=fractal.pk).update(created_at=datetime.datetime(2026, 1, 5, 23, 30, tzinfo=datetime.UTC))
    profile = Profile.for_user(owner)
    profile.time_zone = "Asia/Tokyo"
    profile.save()
    response = owner_client.get(reverse("goal-detail", kwargs={"root_id": fractal.pk, "goal_id": fractal.pk}))
    # 23:30 UTC is 08:30 the next day in Tokyo.
    assert "Jan. 6, 2026, 8:30 a.m." in response.content.decode()


def test_creating_a_token_shows_its_key_once(owner_client, owner):
    response = owner_client.post(reverse("api-token"), {"action": "create"})
    assert response.status_code == 302
    token = Token.objects.get(user=owner)
    assert token.key in owner_client.get(reverse("settings")).content.decode()
    assert token.key not in owner_client.get(reverse("settings")).content.decode()


def test_regenerating_a_token_replaces_the_key(owner_client, owner):
    old = Token.objects.create(user=owner).key
    owner_client.post(reverse("api-token"), {"action": "regenerate"})
    new = Token.objects.get(user=owner).key
    assert new != old


def test_revoking_a_token_removes_it(owner_client, owner):
    Token.objects.create(user=owner)
    owner_client.post(reverse("api-token"), {"action": "revoke"})
    assert not Token.objects.filter(user=owner).exists()


def test_an_unknown_token_action_changes_nothing(owner_client, owner):
    key = Token.objects.create(user=owner).key
    response = owner_client.post(reverse("api-token"), {"action": "steal"})
    assert response.status_code == 302
    assert Token.objects.get(user=owner).key == key


def test_token_actions_need_post_and_sign_in(owner_client, anonymous_client):
    assert owner_client.get(reverse("api-token")).status_code == 405
    response = anonymous_client.post(reverse("api-token"), {"action": "create"})
    assert response.status_code == 302
    assert not Token.objects.exists()


def test_choosing_sunday_as_the_first_weekday_is_saved_and_shown(owner_client, owner):
    response = owner_client.post(reverse("settings"), {"time_zone": "UTC", "theme": "light", "week_start": "6"})
    assert response.status_code == 302
    assert Profile.for_user(owner).week_start == 6
    page = owner_client.get(reverse("settings"))
    assert b"Weeks start on" in page.content
    assert str(page.context["form"]["week_start"].value()) == "6"


def test_an_unknown_first_weekday_is_refused_and_nothing_changes(owner_client, owner):
    response = owner_client.post(reverse("settings"), {"time_zone": "UTC", "theme": "light", "week_start": "3"})
    assert response.status_code == 200
    assert "week_start" in response.context["form"].errors
    assert Profile.for_user(owner).week_start == 0
