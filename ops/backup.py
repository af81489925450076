"""Verified database backups and restores.

SQLite is copied with its online backup API (consistent while the app runs) and checked with
``PRAGMA integrity_check`` plus per-table row counts; PostgreSQL uses ``pg_dump -Fc`` checked
with ``pg_restore --list``.
"""

import datetime
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path


class BackupError(Exception):
    pass


def database_label(connection):
    name = str(connection.settings_dict["NAME"] or "database")
    if connection.vendor == "sqlite":
        if connection.is_in_memory_db():
            return "memory"
        return Path(name).name
    return name


def backup_path(connection, output_dir):
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now().strftime("%Y%m%d_%H%M%S")
    path = output_dir / f"{database_label(connection)}.backup_{stamp}"
    counter = 1
    while path.exists():
        path = output_dir / f"{database_label(connection)}.backup_{stamp}_{counter}"
        counter += 1
    return path


def _sqlite_raw(connection):
    connection.ensure_connection()
    return connection.connection


def sqlite_row_counts(raw):
    tables = [
        row[0]
        for row in raw.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    ]
    return {table: raw.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0] for table in sorted(tables)}


def check_sqlite_file(path):
    """Open a SQLite file read-only and return its row counts; raise BackupError if it is unsound."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path} does not exist.")
    try:
        raw = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            result = raw.execute("PRAGMA integrity_check").fetchall()
            if result != [("ok",)]:
                raise BackupError(f"{path} failed the integrity check: {result[:3]}")
            return sqlite_row_counts(raw)
        finally:
            raw.close()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not a readable SQLite database ({error}).") from error


def _pg_env(connection):
    settings = connection.settings_dict
    env = dict(os.environ)
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings["PASSWORD"])
    return env


def _pg_args(connection):
    settings = connection.settings_dict
    args = []
    if settings.get("HOST"):
        args += ["-h", str(settings["HOST"])]
    if settings.get("PORT"):
        args += ["-p", str(settings["PORT"])]
    if settings.get("USER"):
        args += ["-U", str(settings["USER"])]
    return args


def _run(command, env):
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed.")
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[:500]}")
    return result.stdout


def verify_backup(connection, path):
    """Check a backup file for ``connection``'s database vendor; returns a short description."""
    if connection.vendor == "sqlite":
        counts = check_sqlite_file(path)
        return f"integrity ok, {len(counts)} tables, {sum(counts.values())} rows"
    if connection.vendor == "postgresql":
        listing = _run(["pg_restore", "--list", str(path)], _pg_env(connection))
        entries = [line for line in listing.splitlines() if line and not line.startswith(";")]
        if not entries:
            raise BackupError(f"{path} lists no entries.")
        return f"pg_restore lists {len(entries)} entries"
    raise BackupError(f"Backups are not supported for {connection.vendor}.")


def backup_database(connection, output_dir):
    """Write a verified backup of ``connection``'s database into ``output_dir``; return its path."""
    path = backup_path(connection, output_dir)
    if connection.vendor == "sqlite":
        source = _sqlite_raw(connection)
        target = sqlite3.connect(path)
        # Count and copy inside one read transaction: both see the same moment (WAL snapshot),
        # so writes committed meanwhile by other connections neither fail the check nor leak in.
        own_transaction = not source.in_transaction
        try:
            if own_transaction:
                source.execute("BEGIN")
            expected = sqlite_row_counts(source)
            source.backup(target)
            # A backup is one self-contained file, whatever journal mode the live database uses.
            target.execute("PRAGMA journal_mode=DELETE")
        finally:
            if own_transaction and source.in_transaction:
                source.execute("ROLLBACK")
            target.close()
        try:
            actual = check_sqlite_file(path)
            if actual != expected:
                different = sorted(table for table in expected if expected[table] != actual.get(table))
                raise BackupError(f"Row counts differ after the backup in: {', '.join(different)}")
        except BackupError:
            path.unlink(missing_ok=True)
            raise
        return path
    if connection.vendor == "postgresql":
        name = connection.settings_dict["NAME"]
        _run(["pg_dump", "-Fc", "-f", str(path), *_pg_args(connection), name], _pg_env(connection))
        try:
            verify_backup(connection, path)
        except BackupError:
            path.unlink(missing_ok=True)
            raise
        return path
    raise BackupError(f"Backups are not supported for {connection.vendor}.")


def restore_database(connection, path):
    """Replace ``connection``'s database with the backup at ``path`` (verified first)."""
    verify_backup(connection, path)
    if connection.vendor == "sqlite":
        if connection.in_atomic_block:
            raise BackupError("Cannot restore inside a transaction.")
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            source.backup(_sqlite_raw(connection))
        finally:
            source.close()
        return
    name = connection.settings_dict["NAME"]
    # pg_restore --clean only replaces what the archive holds: drop tables created after the
    # backup so the database ends up exactly as it was.
    listing = _run(["pg_restore", "--list", str(path)], _pg_env(connection))
    archived = set()
    for line in listing.splitlines():
        parts = line.split()
        if not line.startswith(";") and "TABLE" in parts[:4] and len(parts) > parts.index("TABLE") + 2:
            archived.add(parts[parts.index("TABLE") + 2])
    with connection.cursor() as cursor:
        extra = [table for table in connection.introspection.table_names(cursor) if table not in archived]
        for table in extra:
            cursor.execute(f"DROP TABLE IF EXISTS {connection.ops.quote_name(table)} CASCADE")
    connection.close()
    _run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "-d",
            name,
            *_pg_args(connection),
            str(path),
        ],
        _pg_env(connection),
    )
