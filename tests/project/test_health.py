"""Health endpoints answer a load balancer without sign-in; readyz tells when the app cannot serve."""

import json
import logging

import pytest
from django.db import DatabaseError
from django.test import override_settings
from django.urls import reverse

from ops import health
from ops.request_log import JsonFormatter

pytestmark = pytest.mark.django_db


def test_healthz_answers_without_sign_in_or_database(anonymous_client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = anonymous_client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_readyz_answers_ok_without_sign_in_when_the_database_is_migrated(anonymous_client):
    response = anonymous_client.get(reverse("readyz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_readyz_fails_while_migrations_are_pending(anonymous_client, monkeypatch):
    monkeypatch.setattr(health, "pending_migrations", lambda: ["practice_sessions.0099_future"])
    response = anonymous_client.get(reverse("readyz"))
    assert response.status_code == 503
    assert response.json()["pending_migrations"] == ["practice_sessions.0099_future"]


def test_readyz_fails_when_the_database_is_unreachable(anonymous_client, monkeypatch):
    class Unreachable:
        def __enter__(self):
            raise DatabaseError("connection refused")

        def __exit__(self, *args):
            return False

    monkeypatch.setattr(health.connection, "cursor", lambda: Unreachable())
    response = anonymous_client.get(reverse("readyz"))
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "unreachable: DatabaseError"}


def test_health_endpoints_refuse_writes(anonymous_client):
    assert anonymous_client.post(reverse("healthz")).status_code == 405
    assert anonymous_client.post(reverse("readyz")).status_code == 405


def test_every_request_is_logged_with_its_id_and_duration(client, caplog):
    with caplog.at_level(logging.INFO, logger="fractal.request"):
        response = client.get(reverse("healthz"), headers={"X-Request-ID": "abc-123"})
    assert response["X-Request-ID"] == "abc-123"
    record = next(record for record in caplog.records if record.name == "fractal.request")
    assert (record.request_id, record.method, record.path, record.status) == ("abc-123", "GET", "/healthz", 200)
    assert record.duration_ms >= 0


def test_an_unusable_request_id_is_replaced(client):
    response = client.get(reverse("healthz"), headers={"X-Request-ID": "bad id\nwith newline"})
    assert len(response["X-Request-ID"]) == 32


def test_the_json_format_writes_one_object_per_line_with_the_request_fields():
    record = logging.LogRecord("fractal.request", logging.INFO, __file__, 1, "%s %s", ("GET", "/x"), None)
    record.request_id, record.duration_ms, record.status = "r1", 3.5, 200
    line = JsonFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["message"] == "GET /x"
    assert (entry["level"], entry["logger"], entry["request_id"], entry["duration_ms"]) == (
        "INFO", "fractal.request", "r1", 3.5,
    )  # fmt: skip
    assert entry["time"].endswith("Z")


def test_log_format_json_configures_the_json_formatter(monkeypatch):
    import importlib

    from goals_project.profiles import base

    monkeypatch.setenv("LOG_FORMAT", "json")
    reloaded = importlib.reload(base)
    try:
        assert reloaded.LOGGING["handlers"]["console"]["formatter"] == "json"
        monkeypatch.setenv("LOG_FORMAT", "yaml")
        with pytest.raises(Exception, match="LOG_FORMAT"):
            importlib.reload(base)
    finally:
        monkeypatch.delenv("LOG_FORMAT")
        importlib.reload(base)


@override_settings(ALLOWED_HOSTS=["testserver"])
def test_health_endpoints_need_no_session_cookie(anonymous_client):
    response = anonymous_client.get(reverse("readyz"))
    assert "sessionid" not in response.cookies
