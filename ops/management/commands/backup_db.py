from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from ops.backup import BackupError, backup_database, verify_backup


class Command(BaseCommand):
    help = (
        "Write a consistent, verified backup of the database to BACKUP_DIR (or --output) as "
        "<db>.backup_YYYYMMDD_HHMMSS. SQLite: online backup API; PostgreSQL: pg_dump -Fc."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--output", metavar="DIR", help="Folder for the backup (default: settings.BACKUP_DIR).")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="Database alias (default: default).")

    def handle(self, *args, **options):
        alias = options["database"]
        if alias not in connections:
            raise CommandError(f"Unknown database alias {alias!r}.", returncode=2)
        output = Path(options["output"] or settings.BACKUP_DIR)
        if output.exists() and not output.is_dir():
            raise CommandError(f"{output} is not a folder.", returncode=2)
        connection = connections[alias]
        self.stdout.write(f"Backing up {alias} ({connection.vendor}) to {output} …")
        try:
            path = backup_database(connection, output)
            summary = verify_backup(connection, path)
        except BackupError as error:
            raise CommandError(f"Backup failed: {error}", returncode=1) from error
        self.stdout.write(self.style.SUCCESS(f"Backup written and verified ({summary}): {path}"))
        return None
