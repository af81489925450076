"""Bodies and paths a careless or hostile client sends the API: each answers a JSON 4xx and
changes nothing, never a 500 or an HTML page; and the API is rate-limited per client."""

import pytest
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient

from goals.models import Goal

from .conftest import signed_in


def deeply_nested(depth):
    return "[" * depth + "]" * depth


def json_endpoints(world):
    root = world.root.pk
    return [
        ("post", "/api/fractals/"),
        ("post", f"/api/fractals/{root}/goals/"),
        ("patch", f"/api/fractals/{root}/goals/{world.goal.pk}/"),
        ("post", f"/api/fractals/{root}/instances/{world.instance.pk}/values/"),
        ("post", f"/api/fractals/{root}/sessions/"),
    ]


@pytest.mark.parametrize("depth", [1_000, 100_000])
def test_a_json_body_nested_a_thousand_levels_is_a_400_parse_error_everywhere(owner_world, depth):
    client = signed_in(owner_world.user)
    goals_before = Goal.all_objects.count() if hasattr(Goal, "all_objects") else Goal.objects.count()
    for method, url in json_endpoints(owner_world):
        body = '{"name": ' + deeply_nested(depth) + "}"
        response = getattr(client, method)(url, body, content_type="application/json")
        assert response.status_code == 400, (url, response.status_code)
        assert response["Content-Type"] == "application/json"
        assert "nested deeper" in response.json()["detail"]
    assert (Goal.all_objects.count() if hasattr(Goal, "all_objects") else Goal.objects.count()) == goals_before


def test_a_moderately_nested_body_is_still_parsed(owner_world):
    client = signed_in(owner_world.user)
    response = client.post(
        f"/api/fractals/{owner_world.root.pk}/goals/",
        '{"name": ' + deeply_nested(20) + "}",
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "nested" not in str(response.json())


def test_a_json_body_over_the_upload_limit_is_a_413_in_json(owner_world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    client = signed_in(owner_world.user)
    body = '{"name": "' + "x" * 20_000 + '"}'
    response = client.post(f"/api/fractals/{owner_world.root.pk}/goals/", body, content_type="application/json")
    assert response.status_code == 413
    assert response.json()["detail"] == "The request body is larger than 10000 bytes."
    assert not Goal.objects.filter(name__startswith="xxxx").exists()


def test_a_form_body_over_the_upload_limit_under_the_api_is_a_json_400(owner_world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    client = signed_in(owner_world.user)
    response = client.post(f"/api/fractals/{owner_world.root.pk}/goals/", {"name": "x" * 20_000})
    assert response.status_code == 413
    assert response.json()["detail"] == "The request body is larger than 10000 bytes."


@pytest.mark.parametrize(
    "path",
    [
        "/api/fractals/not-a-uuid/",
        "/api/fractals/not-a-uuid/goals/",
        "/api/fractals/{root}/goals/12345/",
        "/api/fractals/{root}/sessions/%27%20OR%201=1/",
        "/api/no-such-resource/",
    ],
)
def test_a_malformed_id_in_an_api_path_is_a_json_404(owner_world, path):
    client = signed_in(owner_world.user)
    response = client.get(path.format(root=owner_world.root.pk))
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


def test_a_malformed_id_in_a_page_path_is_still_an_html_404(owner_world):
    response = signed_in(owner_world.user).get("/fractals/not-a-uuid/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


@pytest.fixture
def tight_throttles(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/minute", "user": "5/minute"},
    }
    cache.clear()
    yield
    cache.clear()


def test_anonymous_api_clients_are_throttled(db, tight_throttles):
    client = Client()
    statuses = [client.get("/api/fractals/").status_code for _ in range(4)]
    assert statuses == [401, 401, 401, 429]


def test_signed_in_api_clients_are_throttled_per_user(owner_world, stranger_world, tight_throttles):
    owner = APIClient()
    owner.force_authenticate(owner_world.user)
    statuses = [owner.get("/api/fractals/").status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]
    assert "Retry-After" in owner.get("/api/fractals/")
    stranger = APIClient()
    stranger.force_authenticate(stranger_world.user)
    assert stranger.get("/api/fractals/").status_code == 200
