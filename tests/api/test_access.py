"""Ownership for every endpoint: the owner gets in, a stranger gets 404, anonymous gets 401/403."""

import pytest

from tests.api.conftest import url

pytestmark = pytest.mark.django_db

RESOURCES = [
    "goals",
    "activity-groups",
    "activities",
    "targets",
    "sessions",
    "sections",
    "instances",
    "metric-values",
    "templates",
    "programs",
    "program-blocks",
    "program-days",
    "scheduled-sessions",
    "trash",
    "progress-tree",
    "analytics/weekly",
    "analytics/streaks",
    "analytics/summary",
]

DETAIL_ACTIONS = [
    ("get", "goals", ""),
    ("patch", "goals", ""),
    ("delete", "goals", ""),
    ("post", "goals", "complete/"),
    ("post", "goals", "reopen/"),
    ("post", "goals", "move/"),
    ("post", "goals", "reorder-children/"),
    ("get", "activities", ""),
    ("patch", "activities", ""),
    ("delete", "activities", ""),
    ("get", "targets", ""),
    ("patch", "targets", ""),
    ("delete", "targets", ""),
    ("post", "targets", "evaluate/"),
    ("get", "sessions", ""),
    ("patch", "sessions", ""),
    ("delete", "sessions", ""),
    ("post", "sessions", "start/"),
    ("post", "sessions", "complete/"),
    ("post", "sessions", "reopen/"),
    ("get", "sections", ""),
    ("patch", "sections", ""),
    ("delete", "sections", ""),
    ("get", "metric-values", ""),
    ("get", "instances", ""),
    ("patch", "instances", ""),
    ("delete", "instances", ""),
    ("post", "instances", "start/"),
    ("post", "instances", "stop/"),
    ("post", "instances", "values/"),
    ("get", "templates", ""),
    ("patch", "templates", ""),
    ("delete", "templates", ""),
    ("get", "programs", ""),
    ("patch", "programs", ""),
    ("delete", "programs", ""),
    ("get", "program-blocks", ""),
    ("patch", "program-blocks", ""),
    ("post", "program-blocks", "schedule/"),
    ("delete", "program-blocks", ""),
    ("get", "program-days", ""),
    ("patch", "program-days", ""),
    ("delete", "program-days", ""),
    ("get", "scheduled-sessions", ""),
    ("patch", "scheduled-sessions", ""),
    ("delete", "scheduled-sessions", ""),
    ("post", "scheduled-sessions", "start/"),
]

COLLECTION_POSTS = [
    "goals/",
    "activity-groups/",
    "activity-groups/reorder/",
    "activities/",
    "targets/",
    "sessions/",
    "sessions/from-template/",
    "sections/",
    "instances/",
    "instances/reorder/",
    "templates/",
    "templates/from-session/",
    "programs/",
    "program-blocks/",
    "program-days/",
    "scheduled-sessions/",
    "trash/restore/",
]


@pytest.mark.parametrize("resource", RESOURCES)
def test_owner_can_list_every_resource(api, fractal, everything, resource):
    response = api.get(url(fractal, f"{resource}/"))
    assert response.status_code == 200


@pytest.mark.parametrize("resource", RESOURCES)
def test_stranger_gets_404_on_every_list(stranger_api, fractal, everything, resource):
    assert stranger_api.get(url(fractal, f"{resource}/")).status_code == 404


@pytest.mark.parametrize("resource", RESOURCES)
def test_anonymous_is_refused_on_every_list(anonymous_api, fractal, everything, resource):
    assert anonymous_api.get(url(fractal, f"{resource}/")).status_code in (401, 403)


@pytest.mark.parametrize("path", COLLECTION_POSTS)
def test_stranger_cannot_post_into_a_fractal(stranger_api, fractal, everything, path):
    assert stranger_api.post(url(fractal, path), {}, format="json").status_code == 404


@pytest.mark.parametrize("path", COLLECTION_POSTS)
def test_anonymous_cannot_post_into_a_fractal(anonymous_api, fractal, everything, path):
    assert anonymous_api.post(url(fractal, path), {}, format="json").status_code in (401, 403)


@pytest.mark.parametrize(("method", "resource", "suffix"), DETAIL_ACTIONS)
def test_stranger_gets_404_on_every_object_and_action(stranger_api, fractal, everything, method, resource, suffix):
    target = everything[resource]
    updated_at = type(target).all_objects.get(pk=target.pk).updated_at
    response = getattr(stranger_api, method)(url(fractal, f"{resource}/{target.pk}/{suffix}"), {}, format="json")
    assert response.status_code == 404
    assert type(target).all_objects.get(pk=target.pk).updated_at == updated_at


@pytest.mark.parametrize(("method", "resource", "suffix"), DETAIL_ACTIONS)
def test_stranger_using_their_own_fractal_url_cannot_reach_owner_objects(
    stranger_api, stranger_fractal, everything, method, resource, suffix
):
    target = everything[resource]
    response = getattr(stranger_api, method)(
        url(stranger_fractal, f"{resource}/{target.pk}/{suffix}"), {}, format="json"
    )
    assert response.status_code == 404


@pytest.mark.parametrize(("method", "resource", "suffix"), DETAIL_ACTIONS)
def test_anonymous_is_refused_on_every_object_and_action(anonymous_api, fractal, everything, method, resource, suffix):
    target = everything[resource]
    response = getattr(anonymous_api, method)(url(fractal, f"{resource}/{target.pk}/{suffix}"), {}, format="json")
    assert response.status_code in (401, 403)


@pytest.mark.parametrize(("method", "resource", "suffix"), DETAIL_ACTIONS)
def test_owner_reaches_every_object_and_action_without_a_server_error(
    api, fractal, everything, method, resource, suffix
):
    target = everything[resource]
    response = getattr(api, method)(url(fractal, f"{resource}/{target.pk}/{suffix}"), {}, format="json")
    assert 200 <= response.status_code < 500 and response.status_code != 404


RESTORABLE = [name for name in dict.fromkeys(resource for _, resource, _ in DETAIL_ACTIONS) if name != "metric-values"]


@pytest.mark.parametrize("resource", RESTORABLE)
def test_only_the_owner_can_restore(api, stranger_api, anonymous_api, fractal, everything, resource):
    target = everything[resource]
    target.delete()
    address = url(fractal, f"{resource}/{target.pk}/restore/")
    assert stranger_api.post(address).status_code == 404
    assert anonymous_api.post(address).status_code in (401, 403)
    assert type(target).all_objects.get(pk=target.pk).deleted_at is not None
    assert api.post(address).status_code == 200
    assert type(target).all_objects.get(pk=target.pk).deleted_at is None


def test_a_malformed_fractal_id_is_a_404(api):
    assert api.get("/api/fractals/not-a-uuid/goals/").status_code == 404


def test_token_authentication_works_and_a_bad_token_is_401(client, token, fractal):
    good = client.get("/api/fractals/", HTTP_AUTHORIZATION=f"Token {token}")
    bad = client.get("/api/fractals/", HTTP_AUTHORIZATION="Token nope")
    assert good.status_code == 200
    assert [row["id"] for row in good.json()["results"]] == [str(fractal.pk)]
    assert bad.status_code == 401


def test_anonymous_token_client_gets_401_with_a_challenge(client):
    response = client.get("/api/fractals/")
    assert response.status_code in (401, 403)


def test_a_constraint_race_becomes_a_409_not_a_500():
    from django.db import IntegrityError

    from goals.api.exceptions import api_exception_handler

    response = api_exception_handler(IntegrityError("duplicate key"), {})
    assert response.status_code == 409
    assert "non_field_errors" in response.data


def test_a_model_validation_error_becomes_a_400_with_field_messages():
    from django.core.exceptions import ValidationError

    from goals.api.exceptions import api_exception_handler

    response = api_exception_handler(ValidationError({"name": "Bad name.", "__all__": "Bad."}), {})
    assert response.status_code == 400
    assert response.data == {"name": ["Bad name."], "non_field_errors": ["Bad."]}
