from io import StringIO

import pytest
from django.core import serializers
from django.core.management import CommandError, call_command
from django.db import connection

from goals.models import Goal
from ops.backup import BackupError, backup_database, verify_backup
from tests.factories import FractalFactory, GoalFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def goal_rows():
    return serializers.serialize("json", Goal.all_objects.order_by("pk"))


@pytest.fixture
def data():
    owner = UserFactory(username="owner")
    root = FractalFactory(owner=owner, name="Get strong")
    GoalFactory(parent=root, name="Calisthenics")
    return root


def test_backup_is_written_under_the_given_folder_with_a_timestamped_name_and_verified(data, tmp_path):
    out = StringIO()
    call_command("backup_db", output=str(tmp_path), stdout=out)
    files = list(tmp_path.iterdir())
    assert len(files) == 1
    assert ".backup_" in files[0].name and files[0].name[-15:-7].isdigit()
    assert "verified" in out.getvalue()
    verify_backup(connection, files[0])


def test_backup_goes_to_the_configured_backup_dir_by_default(data, tmp_path, settings):
    settings.BACKUP_DIR = tmp_path / "backups"
    call_command("backup_db", stdout=StringIO())
    assert len(list((tmp_path / "backups").iterdir())) == 1


def test_backup_change_restore_returns_the_exact_data(data, tmp_path):
    before = goal_rows()
    path = backup_database(connection, tmp_path)
    data.name = "Renamed after the backup"
    data.save()
    GoalFactory(parent=data, name="Added after the backup")
    assert goal_rows() != before
    out = StringIO()
    call_command("restore_db", str(path), yes=True, stdout=out)
    assert goal_rows() == before
    assert "restored" in out.getvalue()


def test_restore_removes_tables_created_after_the_backup(data, tmp_path):
    path = backup_database(connection, tmp_path)
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE created_later (id integer)")
    call_command("restore_db", str(path), yes=True, stdout=StringIO())
    with connection.cursor() as cursor:
        assert "created_later" not in connection.introspection.table_names(cursor)


def test_restore_without_yes_in_a_non_interactive_run_is_bad_usage_and_changes_nothing(data, tmp_path):
    path = backup_database(connection, tmp_path)
    GoalFactory(parent=data, name="Kept")
    before = goal_rows()
    with pytest.raises(CommandError) as error:
        call_command("restore_db", str(path), interactive=False, stdout=StringIO())
    assert error.value.returncode == 2
    assert goal_rows() == before


def test_restore_asks_and_a_no_changes_nothing(data, tmp_path, monkeypatch):
    path = backup_database(connection, tmp_path)
    GoalFactory(parent=data, name="Kept")
    before = goal_rows()
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    with pytest.raises(CommandError, match="cancelled"):
        call_command("restore_db", str(path), stdout=StringIO())
    assert goal_rows() == before


def test_restore_without_a_terminal_and_without_yes_is_refused(data, tmp_path, monkeypatch):
    path = backup_database(connection, tmp_path)
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    with pytest.raises(CommandError, match="--yes") as error:
        call_command("restore_db", str(path), stdout=StringIO())
    assert error.value.returncode == 2


def test_a_damaged_backup_is_refused_before_anything_changes(data, tmp_path):
    path = backup_database(connection, tmp_path)
    damaged = tmp_path / "damaged.backup"
    damaged.write_bytes(path.read_bytes()[:1000])
    before = goal_rows()
    with pytest.raises(CommandError, match="Refusing to restore") as error:
        call_command("restore_db", str(damaged), yes=True, stdout=StringIO())
    assert error.value.returncode == 1
    assert goal_rows() == before


def test_a_missing_file_is_bad_usage(data, tmp_path):
    with pytest.raises(CommandError) as error:
        call_command("restore_db", str(tmp_path / "nope"), yes=True, stdout=StringIO())
    assert error.value.returncode == 2


def test_verify_rejects_a_file_that_is_not_a_backup(tmp_path):
    path = tmp_path / "junk"
    path.write_text("junk")
    with pytest.raises(BackupError):
        verify_backup(connection, path)
