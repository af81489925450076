import datetime
import re

import pytest
from django.urls import reverse

from goals.models import ApiToken, Profile
from goals.models.token import hash_key

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


def new_key(client):
    """The key shown once on the settings page after a create/regenerate."""
    return client.get(reverse("settings")).context["new_key"]


def test_creating_a_token_shows_its_key_once_and_stores_only_its_hash(owner_client, owner):
    response = owner_client.post(reverse("api-token"), {"action": "create"})
    assert response.status_code == 302
    page = owner_client.get(reverse("settings")).content.decode()
    key = re.search(r'<code class="token-key">([0-9a-f]{40})</code>', page).group(1)
    token = ApiToken.objects.get(user=owner)
    assert token.key_hash == hash_key(key) and key not in token.key_hash
    assert key not in owner_client.get(reverse("settings")).content.decode()
    assert ApiToken.find(key) == token


def test_settings_shows_the_token_prefix_so_the_user_can_recognise_it(owner_client, owner):
    _, key = ApiToken.issue(owner)
    page = owner_client.get(reverse("settings")).content.decode()
    assert f"<code>{key[:6]}…</code>" in page
    assert key not in page


def test_regenerating_a_token_replaces_the_key(owner_client, owner):
    _, old = ApiToken.issue(owner)
    owner_client.post(reverse("api-token"), {"action": "regenerate"})
    assert ApiToken.find(old) is None
    assert ApiToken.find(new_key(owner_client)).user == owner


def test_revoking_a_token_removes_it(owner_client, owner):
    ApiToken.issue(owner)
    owner_client.post(reverse("api-token"), {"action": "revoke"})
    assert not ApiToken.objects.filter(user=owner).exists()


def test_revoking_touches_only_the_signed_in_users_token(owner_client, owner, stranger):
    _, stranger_key = ApiToken.issue(stranger)
    owner_client.post(reverse("api-token"), {"action": "revoke"})
    assert ApiToken.find(stranger_key).user == stranger


def test_an_unknown_token_action_changes_nothing(owner_client, owner):
    token, _ = ApiToken.issue(owner)
    response = owner_client.post(reverse("api-token"), {"action": "steal"})
    assert response.status_code == 302
    assert ApiToken.objects.get(user=owner).key_hash == token.key_hash


def test_token_actions_need_post_and_sign_in(owner_client, anonymous_client):
    assert owner_client.get(reverse("api-token")).status_code == 405
    response = anonymous_client.post(reverse("api-token"), {"action": "create"})
    assert response.status_code == 302
    assert not ApiToken.objects.exists()


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
