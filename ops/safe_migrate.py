"""Upgrade the schema without risking data: backup → drift check → migrate → checks → report.

The live database is never left half-migrated, even if the process is killed (SIGKILL, power
loss) in the middle:

- PostgreSQL: DDL is transactional, so every migration and the checks after them run in one
  transaction. A failure rolls it back; a killed process leaves the server to roll it back.
- SQLite: Django cannot run SQLite schema changes inside one outer transaction, so the live file
  is not migrated at all. A working copy is made next to it (``<name>.migrating``, with SQLite's
  online backup API), migrated and checked under a temporary connection alias, and only when
  every check passes does it atomically replace the live file (``os.replace`` on the same
  filesystem, after fsync). Before the replace the live file is untouched; a failure or a kill
  leaves at most the working copy behind, which the next run deletes. The replace is refused,
  changing nothing, while another process (the running app) still has the database open.

A verified backup is taken first either way and the report names it.
"""

import copy
import os
import sqlite3
import stat
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.core.management import call_command
from django.db import DatabaseError, connections, transaction
from django.db.utils import ConnectionDoesNotExist, load_backend

from goals.integrity import find_problems
from ops.schema_check import DRIFT, find_drift

from .backup import backup_database

WORKING_COPY_SUFFIX = ".migrating"
# What SQLite may keep beside a database file: WAL, its shared-memory index, a rollback journal.
SIDE_FILES = ("-wal", "-shm", "-journal")


@dataclass
class MigrationReport:
    backup: object = None
    ok: bool = False
    lines: list = field(default_factory=list)

    def add(self, line):
        self.lines.append(line)


class MigrationRefused(Exception):
    pass


class DatabaseInUse(MigrationRefused):
    pass


def _integrity_snapshot(connection):
    try:
        return {str(problem) for problem in find_problems(using=connection.alias)}
    except DatabaseError:
        return None  # tables not created yet: nothing to compare with


def default_migrate(connection):
    call_command("migrate", database=connection.alias, interactive=False, verbosity=0)


def safe_migrate(connection, backup_dir, allow_drift=False, migrate=None, progress=print):
    """Back up, check, migrate and check ``connection``'s database; returns a MigrationReport.

    ``migrate(connection)`` runs the migrations (default: Django's ``migrate``); on SQLite it is
    given the working copy's connection, never the live database's.
    """
    migrate = migrate or default_migrate
    report = MigrationReport()
    sqlite = connection.vendor == "sqlite"
    if sqlite:
        problem = _sqlite_precondition(connection)
        if problem:
            report.add(f"refused: {problem}; nothing was changed")
            return report
        live = Path(connection.settings_dict["NAME"])
        try:
            if remove_working_copy(live):
                report.add(f"removed the working copy an interrupted run left behind: {working_copy_path(live)}")
        except DatabaseInUse as error:
            report.add(f"refused: {error}; nothing was changed")
            return report

    progress("1/3 backing up …")
    report.backup = backup_database(connection, backup_dir)
    report.add(f"backup: {report.backup}")

    progress("2/3 checking the schema …")
    findings = find_drift(connection)
    drift = [finding for finding in findings if finding.kind == DRIFT]
    pending = len(findings) - len(drift)
    report.add(f"pending migrations: {pending}")
    for finding in drift:
        report.add(f"drift: {finding}")
    if drift and not allow_drift:
        report.add("refused: the schema has drifted from the migrations; nothing was migrated (see --allow-drift)")
        return report
    before = _integrity_snapshot(connection)

    if sqlite:
        progress("3/3 migrating a working copy, checking it, then swapping it in …")
    else:
        progress("3/3 migrating, then checking the schema and integrity again …")
    try:
        if sqlite:
            _migrate_sqlite_copy(connection, before, allow_drift, migrate, report)
        else:
            # DDL is transactional here: one transaction for every migration, all or nothing.
            with transaction.atomic(using=connection.alias):
                migrate(connection)
                _verify_after(connection, before, allow_drift, report)
    except DatabaseInUse as error:
        report.add(f"refused: {error}")
        report.add(f"the database is unchanged; the backup is {report.backup}")
        return report
    except MigrationRefused as error:
        report.add(f"failed: {error}")
        report.add(f"the database is unchanged; the backup is {report.backup}")
        return report
    except Exception as error:
        report.add(f"failed: {type(error).__name__}: {error}")
        report.add(f"the database is unchanged; the backup is {report.backup}")
        return report
    report.ok = True
    report.add("migrated: the schema matches the migrations")
    return report


def _verify_after(connection, before, allow_drift, report):
    progress_drift = [finding for finding in find_drift(connection) if finding.kind == DRIFT]
    if progress_drift and not allow_drift:
        raise MigrationRefused(f"the schema drifts after migrating: {progress_drift[0]}")
    after = {str(problem) for problem in find_problems(using=connection.alias)}
    new = sorted(after - (before or set()))
    if new:
        raise MigrationRefused(f"the migration broke {len(new)} integrity rule(s), e.g. {new[0]}")
    for problem in sorted(after):
        report.add(f"integrity (already there before): {problem}")


# --- SQLite: migrate a working copy, swap it in atomically -------------------------------------


def working_copy_path(live):
    return _side_file(live, WORKING_COPY_SUFFIX)


def _side_file(path, suffix):
    path = Path(path)
    return path.with_name(path.name + suffix)


def _sqlite_precondition(connection):
    if connection.is_in_memory_db():
        return "an in-memory SQLite database cannot be migrated through a working copy"
    if connection.in_atomic_block:
        return "safe_migrate cannot run inside a transaction"
    return None


def _held_by_someone(path):
    """True if another connection (any process) has the SQLite file at ``path`` open.

    An exclusive lock is only granted when nobody else holds the file, readers included (in WAL
    mode every open connection keeps a lock); ``timeout=0`` so a busy database answers at once.
    """
    probe = sqlite3.connect(path, timeout=0)
    try:
        probe.execute("PRAGMA locking_mode=EXCLUSIVE")
        probe.execute("BEGIN EXCLUSIVE")
        probe.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError as error:
        if "locked" in str(error) or "busy" in str(error):
            return True
        raise
    finally:
        probe.close()  # as the last connection, this checkpoints and removes a WAL


def remove_working_copy(live):
    """Delete the working copy of ``live`` (and its side files); True if there was one.

    Raises DatabaseInUse if the copy is open: another safe_migrate is running.
    """
    working = working_copy_path(live)
    leftovers = [working, *(_side_file(working, suffix) for suffix in SIDE_FILES)]
    if not any(path.exists() for path in leftovers):
        return False
    if working.exists():
        try:
            busy = _held_by_someone(working)
        except sqlite3.DatabaseError:
            busy = False  # a copy cut short while being written: not a database, just delete it
        if busy:
            raise DatabaseInUse(f"{working} is in use: is another safe_migrate running?")
    for path in leftovers:
        path.unlink(missing_ok=True)
    return True


def _copy_sqlite(connection, target_path):
    """A consistent copy of the live database at ``target_path`` (SQLite's online backup API)."""
    connection.ensure_connection()
    target = sqlite3.connect(target_path)
    try:
        connection.connection.backup(target)
    finally:
        target.close()


@contextmanager
def _connection_to(connection, name):
    """A temporary Django connection with ``connection``'s settings, to the database file ``name``.

    It is registered under its own alias (so ``migrate --database`` and querysets can use it) but
    not added to ``settings.DATABASES``: nothing else iterates over it, and it is closed here.
    """
    alias = f"{connection.alias}__safe_migrate"
    try:
        connections[alias]
    except ConnectionDoesNotExist:
        pass
    else:
        raise MigrationRefused(f"the connection alias {alias!r} is already in use")
    settings_dict = copy.deepcopy(connection.settings_dict)
    settings_dict["NAME"] = str(name)
    working = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, alias)
    connections[alias] = working
    try:
        yield working
    finally:
        try:
            working.close()
        finally:
            del connections[alias]


def _sqlite_integrity(connection):
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA integrity_check")
        result = cursor.fetchall()
    if result != [("ok",)]:
        raise MigrationRefused(f"the migrated copy fails SQLite's integrity check: {result[:3]}")


def _checkpoint(connection):
    """Move everything from the copy's WAL into its main file and empty the WAL."""
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        busy, _, _ = cursor.fetchone()
    if busy:
        raise MigrationRefused("the working copy's WAL could not be checkpointed")


def _fsync(path):
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _keep_permissions(live, working):
    """Give the copy the live file's mode (and owner, where allowed): the app must still open it."""
    status = live.stat()
    os.chmod(working, stat.S_IMODE(status.st_mode))
    if (status.st_uid, status.st_gid) != (os.getuid(), os.getgid()):
        try:
            os.chown(working, status.st_uid, status.st_gid)
        except PermissionError as error:
            raise MigrationRefused(
                f"cannot give the migrated copy the owner of {live}; run safe_migrate as that user"
            ) from error


def _remove_empty_side_files(path):
    """Drop a WAL left empty and the shared-memory index beside it: neither holds any data."""
    wal, shm = _side_file(path, "-wal"), _side_file(path, "-shm")
    if wal.exists() and wal.stat().st_size > 0:
        raise MigrationRefused(f"{wal} still holds changes that are not in {path}")
    wal.unlink(missing_ok=True)
    shm.unlink(missing_ok=True)


def _migrate_sqlite_copy(connection, before, allow_drift, migrate, report):
    live = Path(connection.settings_dict["NAME"])
    working = working_copy_path(live)
    replaced = False
    try:
        _copy_sqlite(connection, working)
        with _connection_to(connection, working) as working_connection:
            migrate(working_connection)
            _verify_after(working_connection, before, allow_drift, report)
            _sqlite_integrity(working_connection)
            _checkpoint(working_connection)
        # Closed: the copy is one self-contained file now.
        _remove_empty_side_files(working)

        connection.close()
        if _held_by_someone(live):
            raise DatabaseInUse(
                "the database is open in another process (the running app?): stop the app first, "
                "then run safe_migrate again"
            )
        # Nobody holds the live file, so a WAL beside it is stale: empty, or refused above.
        _remove_empty_side_files(live)
        _keep_permissions(live, working)
        _fsync(working)
        os.replace(working, live)
        replaced = True
        _fsync(live.parent)
        report.add(f"replaced {live} with its migrated working copy")
    finally:
        if not replaced:
            for path in [working, *(_side_file(working, suffix) for suffix in SIDE_FILES)]:
                path.unlink(missing_ok=True)
