import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from goals.models import Profile

pytestmark = pytest.mark.django_db
User = get_user_model()
PASSWORD = "a-much-longer-passphrase-42"


def link_in(message):
    return re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)


def sign_up(client, **extra):
    data = {"username": "newbie", "password1": PASSWORD, "password2": PASSWORD, **extra}
    return client.post(reverse("signup"), data)


def test_signup_with_an_email_sends_a_verification_link_that_confirms_it(anonymous_client):
    response = sign_up(anonymous_client, email="New@Example.com")
    assert response.status_code == 302
    user = User.objects.get(username="newbie")
    assert user.email == "New@example.com"
    assert not Profile.for_user(user).email_is_verified
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["New@example.com"]
    response = anonymous_client.get(link_in(mail.outbox[0]))
    assert response.status_code == 302
    assert Profile.for_user(user).email_is_verified


def test_signup_without_an_email_works_and_sends_nothing(anonymous_client):
    assert sign_up(anonymous_client).status_code == 302
    assert User.objects.get(username="newbie").email == ""
    assert mail.outbox == []


def test_signup_refuses_an_email_another_account_uses_whatever_its_case(anonymous_client, owner):
    response = sign_up(anonymous_client, email="OWNER@example.COM")
    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert not User.objects.filter(username="newbie").exists()


def test_signup_takes_the_time_zone_from_the_browser_field(anonymous_client):
    sign_up(anonymous_client, time_zone="Europe/Paris")
    assert Profile.for_user(User.objects.get(username="newbie")).time_zone == "Europe/Paris"


def test_signup_with_an_unknown_browser_time_zone_falls_back_to_utc(anonymous_client):
    sign_up(anonymous_client, time_zone="Mars/Olympus")
    assert Profile.for_user(User.objects.get(username="newbie")).time_zone == "UTC"


def test_changing_the_email_in_settings_unverifies_it_and_sends_a_new_link(owner_client, owner):
    profile = Profile.for_user(owner)
    profile.verified_email = owner.email
    profile.save()
    response = owner_client.post(reverse("account-update"), {"username": "owner", "email": "fresh@example.com"})
    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.email == "fresh@example.com"
    assert not Profile.for_user(owner).email_is_verified
    assert mail.outbox[-1].to == ["fresh@example.com"]
    owner_client.get(link_in(mail.outbox[-1]))
    assert Profile.for_user(owner).email_is_verified


def test_changing_the_username_in_settings_saves_it(owner_client, owner):
    owner_client.post(reverse("account-update"), {"username": "renamed", "email": owner.email})
    owner.refresh_from_db()
    assert owner.username == "renamed"
    assert mail.outbox == []


def test_a_username_or_email_already_taken_is_refused_and_nothing_changes(owner_client, owner, stranger):
    response = owner_client.post(reverse("account-update"), {"username": "stranger", "email": "x@example.com"})
    assert response.status_code == 400
    response = owner_client.post(reverse("account-update"), {"username": "owner", "email": "Stranger@example.com"})
    assert response.status_code == 400
    assert b"Another account already uses this email address." in response.content
    owner.refresh_from_db()
    assert (owner.username, owner.email) == ("owner", "owner@example.com")


def test_account_update_needs_a_signed_in_user(anonymous_client):
    response = anonymous_client.post(reverse("account-update"), {"username": "x"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_verification_link_for_an_old_address_no_longer_verifies(owner_client, owner):
    owner_client.post(reverse("verification-resend"))
    old_link = link_in(mail.outbox[-1])
    owner.email = "other@example.com"
    owner.save()
    response = owner_client.get(old_link)
    assert response.status_code == 400
    assert not Profile.for_user(owner).email_is_verified


def test_a_tampered_verification_link_is_refused(anonymous_client, owner):
    response = anonymous_client.get(reverse("verify-email", kwargs={"token": "not-a-token"}))
    assert response.status_code == 400
    assert b"not valid" in response.content


def test_an_expired_verification_link_is_refused(anonymous_client, owner, settings):
    from goals.accounts import verification_token

    token = verification_token(owner)
    settings.EMAIL_VERIFICATION_TIMEOUT = -1
    response = anonymous_client.get(reverse("verify-email", kwargs={"token": token}))
    assert response.status_code == 400
    assert b"expired" in response.content
    assert not Profile.for_user(owner).email_is_verified


def test_a_verification_link_works_only_once(anonymous_client, owner):
    from goals.accounts import verification_token

    url = reverse("verify-email", kwargs={"token": verification_token(owner)})
    assert anonymous_client.get(url).status_code == 302
    assert anonymous_client.get(url).status_code == 400


def test_the_settings_page_shows_whether_the_email_is_confirmed(owner_client, owner):
    assert b"is not confirmed yet" in owner_client.get(reverse("settings")).content
    Profile.objects.filter(user=owner).update(verified_email=owner.email)
    assert b"is confirmed" in owner_client.get(reverse("settings")).content


def test_settings_forms_are_csrf_protected(owner):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    response = client.post(reverse("account-update"), {"username": "hacked", "email": ""})
    assert response.status_code == 403
    owner.refresh_from_db()
    assert owner.username == "owner"


def test_a_new_user_follows_the_system_theme_until_they_pick_one(anonymous_client):
    sign_up(anonymous_client)
    assert b'data-theme="system"' in anonymous_client.get(reverse("settings")).content
