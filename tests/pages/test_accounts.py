import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
User = get_user_model()

NEW_PASSWORD = "a-much-longer-passphrase-42"


def test_sign_in_page_is_shown_to_anonymous_visitors(anonymous_client):
    response = anonymous_client.get(reverse("login"))
    assert response.status_code == 200
    assert b"Sign in" in response.content


def test_signing_in_with_the_right_password_leads_to_the_fractal_list(anonymous_client, owner):
    response = anonymous_client.post(reverse("login"), {"username": "owner", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("fractal-list")


def test_signing_in_with_a_wrong_password_shows_an_error(anonymous_client, owner):
    response = anonymous_client.post(reverse("login"), {"username": "owner", "password": "nope"})
    assert response.status_code == 200
    assert "_auth_user_id" not in anonymous_client.session


def test_signing_out_ends_the_session(owner_client):
    response = owner_client.post(reverse("logout"))
    assert response.status_code == 302
    assert owner_client.get(reverse("fractal-list")).status_code == 302


def test_pages_redirect_anonymous_visitors_to_sign_in(anonymous_client):
    response = anonymous_client.get(reverse("fractal-list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_signup_page_is_shown(anonymous_client):
    response = anonymous_client.get(reverse("signup"))
    assert response.status_code == 200
    assert b"Create an account" in response.content


def test_signup_creates_the_user_signs_them_in_and_opens_the_fractal_list(anonymous_client):
    response = anonymous_client.post(
        reverse("signup"), {"username": "newcomer", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("fractal-list")
    user = User.objects.get(username="newcomer")
    assert int(anonymous_client.session["_auth_user_id"]) == user.pk
    assert anonymous_client.get(reverse("fractal-list")).status_code == 200


def test_signup_with_mismatched_passwords_creates_nobody(anonymous_client):
    response = anonymous_client.post(
        reverse("signup"), {"username": "newcomer", "password1": NEW_PASSWORD, "password2": "something-else-42"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not User.objects.filter(username="newcomer").exists()


def test_signup_with_a_taken_username_is_refused(anonymous_client, owner):
    response = anonymous_client.post(
        reverse("signup"), {"username": "owner", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 200
    assert "username" in response.context["form"].errors
    assert User.objects.filter(username="owner").count() == 1


def test_signup_is_not_found_when_disabled(anonymous_client, settings):
    settings.ALLOW_SIGNUP = False
    assert anonymous_client.get(reverse("signup")).status_code == 404
    response = anonymous_client.post(
        reverse("signup"), {"username": "newcomer", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 404
    assert not User.objects.filter(username="newcomer").exists()


def test_password_change_page_needs_sign_in(anonymous_client):
    response = anonymous_client.get(reverse("password_change"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_password_change_with_the_old_password_sets_the_new_one(owner_client, owner):
    response = owner_client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("password_change_done")
    owner.refresh_from_db()
    assert owner.check_password(NEW_PASSWORD)
    assert owner_client.get(reverse("password_change_done")).status_code == 200


def test_password_change_with_a_wrong_old_password_changes_nothing(owner_client, owner):
    response = owner_client.post(
        reverse("password_change"),
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert "old_password" in response.context["form"].errors
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD)
