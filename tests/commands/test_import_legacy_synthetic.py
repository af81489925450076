"""The synthetic legacy file of the import benchmark imports completely (small size, slow tier)."""

import pytest

from goals.models import Goal
from ops import benchmark
from ops.legacy import import_legacy
from ops.legacy.synthetic import build_synthetic_legacy_file
from sessions.models import ActivityInstance, MetricValue, PracticeSession


@pytest.mark.slow
def test_the_synthetic_file_imports_every_row_it_holds(owner, tmp_path):
    path = build_synthetic_legacy_file(tmp_path / "goals.db", scale=1)
    report = import_legacy(path, owner)
    assert not report.skipped
    assert Goal.all_objects.count() == 5000
    assert PracticeSession.all_objects.count() == 2000
    assert ActivityInstance.all_objects.count() == 10000
    assert MetricValue.all_objects.count() == 70000


@pytest.mark.slow
def test_the_benchmark_measures_time_and_memory_of_a_dry_run(db, tmp_path):
    path = build_synthetic_legacy_file(tmp_path / "goals.db", scale=1)
    figures = benchmark.measure_legacy_import(1, keep_file=path)
    assert figures["rows_imported"] > 80000 and figures["seconds"] > 0 and figures["peak_rss_mb"] > 0
    assert len(figures["load_average_before"]) == 3
    assert not Goal.all_objects.exists()
