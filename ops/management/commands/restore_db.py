import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from ops.backup import BackupError, restore_database, verify_backup


class Command(BaseCommand):
    help = "Replace the database with a backup written by backup_db. The file is verified first."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE", help="The backup file.")
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")
        parser.add_argument("--noinput", "--no-input", action="store_false", dest="interactive", help="Never prompt.")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="Database alias (default: default).")

    def handle(self, *args, **options):
        alias = options["database"]
        if alias not in connections:
            raise CommandError(f"Unknown database alias {alias!r}.", returncode=2)
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path} does not exist.", returncode=2)
        connection = connections[alias]
        try:
            summary = verify_backup(connection, path)
        except BackupError as error:
            raise CommandError(f"Refusing to restore: {error}", returncode=1) from error
        self.stdout.write(f"{path}: {summary}.")
        if not options["yes"]:
            if not options["interactive"] or not sys.stdin.isatty():
                raise CommandError("Restoring needs --yes when there is no prompt.", returncode=2)
            answer = input(f"This replaces everything in database {alias!r} with {path.name}. Type 'yes' to go on: ")
            if answer.strip().lower() != "yes":
                raise CommandError("Restore cancelled; nothing changed.", returncode=1)
        try:
            restore_database(connection, path)
        except BackupError as error:
            raise CommandError(f"Restore failed: {error}", returncode=1) from error
        self.stdout.write(self.style.SUCCESS(f"Database {alias!r} restored from {path}."))
