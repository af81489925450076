"""Production settings: `check --deploy` clean, a strong secret required, secure cookies and headers."""

import os
import runpy
import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse

from .world import PASSWORD, make_user

SECURITY_SETTINGS = [
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SECURE",
    "X_FRAME_OPTIONS",
    "DEBUG",
]


def manage(*args, tmp_path, **env):
    # Browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in this process; a deployment never has it.
    inherited = {name: value for name, value in os.environ.items() if name != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment = {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "goals_project.settings",
        "ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(60),
        # Never the production database file: a throwaway one.
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy_check.db'}",
        **env,
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def production_settings(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", secrets.token_urlsafe(60))
    values = runpy.run_module("goals_project.profiles.production")
    return {name: values[name] for name in SECURITY_SETTINGS if name in values}


def test_check_deploy_is_clean_with_the_production_profile(tmp_path):
    result = manage("check", "--deploy", "--fail-level", "WARNING", tmp_path=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("key", ["", "short", "dev-only-insecure-key-change-me" + "x" * 40])
def test_production_refuses_to_start_without_a_strong_secret_key(tmp_path, key):
    result = manage("check", tmp_path=tmp_path, SECRET_KEY=key)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_turns_every_protection_on(monkeypatch):
    values = production_settings(monkeypatch)
    assert values["DEBUG"] is False
    assert values["SESSION_COOKIE_SECURE"] and values["SESSION_COOKIE_HTTPONLY"] and values["CSRF_COOKIE_SECURE"]
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 31536000
    assert values["X_FRAME_OPTIONS"] == "DENY"


def test_production_responses_carry_the_security_headers(db, monkeypatch):
    with override_settings(**production_settings(monkeypatch)):
        response = Client().get(reverse("login"), secure=True)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_production_sends_plain_http_to_https(db, monkeypatch):
    with override_settings(**production_settings(monkeypatch)):
        response = Client().get(reverse("login"))
    assert response.status_code == 301
    assert response["Location"].startswith("https://")


def test_production_cookies_are_secure_and_the_session_cookie_is_hidden_from_scripts(db, monkeypatch):
    make_user("cookie-user")
    client = Client()
    with override_settings(**production_settings(monkeypatch)):
        page = client.get(reverse("login"), secure=True)
        response = client.post(reverse("login"), {"username": "cookie-user", "password": PASSWORD}, secure=True)
    assert page.cookies[settings.CSRF_COOKIE_NAME]["secure"]
    assert response.status_code == 302
    session_cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session_cookie["secure"] and session_cookie["httponly"]
    assert session_cookie["samesite"] == "Lax"
