from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from ops.schema_check import DRIFT, find_drift


class Command(BaseCommand):
    help = (
        "Compare the live database with the schema the applied migrations expect (tables, columns, "
        "types, nullability, indexes, constraints) and list pending migrations. Exit status 1 on drift."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="Database alias (default: default).")

    def handle(self, *args, **options):
        alias = options["database"]
        if alias not in connections:
            raise CommandError(f"Unknown database alias {alias!r}.", returncode=2)
        findings = find_drift(connections[alias])
        for finding in findings:
            label = "DRIFT" if finding.kind == DRIFT else "PENDING"
            self.stdout.write(f"{label} {finding}")
        if findings:
            drift = sum(1 for finding in findings if finding.kind == DRIFT)
            raise CommandError(
                f"{drift} drift(s) and {len(findings) - drift} pending migration(s) found.", returncode=1
            )
        self.stdout.write(self.style.SUCCESS("The database schema matches the migrations and the models."))
