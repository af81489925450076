"""``manage.py benchmark``: time the pages and endpoints on generated data and check the budgets.

Run it against a dedicated database, never one with real data: it adds large generated
fractals (owners ``benchmark-reference`` / ``benchmark-10x``) and reuses them on later runs.
For example ``ENV=testing .venv/bin/python manage.py benchmark --size reference`` (the testing
profile's ``goals_test.db``) or ``DATABASE_URL=sqlite:////tmp/bench.db``. See docs/PERFORMANCE.md.
"""

import json
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from ops import benchmark


class Command(BaseCommand):
    help = (
        "Build (or reuse) a generated dataset in the CURRENT database and measure median/p95 time and "
        "SQL query counts of the main pages and endpoints against the performance budgets. Use a "
        "dedicated database (ENV=testing or DATABASE_URL); refused under ENV=production."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--size",
            choices=["reference", "10x", "tiny"],
            default="reference",
            help="reference: 5,000 goals / 2,000 sessions; 10x also measures the reference set and compares. "
            "tiny is for smoke tests.",
        )
        parser.add_argument(
            "--shape",
            choices=[*benchmark.SHAPES, "both"],
            default="both",
            help="rotating: activities in rotation, the library grows with the history; log: a fixed library "
            "of about 40 activities used across the whole history (a real log's shape); both (default).",
        )
        parser.add_argument("--repeat", type=int, default=20, help="Timed requests per measurement (default 20).")
        parser.add_argument("--json", dest="json_file", help="Write the figures to this JSON file.")
        parser.add_argument(
            "--explain",
            action="store_true",
            help="Also show the query plans (EXPLAIN QUERY PLAN / EXPLAIN) of the measured queries and flag full "
            "scans of large tables.",
        )
        parser.add_argument("--verbose-plans", action="store_true", help="With --explain, print every plan.")
        parser.add_argument("--only", nargs="*", help="Measure only these keys (e.g. tree_page session_api).")
        parser.add_argument(
            "--markdown",
            metavar="JSON",
            help="Measure nothing: print the figures of a file written by --json as the Markdown tables of "
            "docs/PERFORMANCE.md.",
        )
        parser.add_argument(
            "--legacy-import",
            type=int,
            metavar="SCALE",
            help="Only measure import_legacy (dry run) of a synthetic state-C file of SCALE× the reference size "
            "(10 is the 10× budget: under 90 s and 400 MB); prints time and peak memory.",
        )

    def handle(self, *args, **options):
        if getattr(settings, "ENV", "") == "production":
            raise CommandError("The benchmark writes large generated datasets; it refuses to run under ENV=production.")
        if options["repeat"] < 1:
            raise CommandError("--repeat must be at least 1.")
        if options["markdown"]:
            self.stdout.write(self._markdown(options["markdown"]))
            return
        if options["legacy_import"]:
            figures = benchmark.measure_legacy_import(options["legacy_import"], progress=self.stdout.write)
            self.stdout.write(json.dumps(figures, indent=2))
            if options["json_file"]:
                Path(options["json_file"]).write_text(json.dumps(figures, indent=2))
            return
        size = options["size"]
        sizes = ["reference", "10x"] if size == "10x" else [size]
        shapes = list(benchmark.SHAPES) if options["shape"] == "both" else [options["shape"]]
        report = {"environment": benchmark.environment_facts(), "repeat": options["repeat"], "shapes": {}}
        self.stdout.write(self._machine(report["environment"]))
        all_pass = True
        for shape in shapes:
            shape_report = self._run_shape(shape, sizes, options)
            report["shapes"][shape] = shape_report
            all_pass &= shape_report["all_pass"]
        report["all_pass"] = all_pass
        if options["json_file"]:
            Path(options["json_file"]).write_text(json.dumps(report, indent=2, default=str) + "\n")
            self.stdout.write(f"Figures written to {options['json_file']}.")
        message = "Every budget met." if all_pass else "Some budgets are not met (see the result column)."
        self.stdout.write((self.style.SUCCESS if all_pass else self.style.WARNING)(message))

    def _markdown(self, path):
        try:
            report = json.loads(Path(path).read_text())
            return benchmark.markdown_tables(report)
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from error
        except (ValueError, KeyError, TypeError, StopIteration) as error:
            raise CommandError(f"{path} is not a report written by benchmark --json.") from error

    def _machine(self, facts):
        return (
            f"Machine: {facts['cpu_model']}, {facts['cpus']} cores, load {facts['load_average']}, "
            f"Python {facts['python']}, {facts['database']} {facts['database_version']}"
        )

    def _run_shape(self, shape, sizes, options):
        report = {"datasets": {}}
        results_by_size = {}
        for current in sizes:
            dataset = self._dataset(current, shape)
            report["datasets"][current] = dataset.facts()
            self.stdout.write(f"Measuring {shape} {current} ({options['repeat']} timed requests each)…")
            results = benchmark.run_measurements(dataset, options["repeat"], only=options["only"])
            results_by_size[current] = results
            if options["explain"]:
                plans = benchmark.explain_results(results)
                self.stdout.write(f"\nQuery plans ({shape} {current}):")
                self.stdout.write(benchmark.format_plans(results, plans, verbose=options["verbose_plans"]))
                report.setdefault("plans", {})[current] = {
                    key: [
                        {"sql": plan.sql, "plan": plan.lines, "findings": plan.findings, "notes": plan.notes}
                        for plan in entries
                    ]
                    for key, entries in plans.items()
                }
        first = results_by_size[sizes[0]]
        floors = benchmark.floor_medians(first)
        self.stdout.write(f"\nBudgets at the {sizes[0]} size, {shape} shape ({connection.vendor}):")
        self.stdout.write(benchmark.format_reference_table(first))
        all_pass = True
        rows = []
        for result in first:
            passed, _ = benchmark.judge_reference(result, floors)
            all_pass &= passed
            measurement = benchmark._measurement(result.key)
            rows.append(
                {
                    **result.as_dict(),
                    "budget": benchmark.budget_rule(measurement),
                    "budget_ms": benchmark.budget_ms(measurement, floors),
                    "reference_machine_budget_ms": measurement.budget_ms,
                    "pass": passed,
                }
            )
        if "10x" in results_by_size:
            larger = results_by_size["10x"]
            self.stdout.write(f"\nGrowth from the reference size to 10×, {shape} shape:")
            self.stdout.write(benchmark.format_growth_table(first, larger))
            by_key = {result.key: result for result in first}
            baseline = benchmark.baseline_ratio(first, larger)
            report["tree_rows_growth"] = baseline
            for result in larger:
                passed, _ = benchmark.judge_growth(by_key[result.key], result, baseline)
                all_pass &= passed
                rows.append({**result.as_dict(), "rule": benchmark.growth_rule(result.key, baseline), "pass": passed})
        report["floors_ms"] = floors
        report["results"] = rows
        report["all_pass"] = all_pass
        return report

    def _dataset(self, size, shape="rotating"):
        last = {}

        def progress(stage, done, total):
            if last.get(stage) != done:
                last[stage] = done
                self.stdout.write(f"  {stage:<20} {done:>8}/{total}")

        started = time.perf_counter()
        dataset = benchmark.get_or_build_dataset(size, progress=progress, shape=shape)
        verb = "Generated" if dataset.built else "Reusing"
        self.stdout.write(
            f"{verb} the {size} dataset, {shape} shape ({benchmark.marker_username(size, shape)}): {dataset.rows} "
            f"in {time.perf_counter() - started:.1f} s."
        )
        return dataset
