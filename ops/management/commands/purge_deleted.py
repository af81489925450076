from django.core.management.base import BaseCommand, CommandError

from ops.purge import purge_deleted


class Command(BaseCommand):
    help = (
        "Hard-delete rows that have been in the trash for more than DAYS days (children first). Rows still "
        "referenced by live data are kept and reported. Counts are printed per table."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--older-than", type=int, required=True, metavar="DAYS", dest="days")
        parser.add_argument("--dry-run", action="store_true", help="Report what would be deleted; change nothing.")

    def handle(self, *args, **options):
        if options["days"] < 0:
            raise CommandError("--older-than must be 0 or more days.", returncode=2)
        result = purge_deleted(options["days"], dry_run=options["dry_run"], progress=self.stdout.write)
        verb = "would delete" if options["dry_run"] else "deleted"
        if not result.deleted:
            self.stdout.write(f"Nothing in the trash is older than {options['days']} day(s).")
        for label, count in sorted(result.deleted.items()):
            self.stdout.write(f"{label}: {verb} {count}")
        for table, row_id, reason in result.kept:
            self.stdout.write(f"KEPT {table} {row_id}: {reason}")
        if options["dry_run"]:
            self.stdout.write(self.style.WARNING("Dry run: nothing was deleted."))
