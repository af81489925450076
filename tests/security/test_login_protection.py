"""Repeated failed sign-ins are throttled (django-axes): locked after the limit, with a clear page."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.urls import reverse

from .world import PASSWORD, make_user

LIMIT = settings.AXES_FAILURE_LIMIT


@pytest.fixture
def member(db):
    return make_user("member")


def sign_in(client, username, password, address="127.0.0.1"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def is_signed_in(client):
    return "_auth_user_id" in client.session


def fail_times(client, username, times, address="127.0.0.1"):
    for _ in range(times):
        response = sign_in(client, username, "wrong password", address)
    return response


def test_the_failure_limit_is_small():
    assert 3 <= LIMIT <= 10


def test_failed_sign_ins_below_the_limit_show_the_form_with_an_error(member):
    client = Client()
    response = fail_times(client, "member", LIMIT - 1)
    assert response.status_code == 200
    assert b"correct username and password" in response.content
    assert not is_signed_in(client)


def test_the_account_locks_after_the_failure_limit_even_for_the_right_password(member):
    client = Client()
    fail_times(client, "member", LIMIT)
    response = sign_in(client, "member", PASSWORD)
    assert response.status_code == 429
    assert b"Too many sign-in attempts" in response.content
    assert b"member" in response.content
    assert not is_signed_in(client)


def test_the_locked_page_is_a_page_of_the_site_not_a_server_error(member):
    client = Client()
    response = fail_times(client, "member", LIMIT + 3)
    assert response.status_code == 429
    assert response["Content-Type"].startswith("text/html")
    assert reverse("login").encode() in response.content


def test_the_lock_holds_only_that_username_from_that_address(member):
    make_user("neighbour")
    attacker = Client()
    fail_times(attacker, "member", LIMIT)
    assert is_signed_in_after(Client(), "neighbour", PASSWORD)
    assert is_signed_in_after(Client(), "member", PASSWORD, address="10.9.8.7")


def is_signed_in_after(client, username, password, address="127.0.0.1"):
    response = sign_in(client, username, password, address)
    return response.status_code == 302 and is_signed_in(client)


def test_a_successful_sign_in_resets_the_count(member):
    client = Client()
    fail_times(client, "member", LIMIT - 1)
    assert is_signed_in_after(client, "member", PASSWORD)
    client.logout()
    fail_times(client, "member", LIMIT - 1)
    assert is_signed_in_after(client, "member", PASSWORD)


def test_the_lock_ends_after_the_cool_off_time(member):
    client = Client()
    fail_times(client, "member", LIMIT)
    assert sign_in(client, "member", PASSWORD).status_code == 429
    cool_off = datetime.timedelta(hours=settings.AXES_COOLOFF_TIME)
    for attempt in AccessAttempt.objects.all():
        attempt.attempt_time -= cool_off + datetime.timedelta(minutes=1)
        attempt.save()
    assert is_signed_in_after(client, "member", PASSWORD)
