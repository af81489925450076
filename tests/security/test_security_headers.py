"""Every response carries a Content-Security-Policy that allows only our own scripts and styles
(no inline script, no inline style) and a Permissions-Policy, in every settings profile; our
templates hold nothing the policy would block."""

import re
import runpy
import secrets
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from .conftest import signed_in

PROFILES = ["development", "testing", "production"]
TEMPLATES = Path(settings.BASE_DIR) / "templates"


def directives(policy):
    return dict([*part.split(" ", 1), ""][:2] for part in (item.strip() for item in policy.split(";")) if part)


@pytest.mark.parametrize("profile", PROFILES)
def test_every_profile_sends_both_policies(monkeypatch, profile):
    monkeypatch.setenv("SECRET_KEY", secrets.token_urlsafe(60))
    values = runpy.run_module(f"goals_project.profiles.{profile}")
    assert "goals.middleware.SecurityHeadersMiddleware" in values["MIDDLEWARE"]
    policy = directives(values["CONTENT_SECURITY_POLICY"])
    assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'"
    assert "camera=()" in values["PERMISSIONS_POLICY"]


@pytest.mark.parametrize("who", ["anonymous", "owner"])
def test_pages_and_api_answers_carry_the_policies(owner_world, who):
    client = Client() if who == "anonymous" else signed_in(owner_world.user)
    for url in [reverse("login"), reverse("fractal-list"), "/api/fractals/", "/api/no-such-endpoint/"]:
        response = client.get(url)
        assert "unsafe-inline" not in response["Content-Security-Policy"], url
        assert "script-src 'self'" in response["Content-Security-Policy"], url
        assert "geolocation=()" in response["Permissions-Policy"], url


def test_no_template_has_an_inline_script_a_handler_attribute_or_a_style_attribute():
    found = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text()
        for pattern in (r"<script(?![^>]*\bsrc=)[^>]*>", r"\son[a-z]+\s*=\s*[\"']", r"\sstyle\s*=\s*[\"']"):
            found += [f"{path.relative_to(TEMPLATES)}: {match}" for match in re.findall(pattern, text)]
    assert found == []
