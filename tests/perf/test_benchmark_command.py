"""The benchmark command runs end to end on a tiny dataset (never asserting on time)."""

import json

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from goals.models import Goal
from ops import benchmark


@pytest.fixture
def tiny_run(db, tmp_path, capsys):
    report_file = tmp_path / "bench.json"
    call_command("benchmark", "--size", "tiny", "--repeat", "2", "--json", str(report_file), "--explain")
    return json.loads(report_file.read_text()), capsys.readouterr().out


def _shape(report, shape="rotating"):
    return report["shapes"][shape]


def test_benchmark_prints_one_row_per_measurement_with_a_verdict(tiny_run):
    _, output = tiny_run
    for shape in benchmark.SHAPES:
        heading = f"Budgets at the tiny size, {shape} shape"
        assert heading in output
        table = output.split(heading, 1)[1].splitlines()
        for measurement in benchmark.MEASUREMENTS:
            row = next(line for line in table if line.startswith(measurement.label))
            assert row.rstrip().endswith(("pass", "FAIL", "floor", "missing route"))


def test_benchmark_states_the_machine_it_ran_on(tiny_run):
    report, output = tiny_run
    facts = report["environment"]
    assert facts["cpu_model"] and facts["cpus"] >= 1 and facts["python"] and facts["database_version"]
    assert output.startswith(f"Machine: {facts['cpu_model']}, {facts['cpus']} cores")


def test_benchmark_writes_figures_for_every_measurement(tiny_run):
    report, _ = tiny_run
    for shape in benchmark.SHAPES:
        keys = [row["key"] for row in _shape(report, shape)["results"]]
        assert keys == [measurement.key for measurement in benchmark.MEASUREMENTS]
        assert _shape(report, shape)["datasets"]["tiny"]["rows"]["sessions"] == benchmark.SIZES["tiny"]["sessions"]
        assert set(_shape(report, shape)["floors_ms"]) == set(benchmark.FLOORS)
    evaluation = next(row for row in _shape(report)["results"] if row["key"] == "evaluate_goal")
    assert evaluation["status"] == "ok"
    assert evaluation["queries"] > 0
    assert evaluation["median_ms"] is not None


def test_measured_routes_answer_200_or_are_reported_missing(tiny_run):
    report, _ = tiny_run
    for shape in benchmark.SHAPES:
        for row in _shape(report, shape)["results"]:
            assert row["status"] in {"ok", "missing route"}, row


def test_benchmark_reuses_the_dataset_of_its_marker_owner(tiny_run, capsys):
    call_command("benchmark", "--size", "tiny", "--repeat", "1", "--only", "fractal_list")
    output = capsys.readouterr().out
    assert "Reusing the tiny dataset, rotating shape" in output
    assert "Reusing the tiny dataset, log shape" in output
    assert Goal.objects.filter(owner__username="benchmark-tiny", parent__isnull=True).count() == 1
    assert Goal.objects.filter(owner__username="benchmark-log-tiny", parent__isnull=True).count() == 1


def test_measuring_a_tree_alone_also_measures_the_rows_baseline_its_rule_needs(tiny_run, tmp_path):
    report_file = tmp_path / "tree.json"
    call_command(
        "benchmark",
        "--size",
        "tiny",
        "--shape",
        "log",
        "--repeat",
        "1",
        "--only",
        "tree_api",
        "--json",
        str(report_file),
    )
    report = json.loads(report_file.read_text())
    assert list(report["shapes"]) == ["log"]
    results = _shape(report, "log")["results"]
    assert [row["key"] for row in results] == ["tree_api", benchmark.TREE_ROWS]
    assert all(row["status"] == "ok" for row in results)


def test_measuring_a_page_alone_also_measures_the_floors_of_its_budget(tiny_run, tmp_path):
    report_file = tmp_path / "session.json"
    call_command(
        "benchmark", "--size", "tiny", "--shape", "rotating", "--repeat", "1", "--only", "session_page",
        "--json", str(report_file),
    )  # fmt: skip
    results = _shape(json.loads(report_file.read_text()))["results"]
    assert [row["key"] for row in results] == [benchmark.SIGNED_IN_PAGE, benchmark.SESSION_ROWS, "session_page"]
    session = results[-1]
    assert session["budget"] == "≤10×page+session"
    assert session["budget_ms"] == pytest.approx(10 * (results[0]["median_ms"] + results[1]["median_ms"]))


def test_benchmark_query_plans_are_reported(tiny_run):
    report, output = tiny_run
    assert "Query plans (rotating tiny)" in output
    assert "Query plans (log tiny)" in output
    plans = _shape(report)["plans"]["tiny"]["evaluate_goal"]
    assert plans and all(plan["plan"] for plan in plans)


def test_benchmark_refuses_to_run_in_production(db):
    with override_settings(ENV="production"), pytest.raises(CommandError, match="production"):
        call_command("benchmark", "--size", "tiny")


def test_a_route_that_does_not_exist_is_reported_missing():
    assert benchmark.page_path("no-such-page", ["x"]) is None
    assert benchmark.api_path("/api/no/such/endpoint/") is None


def test_growth_rule_fails_when_the_query_count_changes():
    reference = benchmark.Result("tree_api", "Tree API", "reference", median_ms=10, queries=3)
    larger = benchmark.Result("tree_api", "Tree API", "10x", median_ms=20, queries=4)
    assert benchmark.judge_growth(reference, larger) == (False, "FAIL queries 3→4")


def test_growth_rule_allows_linear_tree_growth_but_not_more():
    reference = benchmark.Result("tree_api", "Tree API", "reference", median_ms=10, queries=3)
    assert benchmark.judge_growth(reference, benchmark.Result("tree_api", "", "10x", median_ms=95, queries=3))[0]
    assert not benchmark.judge_growth(reference, benchmark.Result("tree_api", "", "10x", median_ms=120, queries=3))[0]


def test_the_linear_rule_follows_the_growth_of_reading_the_rows_when_that_is_more_than_ten():
    reference = benchmark.Result("tree_api", "Tree API", "reference", median_ms=10, queries=3)
    larger = benchmark.Result("tree_api", "", "10x", median_ms=115, queries=3)
    assert not benchmark.judge_growth(reference, larger)[0]  # no baseline: 10× exactly
    assert not benchmark.judge_growth(reference, larger, baseline_ratio=10.0)[0]  # 10 × 1.1 = 11 < 11.5
    assert benchmark.judge_growth(reference, larger, baseline_ratio=10.5)[0]  # 10.5 × 1.1 = 11.55
    assert not benchmark.judge_growth(reference, larger, baseline_ratio=8.0)[0]  # never looser than 10×
    flat = benchmark.Result("session_api", "", "reference", median_ms=10, queries=5)
    grown = benchmark.Result("session_api", "", "10x", median_ms=16, queries=5)
    assert not benchmark.judge_growth(flat, grown, baseline_ratio=20.0)[0]  # only linear rules follow it
    assert benchmark.growth_rule("tree_api", 10.5) == "≤11.6× ref"
    assert benchmark.growth_rule("tree_api") == "≤10× ref"


def test_the_baseline_ratio_is_the_growth_of_the_tree_rows_measurement():
    def rows(size, median):
        return [benchmark.Result(benchmark.TREE_ROWS, "", size, median_ms=median, queries=1)]

    assert benchmark.baseline_ratio(rows("reference", 4.0), rows("10x", 42.0)) == 10.5
    assert benchmark.baseline_ratio(rows("reference", 4.0), []) is None
    failed = [benchmark.Result(benchmark.TREE_ROWS, "", "10x", status="error: boom")]
    assert benchmark.baseline_ratio(rows("reference", 4.0), failed) is None


def test_flat_pages_may_grow_by_half_or_by_timer_noise():
    reference = benchmark.Result("session_api", "", "reference", median_ms=10, queries=5)
    assert benchmark.judge_growth(reference, benchmark.Result("session_api", "", "10x", median_ms=14.9, queries=5))[0]
    assert not benchmark.judge_growth(reference, benchmark.Result("session_api", "", "10x", median_ms=16, queries=5))[0]
    small = benchmark.Result("session_api", "", "reference", median_ms=1.0, queries=5)
    assert benchmark.judge_growth(small, benchmark.Result("session_api", "", "10x", median_ms=2.5, queries=5))[0]
