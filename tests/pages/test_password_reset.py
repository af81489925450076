import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from goals.models import Profile
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "a-much-longer-passphrase-42"


@pytest.fixture(autouse=True)
def fresh_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def verified_owner(owner):
    Profile.objects.filter(user=owner).update(verified_email=owner.email)
    return owner


def reset_link():
    return re.search(r"https?://[^/\s]+(/\S+)", mail.outbox[-1].body).group(1)


def test_the_reset_page_is_ours_not_the_admins(anonymous_client):
    response = anonymous_client.get(reverse("password_reset"))
    assert response.status_code == 200
    assert b"Forgot your password?" in response.content
    assert b"Django administration" not in response.content


def test_a_verified_email_receives_a_link_that_sets_a_new_password_and_signs_in(anonymous_client, verified_owner):
    response = anonymous_client.post(reverse("password_reset"), {"email": "OWNER@example.com"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["owner@example.com"]
    response = anonymous_client.get(reset_link(), follow=True)
    assert response.status_code == 200 and b"Set a new password" in response.content
    form_url = response.redirect_chain[-1][0]
    response = anonymous_client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert b"Your new password is set" in anonymous_client.get(response["Location"]).content
    response = anonymous_client.post(reverse("login"), {"username": "owner", "password": NEW_PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("fractal-list")


def test_a_reset_link_works_only_once(anonymous_client, verified_owner):
    anonymous_client.post(reverse("password_reset"), {"email": "owner@example.com"})
    link = reset_link()
    response = anonymous_client.get(link, follow=True)
    form_url = response.redirect_chain[-1][0]
    anonymous_client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    response = anonymous_client.get(link, follow=True)
    assert b"This link no longer works" in response.content


def test_an_expired_reset_link_is_refused(anonymous_client, verified_owner, settings):
    anonymous_client.post(reverse("password_reset"), {"email": "owner@example.com"})
    settings.PASSWORD_RESET_TIMEOUT = -1
    response = anonymous_client.get(reset_link(), follow=True)
    assert b"This link no longer works" in response.content
    verified_owner.refresh_from_db()
    assert verified_owner.check_password(PASSWORD)


def test_an_unverified_email_gets_the_same_answer_and_no_mail(anonymous_client, owner):
    response = anonymous_client.post(reverse("password_reset"), {"email": "owner@example.com"})
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []


def test_an_unknown_address_gets_the_same_answer_as_a_known_one(anonymous_client, verified_owner):
    known = anonymous_client.post(reverse("password_reset"), {"email": "owner@example.com"}, follow=True)
    unknown = anonymous_client.post(reverse("password_reset"), {"email": "nobody@example.com"}, follow=True)
    assert known.status_code == unknown.status_code == 200
    assert known.content == unknown.content
    assert len(mail.outbox) == 1


def test_reset_requests_are_rate_limited_per_address(anonymous_client, verified_owner, settings):
    settings.PASSWORD_RESET_LIMIT_PER_EMAIL = 2
    for _ in range(2):
        assert anonymous_client.post(reverse("password_reset"), {"email": "owner@example.com"}).status_code == 302
    response = anonymous_client.post(reverse("password_reset"), {"email": "owner@example.com"})
    assert response.status_code == 429
    assert len(mail.outbox) == 2


def test_reset_requests_are_rate_limited_per_address_whether_or_not_it_exists(anonymous_client, settings):
    settings.PASSWORD_RESET_LIMIT_PER_EMAIL = 1
    assert anonymous_client.post(reverse("password_reset"), {"email": "nobody@example.com"}).status_code == 302
    assert anonymous_client.post(reverse("password_reset"), {"email": "nobody@example.com"}).status_code == 429


def test_reset_requests_are_rate_limited_per_client_address(anonymous_client, settings):
    settings.PASSWORD_RESET_LIMIT_PER_IP = 2
    for n in range(2):
        anonymous_client.post(reverse("password_reset"), {"email": f"a{n}@example.com"})
    assert anonymous_client.post(reverse("password_reset"), {"email": "b@example.com"}).status_code == 429


def test_a_malformed_address_is_refused_with_a_message(anonymous_client):
    response = anonymous_client.post(reverse("password_reset"), {"email": "not an email"})
    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert mail.outbox == []


def test_the_sign_in_page_says_what_the_app_is_and_links_signup_and_reset(anonymous_client):
    content = anonymous_client.get(reverse("login")).content.decode()
    assert reverse("password_reset") in content
    assert reverse("signup") in content
    assert "goals" in content.lower()
