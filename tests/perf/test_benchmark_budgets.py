"""Budgets are ratios to floors measured in the same run, so they mean the same on any machine."""

import io

import pytest

from ops import benchmark


def result(key, median, status="ok", queries=3):
    return benchmark.Result(key, key, "reference", status=status, median_ms=median, queries=queries)


FLOORS = {benchmark.SIGNED_IN_PAGE: 4.0, benchmark.SESSION_ROWS: 1.0, benchmark.TREE_ROWS: 6.0}


def test_a_page_budget_is_its_ratio_times_the_signed_in_page_of_the_same_run():
    assert benchmark.budget_ms(benchmark._measurement("fractal_list"), FLOORS) == 40 * 4.0
    assert benchmark.judge_reference(result("fractal_list", 160.0), FLOORS) == (True, "pass")
    assert benchmark.judge_reference(result("fractal_list", 160.1), FLOORS) == (False, "FAIL")


def test_the_same_figure_passes_on_a_slower_machine_and_fails_on_a_faster_one():
    slower = {key: value * 4 for key, value in FLOORS.items()}
    faster = {key: value / 4 for key, value in FLOORS.items()}
    page = result("goal_page", 250.0)
    assert benchmark.judge_reference(page, slower)[0]
    assert not benchmark.judge_reference(page, FLOORS)[0]
    assert not benchmark.judge_reference(page, faster)[0]


def test_session_pages_are_judged_against_the_request_overhead_plus_one_sessions_rows():
    measurement = benchmark._measurement("session_page")
    assert measurement.floor == (benchmark.SIGNED_IN_PAGE, benchmark.SESSION_ROWS)
    assert benchmark.budget_ms(measurement, FLOORS) == 10 * (4.0 + 1.0)
    assert benchmark.judge_reference(result("session_page", 50.0), FLOORS)[0]
    assert not benchmark.judge_reference(result("session_page", 50.5), FLOORS)[0]
    assert benchmark.budget_rule(measurement) == "≤10×page+session"


def test_the_tree_is_judged_against_reading_its_rows():
    assert benchmark.budget_ms(benchmark._measurement("tree_api"), FLOORS) == 9 * 6.0
    assert benchmark.judge_reference(result("tree_api", 54.0), FLOORS)[0]
    assert not benchmark.judge_reference(result("tree_api", 54.5), FLOORS)[0]


def test_a_budget_without_its_floor_fails_instead_of_passing_by_default():
    missing = {benchmark.TREE_ROWS: 6.0}
    assert benchmark.budget_ms(benchmark._measurement("session_api"), missing) is None
    assert benchmark.judge_reference(result("session_api", 1.0), missing) == (False, "FAIL no floor")
    assert benchmark.judge_reference(result("session_api", 1.0), None) == (False, "FAIL no floor")


def test_floors_are_information_and_pass_when_measured():
    assert benchmark.judge_reference(result(benchmark.SESSION_ROWS, 500.0), FLOORS) == (True, "floor")
    failed = result(benchmark.SIGNED_IN_PAGE, None, status="HTTP 500")
    assert benchmark.judge_reference(failed, FLOORS) == (False, "HTTP 500")


def test_floor_medians_keep_only_floors_that_were_measured():
    results = [
        result(benchmark.SIGNED_IN_PAGE, 4.0),
        result(benchmark.SESSION_ROWS, None, status="error: boom"),
        result("fractal_list", 9.0),
    ]
    assert benchmark.floor_medians(results) == {benchmark.SIGNED_IN_PAGE: 4.0}


@pytest.mark.parametrize("measurement", benchmark.MEASUREMENTS, ids=lambda m: m.key)
def test_every_measurement_is_a_floor_or_has_a_ratio_to_floors(measurement):
    if measurement.key in benchmark.FLOORS:
        assert measurement.ratio is None and not measurement.floor
    else:
        assert measurement.ratio and measurement.floor and set(measurement.floor) <= set(benchmark.FLOORS)


def test_a_measurement_without_a_ratio_keeps_its_absolute_budget(monkeypatch):
    absolute = benchmark.Measurement("absolute_probe", "Probe", 50, None, lambda d, c: None)
    monkeypatch.setattr(benchmark, "MEASUREMENTS", [*benchmark.MEASUREMENTS, absolute])
    assert benchmark.budget_ms(absolute, FLOORS) == 50
    assert benchmark.judge_reference(result("absolute_probe", 49.0), FLOORS)[0]
    assert not benchmark.judge_reference(result("absolute_probe", 51.0), FLOORS)[0]


def test_each_floor_is_measured_twice_and_the_faster_median_is_kept(monkeypatch):
    medians = {benchmark.SIGNED_IN_PAGE: iter([9.0, 4.0]), benchmark.TREE_ROWS: iter([6.0, 8.0])}
    calls = []

    def fake_measure(dataset, measurement, repeat, client):
        calls.append(measurement.key)
        if measurement.key in medians:
            return result(measurement.key, next(medians[measurement.key]))
        return result(measurement.key, 50.0)

    class Owner:
        pk = 1

    class Dataset:
        owner = Owner()

    monkeypatch.setattr(benchmark, "measure", fake_measure)
    monkeypatch.setattr(benchmark.Client, "force_login", lambda self, user: None)
    results = benchmark.run_measurements(Dataset(), repeat=1, only=["tree_api", "fractal_list"])
    by_key = {row.key: row.median_ms for row in results}
    assert by_key[benchmark.SIGNED_IN_PAGE] == 4.0  # the second, faster measurement
    assert by_key[benchmark.TREE_ROWS] == 6.0  # the first was faster
    assert calls.count(benchmark.SIGNED_IN_PAGE) == 2 and calls.count("tree_api") == 1


def _report():
    """A report as ``benchmark --json`` writes it: one shape, the floor and one page at both sizes."""
    rows = {"goals": 5, "sessions": 2, "instances": 3, "values": 4}
    return {
        "shapes": {
            "log": {
                "datasets": {"reference": {"rows": rows}, "10x": {"rows": rows}},
                "floors_ms": {benchmark.SIGNED_IN_PAGE: 4.0},
                "results": [
                    {"key": benchmark.SIGNED_IN_PAGE, "label": "Signed-in page (floor)", "size": "reference",
                     "median_ms": 4.0, "queries": 5, "budget": "floor", "budget_ms": None, "pass": True},
                    {"key": "fractal_list", "label": "Fractal list page", "size": "reference",
                     "median_ms": 20.0, "queries": 10, "budget": "≤40×page", "budget_ms": 160.0, "pass": True},
                    {"key": benchmark.SIGNED_IN_PAGE, "label": "Signed-in page (floor)", "size": "10x",
                     "median_ms": 4.4, "cpu_ms": 4.3, "queries": 5, "rule": "same queries", "pass": True},
                    {"key": "fractal_list", "label": "Fractal list page", "size": "10x",
                     "median_ms": 50.0, "cpu_ms": 49.0, "queries": 11, "rule": "same queries", "pass": False},
                ],
            }
        }
    }  # fmt: skip


def test_a_saved_report_prints_as_the_performance_doc_tables():
    lines = benchmark.markdown_tables(_report()).splitlines()
    assert lines[0].startswith("**log shape** (reference: {'goals': 5")
    assert lines[2].startswith("| measurement | ref median ms | queries | × floor | budget | = ms | result | 10×")
    cells = [[cell.strip() for cell in line.strip("|").split("|")] for line in lines[4:6]]
    reference = [row[:7] for row in cells]
    larger = [row[7:] for row in cells]
    assert reference[0] == ["Signed-in page (floor)", "4.0", "5", "-", "floor", "-", "floor"]
    assert reference[1] == ["Fractal list page", "20.0", "10", "5.0", "≤40×page", "160.0", "pass"]
    assert larger == [["4.4", "4.3", "1.10", "same queries", "pass"], ["50.0", "49.0", "2.50", "same queries", "FAIL"]]


def test_the_command_prints_a_saved_report_and_refuses_anything_else(tmp_path):
    import json

    from django.core.management import CommandError, call_command

    saved = tmp_path / "bench.json"
    saved.write_text(json.dumps(_report()))
    out = io.StringIO()
    call_command("benchmark", "--markdown", str(saved), stdout=out)
    assert "| Fractal list page | 20.0 |" in out.getvalue()
    broken = tmp_path / "broken.json"
    broken.write_text('{"shapes": {"log": {}}}')
    with pytest.raises(CommandError, match="not a report written by benchmark --json"):
        call_command("benchmark", "--markdown", str(broken))
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("benchmark", "--markdown", str(tmp_path / "missing.json"))
