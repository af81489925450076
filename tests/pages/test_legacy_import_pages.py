"""Settings → "Import from the old app": upload, dry-run report, confirm; refusals and ownership."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from goals.models import Goal
from tests.commands.legacy_files import U, build_state_c


@pytest.fixture(autouse=True)
def upload_dir(settings, tmp_path):
    folder = tmp_path / "uploads"
    settings.LEGACY_UPLOAD_DIR = str(folder)
    return folder


def legacy_upload(tmp_path, extra_sql=""):
    path = build_state_c(tmp_path / "goals.db", extra_sql)
    return SimpleUploadedFile("goals.db", path.read_bytes(), content_type="application/octet-stream")


def upload(client, tmp_path, extra_sql=""):
    data = {"file": legacy_upload(tmp_path, extra_sql), "source_tz": "Europe/Berlin"}
    return client.post(reverse("legacy-upload"), data)


def test_the_settings_page_links_to_the_import(owner_client):
    assert reverse("legacy-upload") in owner_client.get(reverse("settings")).content.decode()


def test_anonymous_visitors_are_sent_to_sign_in(db, anonymous_client):
    response = anonymous_client.get(reverse("legacy-upload"))
    assert response.status_code == 302 and "login" in response["Location"]
    response = anonymous_client.get(reverse("legacy-review", args=["x" * 32]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_an_upload_shows_the_dry_run_report_and_writes_nothing(owner_client, tmp_path):
    response = upload(owner_client, tmp_path)
    assert response.status_code == 302
    page = owner_client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "schema state C" in html and "session_goals" in html and "Not kept" in html
    assert not Goal.all_objects.exists()


def test_confirming_imports_for_the_signed_in_user_and_lands_on_the_fractals(owner_client, owner, tmp_path, upload_dir):
    review = upload(owner_client, tmp_path)["Location"]
    response = owner_client.post(review, {"action": "import"})
    assert response.status_code == 302 and response["Location"] == reverse("fractal-list")
    assert Goal.all_objects.get(pk=U("c-root")).owner == owner
    assert list(upload_dir.iterdir()) == []
    assert owner_client.get(review).status_code == 404


def test_a_stranger_cannot_see_or_import_another_users_upload(owner_client, stranger_client, tmp_path):
    review = upload(owner_client, tmp_path)["Location"]
    assert stranger_client.get(review).status_code == 404
    assert stranger_client.post(review, {"action": "import"}).status_code == 404
    assert not Goal.all_objects.exists()


def test_a_refused_file_shows_why_and_writes_nothing(owner_client, tmp_path):
    review = upload(owner_client, tmp_path, "CREATE TABLE foo (x); INSERT INTO foo VALUES (1);")["Location"]
    response = owner_client.get(review)
    assert response.status_code == 400
    assert "table `foo` with 1 rows is not read by this version" in response.content.decode()
    assert not Goal.all_objects.exists()


def test_a_file_over_the_size_limit_is_refused(owner_client, tmp_path, settings):
    settings.LEGACY_UPLOAD_MAX_BYTES = 1000
    response = upload(owner_client, tmp_path)
    assert response.status_code == 400
    assert "larger than the limit" in response.content.decode()


def test_a_file_that_is_not_sqlite_is_refused(owner_client):
    data = {"file": SimpleUploadedFile("goals.db", b"hello"), "source_tz": "UTC"}
    review = owner_client.post(reverse("legacy-upload"), data)["Location"]
    response = owner_client.get(review)
    assert response.status_code == 400 and "not a SQLite database" in response.content.decode()


def test_an_unknown_time_zone_is_a_form_error(owner_client, tmp_path):
    data = {"file": legacy_upload(tmp_path), "source_tz": "Mars/Olympus"}
    assert owner_client.post(reverse("legacy-upload"), data).status_code == 400


def test_cancel_discards_the_upload(owner_client, tmp_path, upload_dir):
    review = upload(owner_client, tmp_path)["Location"]
    assert owner_client.post(review, {"action": "cancel"}).status_code == 302
    assert list(upload_dir.iterdir()) == []
