from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from goals.models import Goal
from ops.legacy.convert import as_uuid
from ops.portability import PortabilityError, dumps, export_fractal


class Command(BaseCommand):
    help = "Write one fractal (every row, deleted ones included, and all links) as a versioned JSON document."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("root_id", metavar="ROOT_ID", help="Id of the fractal's root goal.")
        parser.add_argument("-o", "--output", metavar="FILE", help="Write to FILE instead of standard output.")

    def handle(self, *args, **options):
        root_id = as_uuid(options["root_id"])
        if root_id is None:
            raise CommandError(f"{options['root_id']!r} is not a goal id.", returncode=2)
        root = Goal.all_objects.filter(pk=root_id).first()
        if root is None:
            raise CommandError(f"There is no goal {root_id}.", returncode=1)
        stderr = self.stderr if options["output"] else None
        try:
            document = export_fractal(root, progress=stderr.write if stderr else None)
        except PortabilityError as error:
            raise CommandError(str(error), returncode=1) from error
        text = dumps(document)
        if options["output"]:
            Path(options["output"]).write_text(text, encoding="utf-8")
            total = sum(document["counts"].values())
            self.stdout.write(self.style.SUCCESS(f"Exported {total} rows of “{root.name}” to {options['output']}."))
        else:
            self.stdout.write(text)
