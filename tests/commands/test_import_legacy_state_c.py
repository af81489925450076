"""State C files (January 2026), detection and refusals, the clocks, the report (LEGACY_SCHEMA.md)."""

import datetime
import json
import sqlite3
import uuid
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from goals.models import Goal
from goals.models.profile import Profile
from ops.legacy import LegacyFileError, import_legacy
from ops.legacy.source import CORE_TABLES
from ops.legacy.stages.notes import INSTANCE_NOTES
from sessions.models import (
    ActivityInstance,
    MetricValue,
    Note,
    PracticeSession,
    Program,
    ProgramBlock,
    ScheduledSession,
    field_note_id,
)
from tests.commands.legacy_files import U, build_state_b, build_state_c

UTC = datetime.UTC


@pytest.fixture
def state_c(tmp_path):
    return build_state_c(tmp_path / "goals.db")


@pytest.fixture
def imported_c(owner, state_c):
    return import_legacy(state_c, owner, source_tz="Europe/Berlin")


def test_a_state_c_file_is_detected_and_its_sessions_are_imported_with_their_goals(imported_c):
    assert imported_c.state == "C"
    s1 = PracticeSession.all_objects.get(pk=U("c-s1"))
    assert str(s1.root_id) == U("c-root") and str(s1.template_id) == U("c-template")
    assert {str(goal.pk) for goal in s1.goals.all()} == {U("c-short"), U("c-immediate")}
    assert s1.started_at == datetime.datetime(2026, 1, 10, 9, 0, tzinfo=UTC)
    assert PracticeSession.all_objects.filter(pk=U("c-s2")).exists()
    assert imported_c.reasons_for("session_goals") == [f"orphan: session {U('c-s-gone')} does not exist"]


def test_instances_with_only_a_session_id_are_imported_with_their_set_values(imported_c):
    instance = ActivityInstance.all_objects.get(pk=U("c-i1"))
    assert str(instance.session_id) == U("c-s1")
    values = MetricValue.all_objects.filter(instance=instance).order_by("set_number")
    assert [(value.set_number, value.value) for value in values] == [(1, 10.0), (2, 8.0)]
    assert ActivityInstance.all_objects.filter(session_id=U("c-s2")).count() == 2


def test_completed_at_is_kept_from_the_file_for_goals_and_sessions(imported_c):
    # Audit times are UTC from January 5, 2026 on.
    assert Goal.all_objects.get(pk=U("c-short")).completed_at == datetime.datetime(2026, 1, 20, 18, 0, tzinfo=UTC)
    s1 = PracticeSession.all_objects.get(pk=U("c-s1"))
    assert s1.completed_at == datetime.datetime(2026, 1, 10, 10, 30, tzinfo=UTC)


def _notes_by_body():
    return {note.body: note for note in Note.all_objects.all()}


def test_notes_become_first_class_notes_on_their_session_instance_set_and_activity(imported_c):
    notes = _notes_by_body()
    assert set(notes) == {"Felt strong", "Left hand weaker", "Slipped", "Use the 20 mm edge", "Typo"}
    assert str(notes["Felt strong"].session_id) == U("c-s1") and notes["Felt strong"].instance_id is None
    assert str(notes["Left hand weaker"].instance_id) == U("c-i1") and notes["Left hand weaker"].set_number is None
    # set_index counted sets from 0: the second set is set 2 here.
    assert str(notes["Slipped"].instance_id) == U("c-i1") and notes["Slipped"].set_number == 2
    assert str(notes["Use the 20 mm edge"].activity_id) == U("c-hang")
    assert all(str(note.root_id) == U("c-root") for note in notes.values())
    # Their own ids and times (UTC from January 5, 2026), not the import's.
    assert str(notes["Felt strong"].pk) == U("c-note-session")
    assert notes["Felt strong"].created_at == datetime.datetime(2026, 1, 10, 11, 0, tzinfo=UTC)
    assert not any(note.pinned for note in notes.values())
    assert imported_c.tables["notes"].imported == 5


def test_a_deleted_note_is_kept_in_the_trash_not_lost(imported_c):
    typo = Note.all_objects.get(pk=U("c-note-deleted"))
    assert typo.deleted_at == datetime.datetime(2026, 1, 10, 11, 0, tzinfo=UTC)
    assert not Note.objects.filter(pk=typo.pk).exists()
    assert not [row for row in imported_c.not_kept if row[0] == "notes"]
    counts = imported_c.tables["notes"]
    assert counts.read == counts.imported + counts.skipped == 5


def test_the_pinned_state_of_a_note_is_kept(owner, tmp_path):
    pin = f"UPDATE notes SET pinned = 1 WHERE id = '{U('c-note-set')}';"
    path = build_state_c(tmp_path / "pinned.db", extra_sql="ALTER TABLE notes ADD COLUMN pinned INTEGER; " + pin)
    import_legacy(path, owner, source_tz="Europe/Berlin")
    assert [note.body for note in Note.all_objects.filter(pinned=True)] == ["Slipped"]


def test_a_note_whose_instance_is_missing_is_reported_as_not_kept_never_dropped_silently(owner, tmp_path):
    path = build_state_c(
        tmp_path / "orphan.db",
        extra_sql=(
            "INSERT INTO notes (id, root_id, context_type, activity_instance_id, content) VALUES "
            f"('{U('c-note-orphan')}', '{U('c-root')}', 'activity_instance', '{U('c-i-gone')}', 'Lost cue');"
        ),
    )
    report = import_legacy(path, owner, source_tz="Europe/Berlin")
    assert "orphan" in report.reasons_for("notes", U("c-note-orphan"))[0]
    assert any("Lost cue" in what for _table, _row, what in report.not_kept)
    assert not Note.all_objects.filter(body="Lost cue").exists()
    counts = report.tables["notes"]
    assert counts.read == counts.imported + counts.skipped == 6


def test_the_notes_text_of_an_instance_row_becomes_a_note_of_the_instance(owner, tmp_path):
    path = build_state_c(
        tmp_path / "text.db", extra_sql=f"UPDATE activity_instances SET notes = 'Chalk up' WHERE id = '{U('c-i2')}';"
    )
    report = import_legacy(path, owner, source_tz="Europe/Berlin")
    note = Note.all_objects.get(body="Chalk up")
    assert note.pk == field_note_id("instance", uuid.UUID(U("c-i2")))
    instance = ActivityInstance.all_objects.get(pk=U("c-i2"))
    assert (note.instance_id, note.created_at, note.root_id) == (instance.pk, instance.created_at, instance.root_id)
    counts = report.tables[INSTANCE_NOTES]
    assert (counts.read, counts.imported) == (1, 1)
    again = import_legacy(path, owner, source_tz="Europe/Berlin")
    assert again.tables[INSTANCE_NOTES].imported == 0 and Note.all_objects.filter(body="Chalk up").count() == 1


def test_day_templates_become_scheduled_sessions_and_the_session_of_the_day_is_linked(imported_c):
    scheduled = ScheduledSession.all_objects.get(pk=U("c-plan1"))
    assert str(scheduled.template_id) == U("c-template")
    assert str(scheduled.session_id) == U("c-s1")
    assert scheduled.completed and scheduled.completed_at == datetime.datetime(2026, 1, 10, 10, 30, tzinfo=UTC)
    assert imported_c.reasons_for("program_day_templates", U("c-plan-orphan"))


def test_a_completed_day_with_nothing_scheduled_is_reported_as_not_kept(imported_c):
    assert any("is_completed" in what for table, _id, what in imported_c.not_kept if table == "program_days")


def test_a_goal_planned_on_a_program_day_joins_the_days_block(imported_c):
    block = ProgramBlock.all_objects.get(pk=U("c-block"))
    assert U("c-immediate") in {str(goal.pk) for goal in block.goals.all()}


def test_timers_are_read_as_local_or_utc_row_by_row(imported_c):
    utc_row = ActivityInstance.all_objects.get(pk=U("c-i1"))
    assert utc_row.time_start == datetime.datetime(2026, 1, 10, 9, 5, tzinfo=UTC)
    local_row = ActivityInstance.all_objects.get(pk=U("c-i2"))
    assert local_row.time_start == datetime.datetime(2025, 12, 28, 9, 1, tzinfo=UTC)
    mixed = ActivityInstance.all_objects.get(pk=U("c-i3"))
    assert mixed.time_start == datetime.datetime(2025, 12, 28, 9, 20, tzinfo=UTC)
    assert mixed.time_stop == datetime.datetime(2025, 12, 28, 9, 30, tzinfo=UTC)
    assert mixed.duration_seconds == 600
    assert imported_c.clocks["timer times read as local"] == 3
    assert imported_c.clocks["timer times read as UTC"] == 3
    assert imported_c.clocks["legacy durations disagreeing by over a minute"] == 1
    repair = [what for table, row, what in imported_c.repairs if row == U("c-i3")]
    assert any("duration_seconds 4200 → 600" in what for what in repair)


def test_the_source_zone_becomes_the_owners_time_zone_while_it_is_the_default(imported_c, owner):
    assert Profile.for_user(owner).time_zone == "Europe/Berlin"


def test_an_owner_time_zone_already_chosen_is_left_alone(owner, state_c):
    profile = Profile.for_user(owner)
    profile.time_zone = "America/New_York"
    profile.save()
    import_legacy(state_c, owner, source_tz="Europe/Berlin")
    assert Profile.for_user(owner).time_zone == "America/New_York"


def test_every_table_of_the_file_appears_in_the_report(imported_c, state_c):
    db = sqlite3.connect(state_c)
    tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    db.close()
    assert set(imported_c.file_tables) == tables
    assert imported_c.file_tables["sessions"]["status"] == "read"


def test_a_re_run_imports_nothing_and_its_arithmetic_adds_up(owner, state_c):
    first = import_legacy(state_c, owner, source_tz="Europe/Berlin")
    second = import_legacy(state_c, owner, source_tz="Europe/Berlin")
    for name in ("goals", "practice_sessions", "session_goals", "notes", "activity_instances", "metric_values"):
        one, two = first.tables[name], second.tables[name]
        assert one.read == one.imported + one.skipped, name
        assert two.imported == 0, name
        assert two.read == two.skipped, name
        assert second.already_imported(name) == one.imported, name


def test_an_unknown_table_with_rows_is_refused_naming_it(owner, tmp_path):
    path = build_state_c(tmp_path / "goals.db", "CREATE TABLE foo (x); INSERT INTO foo VALUES (1), (2);")
    with pytest.raises(LegacyFileError, match="table `foo` with 2 rows is not read by this version"):
        import_legacy(path, owner)
    assert not Goal.all_objects.exists()
    with pytest.raises(CommandError, match="nothing was imported") as refused:
        call_command("import_legacy", str(path), owner="owner", stdout=StringIO())
    assert refused.value.returncode == 1


def test_an_ignored_unknown_table_is_imported_around_and_listed_as_skipped(owner, tmp_path):
    path = build_state_c(tmp_path / "goals.db", "CREATE TABLE foo (x); INSERT INTO foo VALUES (1);")
    out = StringIO()
    call_command("import_legacy", str(path), owner="owner", ignore_table=["foo"], stdout=out)
    assert Goal.all_objects.filter(pk=U("c-root")).exists()
    assert "foo: 1 row(s), skipped" in out.getvalue()


def test_an_unknown_column_holding_data_is_refused_naming_it(owner, tmp_path):
    path = build_state_c(tmp_path / "goals.db", "ALTER TABLE goals ADD COLUMN mood TEXT; UPDATE goals SET mood='x';")
    with pytest.raises(LegacyFileError, match=r"column `goals\.mood` with 5 values"):
        import_legacy(path, owner)
    report = import_legacy(path, owner, ignore=["goals.mood"])
    assert "mood" in report.file_tables["goals"]["reason"]


@pytest.mark.parametrize("table", CORE_TABLES)
def test_a_file_missing_a_core_table_is_refused(owner, tmp_path, table):
    path = build_state_c(tmp_path / "goals.db", f"DROP TABLE {table};")
    with pytest.raises(LegacyFileError, match=f"`{table}`"):
        import_legacy(path, owner)
    assert not Goal.all_objects.exists()


def test_a_file_mixing_the_markers_of_two_states_is_refused(owner, tmp_path):
    path = build_state_c(tmp_path / "goals.db", "CREATE TABLE practice_sessions (id TEXT);")
    with pytest.raises(LegacyFileError, match="no known state"):
        import_legacy(path, owner)


def test_state_c_rows_in_a_file_without_a_sessions_table_are_refused(owner, tmp_path):
    path = build_state_b(tmp_path / "goals.db")
    db = sqlite3.connect(path)
    db.executescript(
        "CREATE TABLE session_goals (session_id, goal_id, goal_type); INSERT INTO session_goals VALUES (1,2,3);"
    )
    db.close()
    with pytest.raises(LegacyFileError, match="session_goals"):
        import_legacy(path, owner)


def test_the_report_option_writes_every_repair_as_json(owner, state_c, tmp_path):
    target = tmp_path / "report.json"
    out = StringIO()
    call_command(
        "import_legacy", str(state_c), owner="owner", source_tz="Europe/Berlin", report=str(target), stdout=out
    )
    data = json.loads(target.read_text())
    assert data["state"] == "C"
    assert data["tables"]["notes"]["imported"] == 5
    assert {"table", "row", "what"} <= set(data["repairs"][0])
    assert any(item["row"] == U("c-mid") for item in data["repairs"])
    assert "Repairs:" in out.getvalue() and "Clocks:" in out.getvalue()


AUDIT = ["deleted_at", "updated_at", "sort_order", "root_id"]
# LEGACY_SCHEMA.md "Columns added over time", oldest first: (tables, {table: columns}).
ADDITIONS = [
    ([], {"goals": ["updated_at"]}),
    ([], {"activity_definitions": ["metrics_multiplicative"]}),
    ([], {"metric_definitions": ["is_multiplicative", "is_top_set_metric"]}),
    (["split_definitions"], {"activity_definitions": ["has_splits"], "metric_values": ["split_definition_id"]}),
    (["activity_groups"], {"activity_definitions": ["group_id"]}),
    ([], {"goals": ["attributes", "session_start", "session_end", "template_id", "total_duration_seconds"]}),
    (["programs", "program_blocks", "program_days", "scheduled_sessions"], {}),
    ([], {"activity_instances": ["completed", "notes", "data"]}),
    (
        [],
        dict.fromkeys(("activity_definitions", "metric_definitions", "activity_instances", "metric_values"), AUDIT)
        | {"session_templates": ["deleted_at", "updated_at"]},
    ),
    (["program_day_templates"], {"goals": ["program_day_id"], "program_days": ["is_completed"]}),
    ([], {"goals": ["completed_at"]}),
    (["sessions", "session_goals"], {"activity_instances": ["session_id"]}),
    (["notes"], {}),
]


def file_of_week(path, week):
    """The state-C file as it was before addition number ``week`` (everything from there on removed)."""
    build_state_c(path)
    db = sqlite3.connect(path)
    for tables, columns in reversed(ADDITIONS[week:]):
        for table in tables:
            db.execute(f"DROP TABLE IF EXISTS {table}")
        for table, names in columns.items():
            present = {row[1] for row in db.execute(f"PRAGMA table_info({table})")}
            for name in names:
                if name in present:
                    db.execute(f'ALTER TABLE {table} DROP COLUMN "{name}"')
    db.commit()
    db.close()
    return path


@pytest.mark.parametrize("week", range(len(ADDITIONS) + 1))
def test_a_file_of_every_week_imports_and_accounts_for_every_row(owner, tmp_path, week):
    path = file_of_week(tmp_path / "goals.db", week)
    report = import_legacy(path, owner, source_tz="Europe/Berlin")
    assert report.state == ("C" if week >= 12 else "B")
    assert Goal.all_objects.filter(pk=U("c-root")).exists()
    for name in ("goals", "activity_definitions", "metric_definitions", "activity_instances", "metric_values"):
        counts = report.tables[name]
        assert counts.read == counts.imported + counts.skipped, name
    if week >= 12:
        assert PracticeSession.all_objects.filter(pk=U("c-s1")).exists()


def test_an_instance_id_taken_by_another_fractal_is_skipped_with_its_values_and_the_rest_imports(owner, state_c):
    from tests.factories import ActivityInstanceFactory

    stranger = ActivityInstanceFactory(id=U("c-i1"))
    report = import_legacy(state_c, owner, source_tz="Europe/Berlin")
    assert "this id is already used by another fractal" in report.reasons_for("activity_instances", U("c-i1"))
    assert ActivityInstance.all_objects.get(pk=U("c-i1")).root_id == stranger.root_id
    assert not MetricValue.all_objects.filter(instance_id=U("c-i1")).exclude(root_id=stranger.root_id).exists()
    assert ActivityInstance.all_objects.filter(pk=U("c-i2"), root_id=U("c-root")).exists()
    for name, counts in report.tables.items():
        assert counts.read == counts.imported + counts.skipped, name


def test_a_second_import_of_the_same_file_imports_nothing_and_its_counts_add_up(owner, state_c):
    first = import_legacy(state_c, owner, source_tz="Europe/Berlin")
    values = MetricValue.all_objects.count()
    second = import_legacy(state_c, owner, source_tz="Europe/Berlin")
    assert MetricValue.all_objects.count() == values
    assert sum(counts.imported for counts in second.tables.values()) == 0
    for name, counts in second.tables.items():
        assert counts.read == first.tables[name].read
        assert counts.read == counts.skipped, name


DAYS = 1500


def many_day_linked_sessions(path):
    """The state-C file plus DAYS program days, each with a free scheduled session (no template) and
    the template planned on it, and three sessions done that day: one of the template, one without,
    and one more of the template (for which nothing is left free)."""
    build_state_c(path)
    db = sqlite3.connect(path)
    template, root, block = U("c-template"), U("c-root"), U("c-block")
    for i in range(1, DAYS + 1):
        db.execute("INSERT INTO program_days (id, block_id, day_number) VALUES (?, ?, ?)", (_id("d", i), block, i))
        db.execute("INSERT INTO scheduled_sessions (id, day_id) VALUES (?, ?)", (_id("5", i), _id("d", i)))
        db.execute(
            'INSERT INTO program_day_templates (id, program_day_id, session_template_id, "order") VALUES (?, ?, ?, 1)',
            (_id("a", i), _id("d", i), template),
        )
        for prefix, session_template in (("1", template), ("2", None), ("3", template)):
            db.execute(
                "INSERT INTO sessions (id, root_id, name, template_id, program_day_id, created_at) "
                "VALUES (?, ?, ?, ?, ?, '2026-01-12 10:00:00')",
                (_id(prefix, i), root, f"Day {i}", session_template, _id("d", i)),
            )
    db.commit()
    db.close()
    return path


def _id(prefix, number):
    return f"{prefix * 8}-0000-4000-8000-{number:012d}"


def test_many_sessions_done_on_program_days_are_each_linked_to_the_right_scheduled_session(owner, tmp_path):
    report = import_legacy(many_day_linked_sessions(tmp_path / "goals.db"), owner, source_tz="Europe/Berlin")
    linked = dict(ScheduledSession.all_objects.filter(session__name__startswith="Day ").values_list("session_id", "pk"))
    assert len(linked) == 3 * DAYS
    for i in (1, DAYS // 2, DAYS):
        # The session of the template takes the planned one, though a free one without template comes first.
        assert str(linked[uuid.UUID(_id("1", i))]) == _id("a", i)
        # The session without a template takes the free one.
        assert str(linked[uuid.UUID(_id("2", i))]) == _id("5", i)
        # Nothing left free: a new scheduled session after the two, of the session's template.
        made = ScheduledSession.all_objects.get(pk=linked[uuid.UUID(_id("3", i))])
        assert str(made.day_id) == _id("d", i) and made.sort_order == 2 and str(made.template_id) == U("c-template")
    counts = report.tables["scheduled_sessions (sessions.program_day_id)"]
    assert counts.read == counts.imported == DAYS


def test_durations_are_the_whole_seconds_between_start_and_end(imported_c):
    assert PracticeSession.all_objects.get(pk=U("c-s1")).total_duration_seconds == 3600
    assert ActivityInstance.all_objects.get(pk=U("c-i1")).duration_seconds == 300


TIMES_OUT_OF_ORDER = f"""
UPDATE programs SET end_date = '2026-01-01' WHERE id = '{U("c-program")}';
UPDATE program_blocks SET end_date = '2026-01-02' WHERE id = '{U("c-block")}';
UPDATE sessions SET session_end = '2026-01-10T08:00:00Z' WHERE id = '{U("c-s1")}';
UPDATE activity_instances SET time_stop = '2026-01-10 07:00:00' WHERE id = '{U("c-i1")}';
UPDATE activity_instances SET time_start = NULL WHERE id = '{U("c-i2")}';
"""


def test_times_out_of_order_are_repaired_by_the_models_time_order_rules_and_itemised(owner, tmp_path):
    report = import_legacy(build_state_c(tmp_path / "goals.db", TIMES_OUT_OF_ORDER), owner, source_tz="Europe/Berlin")
    repairs = {(table, str(row)): what for table, row, what in report.repairs}
    program = Program.all_objects.get(pk=U("c-program"))
    assert program.end_date is None
    assert repairs["programs", U("c-program")] == "its end date was before its start; the end was dropped"
    block = ProgramBlock.all_objects.get(pk=U("c-block"))
    assert block.end_date == block.start_date == datetime.date(2026, 1, 5)
    assert repairs["program_blocks", U("c-block")] == "its end was before its start; it now ends on its start"
    session = PracticeSession.all_objects.get(pk=U("c-s1"))
    assert session.ended_at is None and session.total_duration_seconds is None
    assert repairs["practice_sessions", U("c-s1")] == "its end was before its start; the end was dropped"
    for pk in ("c-i1", "c-i2"):
        instance = ActivityInstance.all_objects.get(pk=U(pk))
        assert instance.time_stop is None and instance.duration_seconds is None
        assert repairs["activity_instances", U(pk)] == (
            "its stop time was before its start (or had no start); the stop was dropped"
        )
