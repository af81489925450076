"""Upgrade the schema without risking data: backup → drift check → migrate → checks → report.

If anything fails after the backup, the database goes back to how it was (SQLite: restored from
the backup just taken; PostgreSQL: all migrations run in one transaction that is rolled back),
and the report names the backup file.
"""

from dataclasses import dataclass, field

from django.core.management import call_command
from django.db import DatabaseError, transaction

from goals.schema_check import DRIFT, find_drift

from .backup import backup_database, restore_database
from .integrity import find_problems


@dataclass
class MigrationReport:
    backup: object = None
    ok: bool = False
    lines: list = field(default_factory=list)

    def add(self, line):
        self.lines.append(line)


class MigrationRefused(Exception):
    pass


def _integrity_snapshot():
    try:
        return {str(problem) for problem in find_problems()}
    except DatabaseError:
        return None  # tables not created yet: nothing to compare with


def default_migrate(connection):
    call_command("migrate", database=connection.alias, interactive=False, verbosity=0)


def safe_migrate(connection, backup_dir, allow_drift=False, migrate=None, progress=print):
    migrate = migrate or default_migrate
    report = MigrationReport()
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
    before = _integrity_snapshot()

    progress("3/3 migrating, then checking the schema and integrity again …")
    try:
        if connection.vendor == "postgresql":
            # DDL is transactional here: one transaction for every migration, all or nothing.
            with transaction.atomic(using=connection.alias):
                migrate(connection)
                _verify_after(connection, before, allow_drift, report)
        else:
            try:
                migrate(connection)
                _verify_after(connection, before, allow_drift, report)
            except BaseException:
                if connection.in_atomic_block:
                    transaction.set_rollback(True, using=connection.alias)
                restore_database(connection, report.backup)
                raise
    except MigrationRefused as error:
        report.add(f"failed: {error}")
        report.add(f"the database was put back as it was; the backup is {report.backup}")
        return report
    except Exception as error:
        report.add(f"failed: {type(error).__name__}: {error}")
        report.add(f"the database was put back as it was; the backup is {report.backup}")
        return report
    report.ok = True
    report.add("migrated: the schema matches the migrations")
    return report


def _verify_after(connection, before, allow_drift, report):
    progress_drift = [finding for finding in find_drift(connection) if finding.kind == DRIFT]
    if progress_drift and not allow_drift:
        raise MigrationRefused(f"the schema drifts after migrating: {progress_drift[0]}")
    after = {str(problem) for problem in find_problems()}
    new = sorted(after - (before or set()))
    if new:
        raise MigrationRefused(f"the migration broke {len(new)} integrity rule(s), e.g. {new[0]}")
    for problem in sorted(after):
        report.add(f"integrity (already there before): {problem}")
