from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from goals.models import Goal
from ops.safe_migrate import safe_migrate
from tests.factories import FractalFactory, UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("own_database_file")]


def tables():
    with connection.cursor() as cursor:
        return set(connection.introspection.table_names(cursor))


def broken_migration(connection):
    """A migration that changes the schema and data, then fails half-way."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE half_done (id integer)")
    Goal.all_objects.using(connection.alias).update(name="Changed by a broken migration")
    raise RuntimeError("migration 0002 blew up")


@pytest.fixture
def root():
    return FractalFactory(owner=UserFactory(username="owner"), name="Get strong")


def test_an_up_to_date_database_migrates_cleanly_and_reports_the_backup(root, tmp_path):
    out = StringIO()
    try:
        call_command("safe_migrate", output=str(tmp_path), stdout=out)
    except CommandError as error:
        pytest.fail(f"{error}\n{out.getvalue()}")
    text = out.getvalue()
    assert "backup:" in text and "pending migrations: 0" in text and "safe_migrate finished" in text
    assert len(list(tmp_path.iterdir())) == 1


def test_a_failing_migration_leaves_the_database_unchanged_and_names_the_backup(root, tmp_path):
    before_tables = tables()
    report = safe_migrate(connection, tmp_path, migrate=broken_migration, progress=lambda line: None)
    assert not report.ok
    assert tables() == before_tables
    assert Goal.all_objects.get().name == "Get strong"
    assert any("migration 0002 blew up" in line for line in report.lines)
    assert any(str(report.backup) in line for line in report.lines if "unchanged" in line)


def test_the_command_exits_with_1_when_the_migration_fails(root, tmp_path, monkeypatch):
    monkeypatch.setattr("ops.safe_migrate.default_migrate", broken_migration)
    out = StringIO()
    with pytest.raises(CommandError, match="restore_db") as error:
        call_command("safe_migrate", output=str(tmp_path), stdout=out)
    assert error.value.returncode == 1
    assert Goal.all_objects.get().name == "Get strong"


def test_unexpected_drift_is_refused_unless_allowed(root, tmp_path):
    calls = []
    with connection.cursor() as cursor:
        cursor.execute("CREATE INDEX hand_made_idx ON goals (name)")
    try:
        report = safe_migrate(connection, tmp_path, migrate=calls.append, progress=lambda line: None)
        assert not report.ok and calls == []
        assert any(line.startswith("refused") for line in report.lines)
        report = safe_migrate(connection, tmp_path, allow_drift=True, migrate=calls.append, progress=lambda line: None)
        assert report.ok and len(calls) == 1
        if connection.vendor == "sqlite":
            # SQLite migrates a working copy beside the live file, never the live file itself.
            assert calls[0].settings_dict["NAME"] == f"{connection.settings_dict['NAME']}.migrating"
        else:
            assert calls == [connection]
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP INDEX hand_made_idx")
