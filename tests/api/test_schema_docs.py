import pytest

pytestmark = pytest.mark.django_db


def test_schema_is_served_with_uuid_path_parameters(api):
    response = api.get("/api/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    operation = schema["paths"]["/api/fractals/{root_id}/sessions/{id}/complete/"]["post"]
    types = {p["name"]: p["schema"].get("format") for p in operation["parameters"] if p["in"] == "path"}
    assert types == {"root_id": "uuid", "id": "uuid"}


def test_docs_page_is_served_without_a_cdn(owner_client):
    response = owner_client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assert "drf_spectacular_sidecar" in html or "/static/" in html
    for cdn in ("cdn.jsdelivr", "unpkg.com", "cdnjs"):
        assert cdn not in html


def test_schema_and_docs_need_a_signed_in_user(anonymous_api):
    assert anonymous_api.get("/api/schema/").status_code in (401, 403)
    assert anonymous_api.get("/api/docs/").status_code in (401, 403)
