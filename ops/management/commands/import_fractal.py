from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from ops.portability import PortabilityError, import_fractal, load_document


class Command(BaseCommand):
    help = "Import a fractal written by export_fractal. Refused, with nothing written, when its rows exist already."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE", help="The exported JSON document.")
        parser.add_argument("--owner", metavar="USERNAME", help="Owner of the fractal (default: the exported owner).")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path} does not exist.", returncode=2)
        try:
            document = load_document(path.read_text(encoding="utf-8"))
        except (PortabilityError, UnicodeDecodeError) as error:
            raise CommandError(f"Refused: {error}.", returncode=1) from error
        username = options["owner"] or document.get("owner")
        User = get_user_model()
        try:
            owner = User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(f"There is no user {username!r}; pass --owner.", returncode=2) from None
        try:
            counts = import_fractal(document, owner, progress=self.stdout.write)
        except PortabilityError as error:
            raise CommandError(f"Refused: {error}.", returncode=1) from error
        self.stdout.write(self.style.SUCCESS(f"Imported {sum(counts.values())} rows for {owner.get_username()}."))
