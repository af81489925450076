import csv
import datetime
import io
import json
import zipfile

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from goals.integrity import _ordered_for_repair
from goals.models import ApiToken, Goal, Profile
from ops.portability import dumps, export_fractal
from sessions.models import MetricValue, Note, PracticeSession, ScheduledSession
from tests.commands.demo_fractal import build_demo_fractal
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
User = get_user_model()


def row_counts():
    return {model._meta.db_table: model._base_manager.count() for model in apps.get_models()}


@pytest.fixture
def demo(fractal):
    build_demo_fractal(fractal)
    return fractal


@pytest.fixture
def stranger_demo(stranger_fractal):
    build_demo_fractal(stranger_fractal)
    return stranger_fractal


def signed_in(user):
    client = Client()
    assert client.post(reverse("login"), {"username": user.username, "password": PASSWORD}).status_code == 302
    return client


# --- delete my account ----------------------------------------------------------------------


def test_the_delete_page_says_what_will_go(owner_client, demo):
    response = owner_client.get(reverse("account-delete"))
    assert response.status_code == 200
    sessions = PracticeSession.all_objects.filter(root=demo).count()
    assert f"<strong>{sessions}</strong> practice sessions" in response.content.decode()


def test_a_wrong_password_deletes_nothing(owner_client, owner, demo):
    before = row_counts()
    response = owner_client.post(reverse("account-delete"), {"password": "nope"})
    assert response.status_code == 400
    assert b"That is not your password" in response.content
    assert row_counts() == before


def test_deleting_the_account_erases_every_owned_row_and_leaves_others_untouched(owner, stranger, demo, stranger_demo):
    ApiToken.issue(owner)
    ApiToken.issue(stranger)
    client = signed_in(owner)
    stranger_client = signed_in(stranger)
    owned = {
        model._meta.db_table: model._base_manager.filter(root__owner=owner).count()
        for model in apps.get_models()
        if hasattr(model, "root_id") or "root" in [f.name for f in model._meta.fields]
    }
    assert all(owned.values())
    before = row_counts()
    response = client.post(reverse("account-delete"), {"password": PASSWORD})
    assert response.status_code == 302
    after = row_counts()
    for table, count in owned.items():
        assert after[table] == before[table] - count, table
    assert after["auth_user"] == before["auth_user"] - 1
    assert after["user_profiles"] == before["user_profiles"] - 1
    assert after["api_tokens"] == before["api_tokens"] - 1
    assert not User.objects.filter(username="owner").exists()
    assert Session.objects.count() == 1  # the stranger's
    assert stranger_client.get(reverse("fractal-tree", kwargs={"root_id": stranger_demo.pk})).status_code == 200
    assert Goal.all_objects.filter(root=stranger_demo).count() > 1
    untouched = {table for table in before if table not in owned} - {
        "auth_user",
        "user_profiles",
        "api_tokens",
        "django_session",
        "axes_accesslog",
        "axes_accessattempt",
    }
    # Link tables of the owner's rows (many-to-many) go with them; nothing else changes.
    changed = {table for table in untouched if before[table] != after[table]}
    assert all(table.endswith("_goals") or "link" in table for table in changed), changed


def test_account_deletion_needs_a_signed_in_user(anonymous_client):
    assert anonymous_client.get(reverse("account-delete")).status_code == 302


# --- download my data -------------------------------------------------------------------------


def download(client):
    response = client.get(reverse("account-export"))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def read_csv(archive, name):
    return list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8-sig"))))


def test_the_download_holds_each_fractal_document_and_csvs_that_parse(owner_client, owner, demo, stranger_demo):
    archive = download(owner_client)
    documents = [name for name in archive.namelist() if name.startswith("fractals/")]
    assert len(documents) == 1
    document = json.loads(archive.read(documents[0]))
    assert document["format"] == "fractal-goals.fractal" and document["version"] == 1
    assert document["root"] == str(demo.pk)
    values = read_csv(archive, "values.csv")
    live = MetricValue.objects.owned_by(owner).filter(
        instance__deleted_at__isnull=True, instance__session__deleted_at__isnull=True
    )
    assert len(values) == live.count() > 0
    assert set(values[0]) == {"fractal", "date", "session", "activity", "set", "split", "metric", "value", "unit"}
    sample = live.select_related("metric").first()
    assert any(float(row["value"]) == sample.value and row["metric"] == sample.metric.name for row in values)
    sessions = read_csv(archive, "sessions.csv")
    assert len(sessions) == PracticeSession.objects.owned_by(owner).count()
    goals = read_csv(archive, "goals.csv")
    assert len(goals) == Goal.objects.owned_by(owner).count()
    assert {row["fractal"] for row in goals} == {demo.name}


def test_the_download_holds_every_note_and_each_session_row_its_notes(owner_client, owner, demo, stranger_demo):
    archive = download(owner_client)
    notes = read_csv(archive, "notes.csv")
    live = Note.objects.owned_by(owner)
    assert len(notes) == live.count() > 0
    assert {row["fractal"] for row in notes} == {demo.name}
    set_note = next(note for note in live if note.set_number is not None)
    row = next(row for row in notes if row["note_id"] == str(set_note.pk))
    assert (row["body"], row["set"], row["on"]) == (set_note.body, str(set_note.set_number), "Set")
    noted = next(note for note in live if note.session_id is not None)
    sessions = {row["session_id"]: row for row in read_csv(archive, "sessions.csv")}
    assert noted.body in sessions[str(noted.session_id)]["notes"]


def test_the_download_is_for_signed_in_users_only(anonymous_client):
    response = anonymous_client.get(reverse("account-export"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_stranger_downloads_only_their_own_data(stranger_client, demo, stranger_demo):
    archive = download(stranger_client)
    assert all(str(demo.pk) not in name for name in archive.namelist())
    assert all(row["fractal"] != demo.name for row in read_csv(archive, "goals.csv"))


# --- upload to restore ------------------------------------------------------------------------


def _file(text, name):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, text.encode(), content_type="application/json")


@pytest.fixture
def exported(demo):
    text = dumps(export_fractal(demo))
    return text


def erase(root):
    for model in reversed(_ordered_for_repair()):
        model.all_objects.filter(root_id=root.pk).hard_delete()


def test_an_upload_is_previewed_then_imported_for_the_signed_in_user(
    owner_client, stranger_client, stranger, demo, exported
):
    before = json.loads(exported)["counts"]
    erase(demo)
    response = stranger_client.post(reverse("account-import"), {"document": _file(exported, "f.json")})
    assert response.status_code == 200
    assert "Import “Get strong”?" in response.content.decode()
    assert not Goal.all_objects.filter(pk=demo.pk).exists()  # nothing written yet
    response = stranger_client.post(reverse("account-import-confirm"), {"action": "import"})
    assert response.status_code == 302
    root = Goal.all_objects.get(pk=demo.pk)
    assert root.owner == stranger
    assert sum(before.values()) == sum(
        model.all_objects.filter(root_id=demo.pk).count() for model in _ordered_for_repair()
    )


def test_cancelling_the_preview_writes_nothing(owner_client, demo, exported):
    erase(demo)
    owner_client.post(reverse("account-import"), {"document": _file(exported, "f.json")})
    response = owner_client.post(reverse("account-import-confirm"), {"action": "cancel"})
    assert response.status_code == 302
    assert not Goal.all_objects.filter(pk=demo.pk).exists()


def test_importing_a_fractal_that_exists_is_refused_with_a_message(owner_client, demo, exported):
    before = row_counts()
    owner_client.post(reverse("account-import"), {"document": _file(exported, "f.json")})
    response = owner_client.post(reverse("account-import-confirm"), {"action": "import"}, follow=True)
    assert "cannot be imported" in response.content.decode()
    assert row_counts() == before


def test_a_document_with_rows_from_another_fractal_is_refused(owner_client, demo, stranger_fractal, exported):
    document = json.loads(exported)
    document["objects"][-1]["fields"]["root"] = str(stranger_fractal.pk)
    erase(demo)
    response = owner_client.post(
        reverse("account-import"), {"document": _file(json.dumps(document), "f.json")}, follow=True
    )
    assert "outside its own fractal" in response.content.decode()
    assert owner_client.post(reverse("account-import-confirm"), {"action": "import"}).status_code == 302
    assert not Goal.all_objects.filter(pk=demo.pk).exists()


@pytest.mark.parametrize("text", ["not json", "{}", '{"format": "fractal-goals.fractal", "version": 99}', "[1, 2]"])
def test_a_bad_file_is_refused_with_a_clear_message(owner_client, owner, text):
    response = owner_client.post(reverse("account-import"), {"document": _file(text, "f.json")}, follow=True)
    assert response.status_code == 200
    assert "cannot be imported" in response.content.decode()


def test_importing_needs_a_signed_in_user(anonymous_client, exported):
    response = anonymous_client.post(reverse("account-import"), {"document": _file(exported, "f.json")})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


# --- calendar feed ----------------------------------------------------------------------------


def test_the_calendar_feed_lists_scheduled_sessions_and_deadlines(owner_client, owner, demo, stranger_demo):
    Goal.objects.filter(pk=demo.pk).update(deadline=datetime.date(2027, 3, 1))
    owner_client.post(reverse("calendar-token"), {"action": "rotate"})
    token = Profile.for_user(owner).calendar_token
    assert token and token in owner_client.get(reverse("settings")).content.decode()
    response = Client().get(reverse("calendar-feed", kwargs={"token": token}))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = calendar.walk("VEVENT")
    summaries = [str(event["SUMMARY"]) for event in events]
    assert "Deadline: Get strong" in summaries
    scheduled = ScheduledSession.objects.owned_by(owner).filter(day__date__isnull=False, day__deleted_at__isnull=True)
    assert scheduled.exists()
    assert len([s for s in summaries if not s.startswith("Deadline")]) == scheduled.count()
    assert all(str(stranger_demo.name) not in str(event.get("DESCRIPTION", "")) for event in events)


def test_a_bad_or_revoked_calendar_token_answers_404(owner_client, owner):
    assert Client().get(reverse("calendar-feed", kwargs={"token": "nope"})).status_code == 404
    owner_client.post(reverse("calendar-token"), {"action": "rotate"})
    old = Profile.for_user(owner).calendar_token
    owner_client.post(reverse("calendar-token"), {"action": "rotate"})
    new = Profile.for_user(owner).calendar_token
    assert new != old
    assert Client().get(reverse("calendar-feed", kwargs={"token": old})).status_code == 404
    assert Client().get(reverse("calendar-feed", kwargs={"token": new})).status_code == 200
    owner_client.post(reverse("calendar-token"), {"action": "revoke"})
    assert Client().get(reverse("calendar-feed", kwargs={"token": new})).status_code == 404


def test_calendar_settings_need_a_signed_in_user(anonymous_client):
    assert anonymous_client.post(reverse("calendar-token"), {"action": "rotate"}).status_code == 302
