import datetime
import sqlite3
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from activities.models import ActivityDefinition, MetricDefinition, SplitDefinition, Target, TargetMetric
from goals.integrity import find_problems
from goals.models import Goal
from ops.legacy import import_legacy
from sessions.models import (
    ActivityInstance,
    MetricValue,
    PracticeSession,
    PracticeSessionGoal,
    Program,
    ProgramBlock,
    ProgramDay,
    ScheduledSession,
    SessionSection,
    SessionTemplate,
    TemplateActivity,
    TemplateSection,
)
from tests.commands.legacy_files import U, build_state_a, build_state_b

UTC = datetime.UTC
ALL_MODELS = [
    Goal,
    ActivityDefinition,
    MetricDefinition,
    SplitDefinition,
    Target,
    TargetMetric,
    PracticeSession,
    PracticeSessionGoal,
    SessionSection,
    ActivityInstance,
    MetricValue,
    SessionTemplate,
    TemplateSection,
    TemplateActivity,
    Program,
    ProgramBlock,
    ProgramDay,
    ScheduledSession,
]


def counts():
    return {model.__name__: model.all_objects.count() for model in ALL_MODELS}


@pytest.fixture
def state_b(tmp_path):
    return build_state_b(tmp_path / "goals.db")


@pytest.fixture
def state_a(tmp_path):
    return build_state_a(tmp_path / "old.db")


@pytest.fixture
def imported_b(owner, state_b):
    return import_legacy(state_b, owner, source_tz="Europe/Berlin")


def test_state_b_goals_keep_their_ids_and_get_roots_derived_from_their_parents(imported_b, owner):
    assert imported_b.state == "B"
    root = Goal.all_objects.get(pk=U("root"))
    assert root.owner == owner and root.root_id == root.pk
    for name in ["long", "mid", "short", "long-wrong-root", "immediate"]:
        assert Goal.all_objects.get(pk=U(name)).root_id == root.pk, name
    old = Goal.all_objects.get(pk=U("old-fractal"))
    assert old.deleted_at is not None
    assert Goal.all_objects.get(pk=U("old-child")).root_id == old.pk
    assert not Goal.all_objects.filter(pk__in=[U("orphan-goal"), U("orphan-child")]).exists()
    assert not Goal.all_objects.filter(level="PracticeSession").exists()
    assert find_problems() == []


def test_fixture_like_duplicated_roots_are_imported_like_any_other_fractal(imported_b, owner):
    assert Goal.objects.filter(owner=owner, name="Test Goal").count() == 3


def test_an_immediate_goal_under_a_session_moves_under_the_short_term_goal_and_is_linked(imported_b):
    immediate = Goal.all_objects.get(pk=U("immediate"))
    assert immediate.parent_id == U("short") or str(immediate.parent_id) == U("short")
    session = PracticeSession.all_objects.get(pk=U("s1"))
    assert {str(goal.pk) for goal in session.goals.all()} == {U("short"), U("immediate")}


def test_sessions_become_rows_with_links_times_and_template(imported_b):
    s1 = PracticeSession.all_objects.get(pk=U("s1"))
    assert s1.started_at == datetime.datetime(2025, 7, 1, 10, 0, tzinfo=UTC)
    assert s1.ended_at == datetime.datetime(2025, 7, 1, 11, 0, tzinfo=UTC)
    assert str(s1.template_id) == U("template")
    assert s1.planned_minutes == 60 and s1.completed
    # A parentless session with its own id as root is placed through its goal link.
    s2 = PracticeSession.all_objects.get(pk=U("s2"))
    assert str(s2.root_id) == U("root")
    assert [str(goal.pk) for goal in s2.goals.all()] == [U("short")]
    # The JSON stop before its start is dropped and reported.
    # Its naive JSON start lies on its local created_at (12:00 in Berlin), so it is read as local time.
    assert s2.ended_at is None and s2.started_at == datetime.datetime(2025, 7, 2, 10, 0, tzinfo=UTC)
    assert any("end was before its start" in what for _, row, what in imported_b.repairs if row == U("s2"))
    assert not PracticeSession.all_objects.filter(pk=U("s3")).exists()
    assert "orphan: none of its goals exist, so it has no fractal" in imported_b.reasons_for(
        "practice_sessions", U("s3")
    )


def test_json_sections_become_rows_with_membership_and_order(imported_b):
    sections = list(SessionSection.all_objects.filter(session_id=U("s1")).order_by("sort_order"))
    assert [section.name for section in sections] == ["Warm-up", "Main"]
    warm_up = ActivityInstance.all_objects.filter(section=sections[0]).order_by("sort_order")
    assert [str(instance.pk) for instance in warm_up] == [U("i2"), U("i1")]
    assert [str(i.pk) for i in ActivityInstance.all_objects.filter(section=sections[1])] == [U("i3")]
    # A row missing from the JSON is kept without a section; a JSON id without a row is reported.
    assert ActivityInstance.all_objects.get(pk=U("i4")).section_id is None
    assert imported_b.reasons_for("session_sections", U("ghost-instance"))


def test_instances_keep_utc_timer_times_and_drop_a_stop_before_the_start(imported_b):
    i1 = ActivityInstance.all_objects.get(pk=U("i1"))
    assert i1.time_start == datetime.datetime(2025, 7, 1, 10, 5, tzinfo=UTC)
    assert i1.duration_seconds == 90
    i3 = ActivityInstance.all_objects.get(pk=U("i3"))
    assert i3.time_stop is None and i3.duration_seconds is None
    assert "orphan: its session" in imported_b.reasons_for("activity_instances", U("i5"))[0]
    assert "orphan: its activity definition" in imported_b.reasons_for("activity_instances", U("i6"))[0]


def test_created_at_in_local_time_is_converted_to_utc_with_the_source_zone(imported_b):
    # 2025-06-01 10:00 in Berlin (summer time) is 08:00 UTC; timer columns stay UTC.
    assert Goal.all_objects.get(pk=U("root")).created_at == datetime.datetime(2025, 6, 1, 8, 0, tzinfo=UTC)
    assert Goal.all_objects.get(pk=U("mid")).created_at == datetime.datetime(2025, 6, 3, 22, 0, tzinfo=UTC)
    long = Goal.all_objects.get(pk=U("long"))
    assert long.created_at == datetime.datetime(2025, 6, 2, 6, 30, 0, 123456, tzinfo=UTC)
    assert long.updated_at == datetime.datetime(2025, 6, 3, 8, 30, tzinfo=UTC)  # explicit Z stays UTC
    # A NULL created_at takes the parent's time and is reported as repaired.
    assert Goal.all_objects.get(pk=U("long-wrong-root")).created_at == Goal.all_objects.get(pk=U("root")).created_at


def test_values_from_rows_json_sets_and_old_exercises_become_metric_values(imported_b):
    assert MetricValue.all_objects.get(pk=U("v1")).value == 12.5
    assert str(MetricValue.all_objects.get(pk=U("v1")).root_id) == U("root")
    split_value = MetricValue.all_objects.get(pk=U("v2"))
    assert str(split_value.split_id) == U("left")
    sets = MetricValue.all_objects.filter(instance_id=U("i2")).order_by("set_number", "metric__sort_order")
    assert [(value.set_number, value.value) for value in sets] == [(1, 8.0), (1, 20.0), (2, 6.0)]
    assert 'empty value ("")' in imported_b.reasons_for("metric_values (JSON sets)")
    old_style = MetricValue.all_objects.filter(instance_id=U("i7")).order_by("set_number", "metric__sort_order")
    assert [(value.set_number, value.value) for value in old_style] == [(1, 5.0), (1, 10.0), (2, 4.0)]
    # An exercise without a row becomes an instance with its value.
    json_only = ActivityInstance.all_objects.get(pk=U("json-only"))
    assert json_only.duration_seconds == 60
    assert MetricValue.all_objects.get(instance=json_only).value == 7
    assert "orphan: its metric definition" in imported_b.reasons_for("metric_values", U("v3"))[0]
    assert "per split" in imported_b.reasons_for("metric_values", U("v4"))[0]
    assert "orphan: its activity instance" in imported_b.reasons_for("metric_values", U("v5"))[0]


def test_library_targets_and_templates_are_imported_in_their_fractal(imported_b):
    assert MetricDefinition.all_objects.get(pk=U("seconds")).root_id == Goal.all_objects.get(pk=U("root")).pk
    assert not ActivityDefinition.all_objects.filter(pk=U("activity-orphan")).exists()
    target = Target.all_objects.get(pk=U("target"))
    assert str(target.goal_id) == U("short") and str(target.activity_id) == U("lever-hold")
    assert [(str(t.metric_id), t.threshold) for t in TargetMetric.all_objects.filter(target=target)] == [
        (U("seconds"), 10.0)
    ]
    # The old app's targets are what targets were then: threshold, ≥, all time.
    assert (target.kind, target.scope, target.starts_on, target.ends_on, target.block_id, target.times) == (
        "threshold",
        "all",
        None,
        None,
        None,
        None,
    )
    assert {t.operator for t in TargetMetric.all_objects.filter(target=target)} == {"gte"}
    assert imported_b.reasons_for("targets", U("target-gone"))
    template = SessionTemplate.all_objects.get(pk=U("template"))
    plan = template.section_plan()
    assert [(name, minutes, [a.name for a in acts]) for name, minutes, acts in plan] == [
        ("Warm-up", 10, ["Pull-ups"]),
        ("Skill", None, ["Front lever hold"]),
    ]
    assert TemplateSection.all_objects.count() == 2 and TemplateActivity.all_objects.count() == 2


def test_programs_blocks_days_and_scheduled_sessions_become_rows(imported_b):
    program = Program.all_objects.get(pk=U("program"))
    assert [str(goal.pk) for goal in program.goals.all()] == [U("short")]
    blocks = list(ProgramBlock.all_objects.filter(program=program).order_by("start_date"))
    assert [block.legacy_id for block in blocks] == ["1767200643898", "1767900000000"]
    assert blocks[0].color == "#FF8800"
    # Block ids are stable uuid5 values derived from the JavaScript timestamps.
    again = ProgramBlock.all_objects.get(legacy_id="1767200643898").pk
    assert again == blocks[0].pk
    base_days = ProgramDay.all_objects.filter(block=blocks[0]).order_by("date")
    assert [day.date for day in base_days] == [datetime.date(2026, 1, 5), datetime.date(2026, 1, 8)]
    assert ScheduledSession.all_objects.filter(day__block=blocks[0], template_id=U("template")).count() == 2
    day = ProgramDay.all_objects.get(pk=U("day"))
    assert day.block == blocks[1] and day.name == "Heavy"
    scheduled = ScheduledSession.all_objects.get(pk=U("scheduled"))
    assert scheduled.completed and str(scheduled.template_id) == U("template")
    assert [str(goal.pk) for goal in blocks[1].goals.all()] == [U("short")]
    assert imported_b.reasons_for("program_days", U("day-orphan"))
    assert imported_b.reasons_for("scheduled_sessions", U("scheduled-orphan"))


def test_every_skipped_row_has_a_reason_and_the_report_has_one_line_per_table(imported_b):
    assert all(reason for _, _, reason in imported_b.skipped)
    lines = list(imported_b.lines())
    assert lines[0].split() == ["table", "read", "imported", "repaired", "skipped"]
    goals_line = next(line for line in lines if line.startswith("goals "))
    assert goals_line.split()[1:] == ["13", "11", "9", "2"]
    assert "Skipped rows:" in lines


def test_running_the_import_twice_imports_nothing_twice(owner, state_b):
    import_legacy(state_b, owner)
    before = counts()
    report = import_legacy(state_b, owner)
    assert counts() == before
    assert sum(table.imported for table in report.tables.values()) == 0
    assert "already imported (this id exists)" in report.reasons_for("goals", U("root"))


def test_a_dry_run_writes_nothing(owner, state_b):
    before = counts()
    out = StringIO()
    call_command("import_legacy", str(state_b), owner="owner", dry_run=True, stdout=out)
    assert counts() == before
    assert "nothing was written" in out.getvalue()
    assert "goals " in out.getvalue()


def test_state_a_files_are_read_with_roots_derived_by_walking_parents(owner, state_a):
    report = import_legacy(state_a, owner)
    assert report.state == "A"
    assert str(Goal.all_objects.get(pk=U("a-short")).root_id) == U("a-root")
    session = PracticeSession.all_objects.get(pk=U("a-s1"))
    assert str(session.root_id) == U("a-root") and str(session.template_id) == U("a-template")
    assert [str(goal.pk) for goal in session.goals.all()] == [U("a-short")]
    assert "is a MidTermGoal" in report.reasons_for("practice_session_goals")[0]
    section = SessionSection.all_objects.get(session=session)
    assert section.name == "Run" and section.planned_minutes == 50
    assert ActivityInstance.all_objects.filter(section=section).count() == 2
    intervals = MetricValue.all_objects.filter(instance_id=U("a-i2"))
    assert [(value.set_number, value.value) for value in intervals] == [(1, 95.0)]
    assert MetricValue.all_objects.get(instance_id=U("a-i1")).value == 12  # the row, not a duplicate from JSON
    target = Target.all_objects.get(goal_id=U("a-short"))
    assert target.thresholds.get().threshold == 10
    assert report.reasons_for("practice_sessions", U("a-s2"))
    assert report.reasons_for("goals", U("a-orphan"))
    assert find_problems() == []


def test_a_file_that_is_not_sqlite_is_refused_and_nothing_is_written(owner, tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("just some text, not a database")
    before = counts()
    with pytest.raises(CommandError, match="not a SQLite database") as error:
        call_command("import_legacy", str(path), owner="owner", stdout=StringIO())
    assert error.value.returncode == 1
    assert counts() == before


def test_a_sqlite_file_of_another_app_is_refused(owner, tmp_path):
    path = tmp_path / "other.db"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE recipes (id TEXT, title TEXT)")
    db.commit()
    db.close()
    with pytest.raises(CommandError, match="not a Fractal Goals file"):
        call_command("import_legacy", str(path), owner="owner", stdout=StringIO())
    assert Goal.all_objects.count() == 0


def test_a_truncated_file_is_refused_with_nothing_written(owner, state_b, tmp_path):
    data = state_b.read_bytes()
    truncated = tmp_path / "truncated.db"
    truncated.write_bytes(data[: len(data) // 3])
    with pytest.raises(CommandError, match="Refused"):
        call_command("import_legacy", str(truncated), owner="owner", stdout=StringIO())
    assert Goal.all_objects.count() == 0


def test_an_unknown_owner_or_zone_is_bad_usage(owner, state_b):
    with pytest.raises(CommandError) as error:
        call_command("import_legacy", str(state_b), owner="nobody", stdout=StringIO())
    assert error.value.returncode == 2
    with pytest.raises(CommandError) as error:
        call_command("import_legacy", str(state_b), owner="owner", source_tz="Mars/Base", stdout=StringIO())
    assert error.value.returncode == 2


def test_copies_lacking_columns_and_tables_still_import(owner, tmp_path):
    path = build_state_b(tmp_path / "thin.db")
    db = sqlite3.connect(path)
    for statement in [
        "ALTER TABLE activity_definitions DROP COLUMN has_splits",
        "ALTER TABLE activity_definitions DROP COLUMN group_id",
        "ALTER TABLE metric_values DROP COLUMN split_definition_id",
        "ALTER TABLE activity_instances DROP COLUMN data",
        "ALTER TABLE activity_instances DROP COLUMN notes",
        "DROP TABLE activity_groups",
        "DROP TABLE split_definitions",
        "DROP TABLE scheduled_sessions",
        "DROP TABLE program_days",
        "DROP TABLE program_blocks",
        "DROP TABLE programs",
    ]:
        db.execute(statement)
    db.commit()
    db.close()
    report = import_legacy(path, owner)
    assert Goal.all_objects.filter(pk=U("root")).exists()
    assert ActivityInstance.all_objects.filter(pk=U("i1")).exists()
    assert not ActivityDefinition.all_objects.get(pk=U("hang")).has_splits
    assert report.tables["programs"].read == 0
    assert find_problems() == []


def test_rows_still_in_the_write_ahead_log_are_read(owner, tmp_path):
    path = build_state_a(tmp_path / "wal.db")
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA wal_autocheckpoint=0")
    db.execute(
        "INSERT INTO goals (id, type, name, created_at) VALUES (?, 'UltimateGoal', 'Only in the WAL', '2025-01-01')",
        [U("wal-root")],
    )
    db.commit()
    try:
        assert (tmp_path / "wal.db-wal").stat().st_size > 0
        import_legacy(path, owner)
    finally:
        db.close()
    assert Goal.all_objects.filter(pk=U("wal-root"), name="Only in the WAL").exists()
