from django.core.management.base import BaseCommand, CommandError

from goals.integrity import find_problems, repair


class Command(BaseCommand):
    help = (
        "Check every fractal-scoped row: roots equal their parent's root, no cross-fractal links, no orphans, "
        "no live row under a deleted parent, timers and sessions in time order. --fix repairs what can be "
        "derived, in one transaction. Exit status 1 when problems remain."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true", help="Repair what can be derived and say what changed.")

    def handle(self, *args, **options):
        self.stdout.write("Checking integrity …")
        problems = find_problems()
        for problem in problems:
            self.stdout.write(f"PROBLEM {problem}")
        if options["fix"] and any(problem.fixable for problem in problems):
            for change in repair():
                self.stdout.write(f"FIXED {change}")
            problems = find_problems()
            for problem in problems:
                self.stdout.write(f"REMAINS {problem}")
        if problems:
            fixable = sum(1 for problem in problems if problem.fixable)
            hint = " Run with --fix to repair them." if fixable and not options["fix"] else ""
            raise CommandError(f"{len(problems)} integrity problem(s), {fixable} repairable.{hint}", returncode=1)
        self.stdout.write(self.style.SUCCESS("No integrity problems found."))
