"""Data survives faults: a backup taken during writes is consistent, and an import or a schema
upgrade killed half-way (SIGKILL, no chance to clean up) leaves the database exactly as it was.
"""

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command, get_commands
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from goals.models import Goal
from ops.safe_migrate import remove_working_copy, working_copy_path
from sessions.models import PracticeSession

from .legacy import build_state_b
from .world import build_world, diff, make_user, snapshot

pytestmark = pytest.mark.django_db(transaction=True)

needs = {
    command: pytest.mark.skipif(
        command not in get_commands(), reason=f"pending: {command} is not on main yet (issue 6)"
    )
    for command in ("backup_db", "import_legacy", "safe_migrate")
}


def is_sqlite():
    return connection.vendor == "sqlite"


@needs["backup_db"]
@pytest.mark.skipif("not is_sqlite()", reason="the PostgreSQL backup is pg_dump's own snapshot; SQLite is checked here")
def test_a_backup_taken_while_writes_run_is_a_consistent_moment(tmp_path):
    world = build_world(make_user("writer"), "WRITER")
    stop, written, errors = threading.Event(), [], []

    def write():
        try:
            while not stop.is_set() and len(written) < 2000:
                # Each session and its two sections are one transaction: a consistent backup has
                # either all three rows or none.
                session = PracticeSession.create(
                    world.root, [world.goal], f"WRITER run {len(written)}", sections=[("one", 5), ("two", 5)]
                )
                written.append(session.pk)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    writer = threading.Thread(target=write)
    writer.start()
    try:
        while len(written) < 20:
            time.sleep(0.01)
        counts_before = len(written)
        for index in range(3):
            call_command("backup_db", "--output", str(tmp_path / f"run{index}"), stdout=StringIO())
        counts_after = len(written)
    finally:
        stop.set()
        writer.join(timeout=60)
    assert errors == []
    backups = sorted(tmp_path.glob("run*/*backup_*"))
    assert len(backups) == 3
    for backup in backups:
        db = sqlite3.connect(backup)
        try:
            assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            sessions = db.execute("SELECT id FROM practice_sessions WHERE name LIKE 'WRITER run %'").fetchall()
            sections = db.execute(
                "SELECT COUNT(*) FROM session_sections WHERE session_id IN "
                "(SELECT id FROM practice_sessions WHERE name LIKE 'WRITER run %')"
            ).fetchone()[0]
        finally:
            db.close()
        assert counts_before <= len(sessions) <= counts_after + 1
        assert sections == 2 * len(sessions), "a backup caught a session without all of its sections"


def database_url():
    config = connection.settings_dict
    if is_sqlite():
        return f"sqlite:///{config['NAME']}"
    return f"postgres://{config['USER']}:{config['PASSWORD']}@{config['HOST']}:{config['PORT']}/{config['NAME']}"


def writer_holds_the_database():
    """True once another process has started writing (holds SQLite's write lock, or a PostgreSQL xid)."""
    if is_sqlite():
        probe = sqlite3.connect(connection.settings_dict["NAME"], timeout=0)
        try:
            probe.execute("BEGIN IMMEDIATE")
            probe.execute("ROLLBACK")
            return False
        except sqlite3.OperationalError:
            return True
        finally:
            probe.close()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0] > 0


@needs["import_legacy"]
def test_killing_import_legacy_half_way_leaves_the_database_unchanged(tmp_path):
    build_world(make_user("bystander"), "BYSTANDER")
    importer = make_user("importer")
    legacy = tmp_path / "big_goals.db"
    build_state_b(legacy, sessions=3000)
    before = snapshot()
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "goals_project.settings",
        "ENV": "testing",
        "DATABASE_URL": database_url(),
    }
    process = subprocess.Popen(
        [sys.executable, "manage.py", "import_legacy", str(legacy), "--owner", importer.username],
        cwd=settings.BASE_DIR,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 120
        while not writer_holds_the_database():
            assert process.poll() is None, "the import finished before it could be killed: use a bigger file"
            assert time.monotonic() < deadline, "the import never started writing"
            time.sleep(0.01)
        time.sleep(0.2)  # well inside the write
        assert process.poll() is None, "the import finished before it could be killed: use a bigger file"
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == -signal.SIGKILL
    connection.close()
    assert diff(before, snapshot()) == ""
    assert not Goal.all_objects.filter(root__owner=importer).exists()
    if is_sqlite():
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA integrity_check")
            assert cursor.fetchall() == [("ok",)]


# Runs safe_migrate like an operator would, but stalls right after the first migration is applied
# (announcing it through the marker file) so the test can kill it there. Test-only: the patch
# lives in this driver, not in the product.
KILL_DRIVER = """
import sys
import time
from pathlib import Path

base_dir, marker, backups = sys.argv[1:4]
sys.path.insert(0, base_dir)

import django

django.setup()

from django.core.management import call_command
from django.db.migrations.executor import MigrationExecutor

apply_migration = MigrationExecutor.apply_migration


def apply_then_stall(self, state, migration, *args, **kwargs):
    state = apply_migration(self, state, migration, *args, **kwargs)
    Path(marker).write_text(f"{migration.app_label} {migration.name}")
    time.sleep(600)
    return state


MigrationExecutor.apply_migration = apply_then_stall
call_command("safe_migrate", "--output", backups)
"""


def schema_snapshot():
    """Tables, columns, indexes and constraints as the database reports them, plus the migration log."""
    with connection.cursor() as cursor:
        if is_sqlite():
            cursor.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name")
            state = {"sqlite_master": cursor.fetchall()}
        else:
            cursor.execute(
                "SELECT table_name, column_name, data_type, is_nullable, column_default "
                "FROM information_schema.columns WHERE table_schema = current_schema() ORDER BY 1, 2"
            )
            state = {"columns": cursor.fetchall()}
            cursor.execute("SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()")
            state["indexes"] = sorted(cursor.fetchall())
            cursor.execute(
                "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE connamespace = current_schema()::regnamespace"
            )
            state["constraints"] = sorted(cursor.fetchall())
        cursor.execute("SELECT app, name, applied FROM django_migrations ORDER BY id")
        state["django_migrations"] = cursor.fetchall()
    return state


def pending_migrations():
    executor = MigrationExecutor(connection)
    return [
        f"{migration.app_label} {migration.name}"
        for migration, _ in executor.migration_plan(executor.loader.graph.leaf_nodes())
    ]


@needs["safe_migrate"]
@pytest.mark.usefixtures("own_database_file")
def test_killing_safe_migrate_between_two_migrations_leaves_the_database_unchanged(tmp_path):
    build_world(make_user("bystander"), "BYSTANDER")
    process = None
    try:
        # A few migrations behind, with data in the tables they change.
        call_command("migrate", "goals", "0001", verbosity=0)
        pending = pending_migrations()
        assert len(pending) >= 2, "the kill must fall between two migrations"
        before, schema_before = snapshot(), schema_snapshot()
        driver, marker = tmp_path / "driver.py", tmp_path / "first_migration_applied"
        driver.write_text(KILL_DRIVER)
        environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "goals_project.settings",
            "ENV": "testing",
            "DATABASE_URL": database_url(),
        }
        connection.close()
        process = subprocess.Popen(
            [sys.executable, str(driver), str(settings.BASE_DIR), str(marker), str(tmp_path / "backups")],
            cwd=settings.BASE_DIR,
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 120
        while not marker.exists():
            if process.poll() is not None:
                pytest.fail(f"safe_migrate ended before it could be killed: {process.stderr.read().decode()[-2000:]}")
            assert time.monotonic() < deadline, "safe_migrate never applied a migration"
            time.sleep(0.02)
        assert marker.read_text() == pending[0]
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        assert process.returncode == -signal.SIGKILL

        connection.close()
        assert schema_snapshot() == schema_before
        assert pending_migrations() == pending
        assert diff(before, snapshot()) == ""
        if is_sqlite():
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA integrity_check")
                assert cursor.fetchall() == [("ok",)]
            # What the kill left behind is the half-migrated working copy, never the live file.
            assert working_copy_path(connection.settings_dict["NAME"]).exists()

        # The next ordinary run cleans up and brings the schema to the latest migrations.
        out = StringIO()
        call_command("safe_migrate", "--output", str(tmp_path / "backups"), stdout=out)
        assert "safe_migrate finished" in out.getvalue()
        assert pending_migrations() == []
        assert diff(before, snapshot()) == ""
        if is_sqlite():
            assert "removed the working copy" in out.getvalue()
            assert not working_copy_path(connection.settings_dict["NAME"]).exists()
    finally:
        if process is not None and process.poll() is None:
            process.kill()
            process.wait()
        connection.close()
        if is_sqlite():
            remove_working_copy(connection.settings_dict["NAME"])
        call_command("migrate", verbosity=0)  # the tests after this one need the latest schema
