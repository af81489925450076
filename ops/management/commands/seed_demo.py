from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from goals.models import Goal
from ops.demo import DEMO_PASSWORD, DEMO_USERNAME, seed_demo


class Command(BaseCommand):
    help = "Create a demo user with a realistic fractal: goals, activities, a template and two weeks of sessions."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already has users or fractals (used by `make run`).",
        )

    def handle(self, *args, if_empty=False, **options):
        users = get_user_model().objects
        if if_empty and (users.exists() or Goal.all_objects.exists()):
            self.stdout.write("The database already has data; demo not loaded.")
            return
        if users.filter(username=DEMO_USERNAME).exists():
            raise CommandError(f"A user named {DEMO_USERNAME!r} already exists; the demo is loaded once.")
        self.stdout.write("Loading the demo fractal...")
        user, root = seed_demo()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo loaded: sign in as {user.username!r} with password {DEMO_PASSWORD!r} and open “{root.name}”."
            )
        )
