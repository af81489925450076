"""``manage.py generate_data``: write a synthetic fractal of a chosen size (see ``ops.datagen``)."""

import time

from django.core.management.base import BaseCommand, CommandError

from ops.datagen import SHAPES, generate_fractal, get_or_create_owner


class Command(BaseCommand):
    help = (
        "Generate a realistic synthetic fractal (goal tree, activity library, templates, sessions over "
        "years with timed instances and values, targets) in bulk. Reference size: --goals 5000 "
        "--sessions 2000 --instances-per-session 5 --values-per-instance 3."
    )

    def add_arguments(self, parser):
        parser.add_argument("--goals", type=int, default=5000, help="Goals in the tree, root included.")
        parser.add_argument("--sessions", type=int, default=2000, help="Practice sessions.")
        parser.add_argument("--instances-per-session", type=int, default=5, help="Activity instances per session.")
        parser.add_argument(
            "--values-per-instance",
            type=int,
            default=3,
            help="Recorded values per instance (fewer for activities without sets that have fewer cells).",
        )
        parser.add_argument("--owner", default="generated", help="Username owning the fractal (created if missing).")
        parser.add_argument(
            "--shape",
            choices=SHAPES,
            default="rotating",
            help="rotating: activities enter and leave use, the library grows with the history (default); "
            "log: a fixed library of 40 activities used across the whole history, as in a real practice log.",
        )
        parser.add_argument("--seed", type=int, default=0, help="Random seed; the same seed gives the same data.")

    def handle(self, *args, **options):
        started = time.perf_counter()
        owner, created = get_or_create_owner(options["owner"])
        if created:
            self.stdout.write(
                f"Created user “{owner.username}” without a password; "
                f"set one with `manage.py changepassword {owner.username}` to sign in."
            )
        last = {}

        def progress(stage, done, total):
            if last.get(stage) != done:
                last[stage] = done
                self.stdout.write(f"  {stage:<20} {done:>8}/{total}")

        try:
            result = generate_fractal(
                owner,
                goals=options["goals"],
                sessions=options["sessions"],
                instances_per_session=options["instances_per_session"],
                values_per_instance=options["values_per_instance"],
                seed=options["seed"],
                shape=options["shape"],
                progress=progress,
            )
        except ValueError as error:
            raise CommandError(str(error)) from None
        elapsed = time.perf_counter() - started
        rows = sum(result.counts.values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated “{result.root.name}” ({result.root.pk}) for {owner.username}: "
                f"{rows} rows in {elapsed:.1f} s."
            )
        )
