"""safe_migrate on SQLite: a working copy is migrated and checked, then swapped in atomically."""

import hashlib
import sqlite3
import stat
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from goals.models import Goal
from ops.safe_migrate import default_migrate, safe_migrate, working_copy_path
from tests.security.world import build_world, diff, make_user, snapshot

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'sqlite'", reason="the working copy is SQLite's path"),
    pytest.mark.usefixtures("own_database_file"),
]


def quiet(line):
    pass


def live_path():
    return Path(connection.settings_dict["NAME"])


def working_files():
    working = working_copy_path(live_path())
    return sorted(path.name for path in working.parent.glob(f"{working.name}*"))


def pending_migrations():
    executor = MigrationExecutor(connection)
    return [migration.name for migration, _ in executor.migration_plan(executor.loader.graph.leaf_nodes())]


def applied_migrations():
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, name, applied FROM django_migrations ORDER BY id")
        return cursor.fetchall()


def schema():
    with connection.cursor() as cursor:
        cursor.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name")
        return cursor.fetchall()


def checkpointed_digest():
    """The live file's bytes once every committed change is in it (the WAL emptied)."""
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return hashlib.sha256(live_path().read_bytes()).hexdigest()


def wal_size():
    wal = live_path().with_name(live_path().name + "-wal")
    return wal.stat().st_size if wal.exists() else 0


@pytest.fixture
def world():
    return build_world(make_user("owner"), "OWNER")


@pytest.fixture
def behind(world):
    """The database a few migrations behind (with the world's data in it); fully migrated afterwards."""
    call_command("migrate", "goals", "0001", verbosity=0)
    assert pending_migrations()
    yield world
    connection.close()
    call_command("migrate", verbosity=0)


def test_a_migration_brings_the_copy_up_to_date_and_replaces_the_live_file_with_every_row_kept(behind, tmp_path):
    before = snapshot()
    counts_before = {table: count for table, count in row_counts().items() if table != "django_migrations"}
    live_path().chmod(0o640)
    inode = live_path().stat().st_ino
    report = safe_migrate(connection, tmp_path, progress=quiet)
    assert report.ok, report.lines
    assert live_path().stat().st_ino != inode, "the live file was not replaced by the migrated copy"
    assert stat.S_IMODE(live_path().stat().st_mode) == 0o640
    assert pending_migrations() == []
    assert diff(before, snapshot()) == ""
    counts_after = {table: count for table, count in row_counts().items() if table != "django_migrations"}
    # Tables the migrations create start empty; every table that existed keeps its rows.
    assert {table: counts_after[table] for table in counts_before} == counts_before
    assert all(counts_after[table] == 0 for table in set(counts_after) - set(counts_before))
    assert working_files() == []
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA integrity_check")
        assert cursor.fetchall() == [("ok",)]
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone() == ("wal",)
    assert any("replaced" in line for line in report.lines)


def row_counts():
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        counts = {}
        for table in tables:
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
            counts[table] = cursor.fetchone()[0]
    return counts


def test_a_failing_migration_leaves_the_live_file_byte_identical_and_removes_the_copy(world, tmp_path):
    digest = checkpointed_digest()
    seen = []

    def broken_migration(working):
        seen.append(working.settings_dict["NAME"])
        with working.cursor() as cursor:
            cursor.execute("CREATE TABLE half_done (id integer)")
        Goal.all_objects.using(working.alias).update(name="Changed by a broken migration")
        raise RuntimeError("migration 0005 blew up")

    report = safe_migrate(connection, tmp_path, migrate=broken_migration, progress=quiet)
    assert not report.ok
    assert seen == [str(working_copy_path(live_path()))]
    assert any("migration 0005 blew up" in line for line in report.lines)
    assert any(f"unchanged; the backup is {report.backup}" in line for line in report.lines)
    assert wal_size() == 0
    assert hashlib.sha256(live_path().read_bytes()).hexdigest() == digest
    assert working_files() == []
    assert report.backup.exists()


def test_a_migration_that_breaks_an_integrity_rule_is_not_swapped_in(world, tmp_path):
    digest = checkpointed_digest()

    def orphaning_migration(working):
        with working.cursor() as cursor:
            cursor.execute("PRAGMA foreign_keys = OFF")
            cursor.execute("UPDATE goals SET parent_id = %s WHERE parent_id IS NOT NULL", ["f" * 32])

    report = safe_migrate(connection, tmp_path, migrate=orphaning_migration, progress=quiet)
    assert not report.ok
    assert any("broke" in line and "integrity rule" in line for line in report.lines)
    assert hashlib.sha256(live_path().read_bytes()).hexdigest() == digest
    assert working_files() == []


def test_a_working_copy_left_by_a_killed_run_is_removed_before_the_next_run(world, tmp_path):
    working = working_copy_path(live_path())
    working.write_bytes(b"half a database, cut short by a kill")
    working.with_name(working.name + "-wal").write_bytes(b"stale log")
    working.with_name(working.name + "-shm").write_bytes(b"stale index")
    before = snapshot()
    report = safe_migrate(connection, tmp_path, progress=quiet)
    assert report.ok, report.lines
    assert any(line.startswith("removed the working copy") for line in report.lines)
    assert working_files() == []
    assert diff(before, snapshot()) == ""


def test_a_working_copy_still_open_means_another_run_is_going_on_and_is_left_alone(world, tmp_path):
    working = working_copy_path(live_path())
    other_run = sqlite3.connect(working)
    try:
        other_run.execute("PRAGMA journal_mode=WAL")
        other_run.execute("CREATE TABLE being_migrated (id integer)")
        other_run.commit()
        report = safe_migrate(connection, tmp_path, progress=quiet)
        assert not report.ok and report.backup is None
        assert any("another safe_migrate running" in line for line in report.lines)
        assert working.exists()
    finally:
        other_run.close()
        working.unlink(missing_ok=True)


def holder_of(path):
    """A connection of another "process" that has read the database and stays open (the running app)."""
    holder = sqlite3.connect(path, timeout=0)
    holder.execute("SELECT COUNT(*) FROM goals").fetchone()
    return holder


def test_the_app_holding_the_database_open_makes_it_refuse_and_change_nothing(behind, tmp_path):
    before, tables, migrations = snapshot(), schema(), applied_migrations()
    holder = holder_of(live_path())
    try:
        assert wal_size() > 0, "the test needs changes still in the WAL, as a running app has"
        report = safe_migrate(connection, tmp_path, progress=quiet)
    finally:
        holder.close()
    assert not report.ok
    assert any("stop the app first" in line for line in report.lines)
    assert any(f"unchanged; the backup is {report.backup}" in line for line in report.lines)
    assert working_files() == []
    assert schema() == tables and applied_migrations() == migrations
    assert diff(before, snapshot()) == ""


def test_the_command_tells_to_stop_the_app_and_exits_with_1(behind, tmp_path):
    holder = holder_of(live_path())
    out = StringIO()
    try:
        with pytest.raises(CommandError, match="database is unchanged") as error:
            call_command("safe_migrate", output=str(tmp_path), stdout=out)
    finally:
        holder.close()
    assert error.value.returncode == 1
    assert "stop the app first" in out.getvalue()
    assert pending_migrations()


def test_an_app_that_opens_the_database_during_the_migration_stops_the_swap(behind, tmp_path):
    before, tables, migrations = snapshot(), schema(), applied_migrations()
    holders = []

    def migrate_while_the_app_starts(working):
        default_migrate(working)
        holders.append(holder_of(live_path()))

    try:
        report = safe_migrate(connection, tmp_path, migrate=migrate_while_the_app_starts, progress=quiet)
    finally:
        for holder in holders:
            holder.close()
    assert not report.ok
    assert any("stop the app first" in line for line in report.lines)
    assert working_files() == []
    assert schema() == tables and applied_migrations() == migrations
    assert pending_migrations()
    assert diff(before, snapshot()) == ""
    report = safe_migrate(connection, tmp_path, progress=quiet)
    assert report.ok, report.lines
    assert pending_migrations() == []
