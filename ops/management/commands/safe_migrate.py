from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from ops.backup import BackupError
from ops.safe_migrate import safe_migrate


class Command(BaseCommand):
    help = (
        "Back up, check for schema drift, migrate, check integrity and report. On any failure, or if "
        "the process is killed, the database is left as it was and the report names the backup. "
        "SQLite migrates a working copy and swaps it in: stop the app first."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--allow-drift", action="store_true", help="Migrate even if the schema has drifted.")
        parser.add_argument("--output", metavar="DIR", help="Folder for the backup (default: settings.BACKUP_DIR).")

    def handle(self, *args, **options):
        connection = connections[DEFAULT_DB_ALIAS]
        output = Path(options["output"] or settings.BACKUP_DIR)
        try:
            report = safe_migrate(
                connection, output, allow_drift=options["allow_drift"], progress=lambda line: self.stdout.write(line)
            )
        except BackupError as error:
            raise CommandError(f"No backup, no migration: {error}", returncode=1) from error
        for line in report.lines:
            self.stdout.write(f"  {line}")
        if not report.ok and report.backup is None:
            raise CommandError("safe_migrate did not start; nothing was changed.", returncode=1)
        if not report.ok:
            raise CommandError(
                f"safe_migrate did not complete; the database is unchanged. The backup taken first is "
                f"{report.backup} (restore it with: restore_db {report.backup})",
                returncode=1,
            )
        self.stdout.write(self.style.SUCCESS("safe_migrate finished."))
