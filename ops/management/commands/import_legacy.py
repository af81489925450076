import json
import zoneinfo
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from ops.legacy import LegacyFileError, import_legacy


class Command(BaseCommand):
    help = (
        "Import a goals.db written by the old Flask app (schema state A, B or C) for one owner, in one "
        "transaction, keeping ids. Re-running imports nothing twice. Ends with a per-table report."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("path", metavar="PATH", help="The old goals.db file.")
        parser.add_argument("--owner", required=True, metavar="USERNAME", help="The user who will own the fractals.")
        parser.add_argument(
            "--source-tz",
            default="UTC",
            metavar="ZONE",
            help="Time zone of the naive created_at/updated_at times in the file (default: UTC).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Run everything, then roll back.")
        parser.add_argument(
            "--ignore-table",
            action="append",
            default=[],
            metavar="NAME",
            help="Import the file although table NAME (or column TABLE.COLUMN) holds data this version does "
            "not read; the report lists it as skipped. Repeatable.",
        )
        parser.add_argument("--report", metavar="FILE", help="Also write the full report (every repair) as JSON.")

    def handle(self, *args, **options):
        if not Path(options["path"]).is_file():
            raise CommandError(f"{options['path']} does not exist or is not a file.", returncode=2)
        try:
            owner = get_user_model().objects.get(username=options["owner"])
        except get_user_model().DoesNotExist:
            raise CommandError(f"There is no user {options['owner']!r}.", returncode=2) from None
        try:
            zoneinfo.ZoneInfo(options["source_tz"])
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise CommandError(f"{options['source_tz']!r} is not a known time zone.", returncode=2) from None
        try:
            report = import_legacy(
                options["path"],
                owner,
                source_tz=options["source_tz"],
                dry_run=options["dry_run"],
                ignore=options["ignore_table"],
                progress=lambda line: self.stdout.write(line),
            )
        except LegacyFileError as error:
            raise CommandError(f"Refused: {error} Nothing was written.", returncode=1) from error
        if options["report"]:
            Path(options["report"]).write_text(json.dumps(report.as_dict(), indent=2, default=str))
        self.stdout.write(f"Schema state {report.state} of {report.path}")
        for line in report.lines():
            self.stdout.write(line)
        if report.dry_run:
            self.stdout.write(self.style.WARNING("Dry run: everything was rolled back; nothing was written."))
        else:
            self.stdout.write(self.style.SUCCESS("Import finished."))
