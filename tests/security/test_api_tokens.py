"""API keys: stored as hashes, revoked by any password change, and only their owner's."""

import importlib
import io
import re
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from goals.models import ApiToken, Profile
from goals.models.token import hash_key
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "a-much-longer-passphrase-42"


def sign_in(client):
    response = client.post(reverse("login"), {"username": "owner", "password": PASSWORD})
    assert response.status_code == 302


def api_status(client, key):
    return client.get("/api/fractals/", HTTP_AUTHORIZATION=f"Token {key}").status_code


def test_a_token_opens_only_its_owners_fractals(client, owner, fractal, stranger_fractal):
    _, key = ApiToken.issue(owner)
    response = client.get("/api/fractals/", HTTP_AUTHORIZATION=f"Token {key}")
    assert [row["id"] for row in response.json()["results"]] == [str(fractal.pk)]
    stranger_goals = f"/api/fractals/{stranger_fractal.pk}/goals/"
    assert client.get(stranger_goals, HTTP_AUTHORIZATION=f"Token {key}").status_code == 404


def test_anonymous_and_made_up_tokens_get_401(client, owner):
    ApiToken.issue(owner)
    assert client.get("/api/fractals/").status_code == 401
    assert api_status(client, "0" * 40) == 401


def test_the_stored_hash_is_not_a_key(client, owner):
    token, _ = ApiToken.issue(owner)
    assert api_status(client, token.key_hash) == 401


def test_a_deactivated_users_token_gets_401(client, owner):
    _, key = ApiToken.issue(owner)
    get_user_model().objects.filter(pk=owner.pk).update(is_active=False)
    assert api_status(client, key) == 401


def test_the_old_token_gets_401_after_a_password_change(client, owner_client, owner):
    _, key = ApiToken.issue(owner)
    assert api_status(client, key) == 200
    response = owner_client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert api_status(client, key) == 401
    assert not ApiToken.objects.filter(user=owner).exists()


def test_the_old_token_gets_401_after_a_password_reset(client, owner):
    Profile.objects.filter(user=owner).update(verified_email=owner.email)
    _, key = ApiToken.issue(owner)
    client.post(reverse("password_reset"), {"email": owner.email})
    link = re.search(r"https?://[^/\s]+(/\S+)", mail.outbox[-1].body).group(1)
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert api_status(client, key) == 401


def test_set_password_from_the_shell_or_admin_revokes_the_token(client, owner):
    _, key = ApiToken.issue(owner)
    owner.set_password(NEW_PASSWORD)
    owner.save()
    assert api_status(client, key) == 401


def test_disabling_password_sign_in_revokes_the_token(client, owner):
    _, key = ApiToken.issue(owner)
    owner.set_unusable_password()
    owner.save()
    assert api_status(client, key) == 401


def test_a_failed_password_change_keeps_the_token(client, owner_client, owner):
    _, key = ApiToken.issue(owner)
    owner_client.post(
        reverse("password_change"),
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert api_status(client, key) == 200


def test_signing_in_and_saving_other_account_fields_keeps_the_token(client, owner):
    _, key = ApiToken.issue(owner)
    sign_in(client)
    owner.refresh_from_db()
    owner.email = "new@example.com"
    owner.save()
    assert api_status(client, key) == 200


def test_a_rehash_of_the_same_password_on_sign_in_keeps_the_token(client, owner, settings):
    _, key = ApiToken.issue(owner)
    # A stronger hasher first: the next sign-in re-hashes the (unchanged) password.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    old_hash = owner.password
    sign_in(client)
    owner.refresh_from_db()
    assert owner.password != old_hash
    assert api_status(client, key) == 200


def test_another_users_password_change_keeps_my_token(client, owner, stranger):
    _, key = ApiToken.issue(owner)
    stranger.set_password(NEW_PASSWORD)
    stranger.save()
    assert api_status(client, key) == 200


def test_the_database_holds_no_usable_key(owner):
    _, key = ApiToken.issue(owner)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM api_tokens")
        stored = [str(value) for row in cursor.fetchall() for value in row]
    assert key not in stored
    assert hash_key(key) in stored


def run_sql(sql):
    with connection.cursor() as cursor:
        cursor.execute(sql)


def test_the_migration_hashes_existing_raw_tokens_so_clients_keep_working(client, owner, stranger):
    """DRF's authtoken table held raw keys: the migration turns each into a hashed row and drops it."""
    migration = importlib.import_module("goals.migrations.0008_api_tokens_hashed")
    raw_key = "a" * 40
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, user_id integer, created timestamp)")
        cursor.execute("INSERT INTO authtoken_token VALUES (%s, %s, %s)", [raw_key, owner.pk, "2026-01-02 03:04:05"])
    # What the migration needs of a schema editor; the real one cannot open inside a test's transaction.
    editor = SimpleNamespace(connection=connection, quote_name=connection.ops.quote_name, execute=run_sql)
    migration.hash_existing_tokens(apps, editor)
    assert "authtoken_token" not in connection.introspection.table_names()
    token = ApiToken.objects.get(user=owner)
    assert token.key_hash == hash_key(raw_key) and token.prefix == "aaaaaa"
    assert token.created_at.year == 2026 and token.created_at.month == 1
    assert api_status(client, raw_key) == 200


def test_changepassword_command_revokes_the_token(client, owner, monkeypatch):
    _, key = ApiToken.issue(owner)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": NEW_PASSWORD)
    call_command("changepassword", "owner", stdout=io.StringIO())
    assert api_status(client, key) == 401
