from io import StringIO

import pytest
from django.core.checks import run_checks
from django.core.management import CommandError, call_command

from ops.schema_check import DRIFT, PENDING, find_drift
from tests.commands.scratch import migrated_sqlite, release, sqlite_connection


@pytest.fixture
def scratch(db, tmp_path, tmp_path_factory):
    connection = migrated_sqlite(tmp_path / "scratch.db", tmp_path_factory)
    yield connection
    release(connection)


def drift_lines(connection):
    return [str(finding) for finding in find_drift(connection) if finding.kind == DRIFT]


def alter(connection, *statements):
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def test_a_freshly_migrated_database_has_no_drift(scratch):
    assert find_drift(scratch) == []


def test_the_test_database_has_no_drift_through_the_command(db):
    out = StringIO()
    call_command("check_schema", stdout=out)
    assert "matches" in out.getvalue()


def test_a_missing_column_is_drift(scratch):
    alter(scratch, "ALTER TABLE programs DROP COLUMN description")
    assert drift_lines(scratch) == ["programs: missing column description"]


def test_an_extra_column_is_drift(scratch):
    alter(scratch, "ALTER TABLE goals ADD COLUMN legacy_notes text NULL")
    assert drift_lines(scratch) == ["goals: extra column legacy_notes"]


def test_a_missing_declared_index_is_drift(scratch):
    alter(scratch, "DROP INDEX goal_root_level_idx")
    assert drift_lines(scratch) == ["goals: missing index goal_root_level_idx"]


def test_a_missing_partial_unique_constraint_is_drift(scratch):
    alter(scratch, "DROP INDEX activity_definition_unique_live_name")
    assert drift_lines(scratch) == ["activity_definitions: missing constraint activity_definition_unique_live_name"]


def test_an_undeclared_index_is_drift(scratch):
    alter(scratch, "CREATE INDEX hand_made_idx ON goals (name)")
    assert drift_lines(scratch) == ["goals: undeclared index hand_made_idx on name"]


def test_a_hand_made_unique_index_over_indexed_columns_is_drift(scratch):
    alter(scratch, "CREATE UNIQUE INDEX hand_unique ON goals (root_id, level)")
    assert drift_lines(scratch) == ["goals: undeclared unique index hand_unique on root_id, level"]


def test_a_hand_made_check_constraint_is_drift_on_postgresql(db):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("SQLite cannot add a constraint to an existing table")
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE goals ADD CONSTRAINT hand_check CHECK (length(name) > 0)")
    assert drift_lines(connection) == ["goals: undeclared check constraint hand_check on name"]


def test_a_nullability_mismatch_is_drift(scratch):
    # SQLite cannot alter NOT NULL in place: rebuild the table the way a hand edit would.
    with scratch.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE name = 'user_profiles'")
        create = cursor.fetchone()[0]
    relaxed = create.replace('"time_zone" varchar(64) NOT NULL', '"time_zone" varchar(64) NULL')
    assert relaxed != create
    alter(
        scratch,
        "PRAGMA foreign_keys = OFF",
        "ALTER TABLE user_profiles RENAME TO user_profiles_old",
        relaxed,
        "INSERT INTO user_profiles SELECT * FROM user_profiles_old",
        "DROP TABLE user_profiles_old",
    )
    lines = drift_lines(scratch)
    assert "user_profiles: column time_zone nullability differs: expected NOT NULL" in lines


def test_a_column_of_another_type_family_is_drift(scratch):
    alter(
        scratch,
        "ALTER TABLE goals DROP COLUMN description",
        "ALTER TABLE goals ADD COLUMN description integer NOT NULL DEFAULT 0",
    )
    assert drift_lines(scratch) == ["goals: column description has type integer, expected text"]


def test_a_missing_table_and_an_extra_table_are_drift(scratch):
    alter(scratch, "DROP TABLE target_achievements", "CREATE TABLE leftovers (id integer)")
    assert drift_lines(scratch) == [
        "target_achievements: missing table",
        "leftovers: extra table that no model or migration defines",
    ]


def test_unapplied_migrations_are_reported_as_pending_not_as_drift(db, tmp_path):
    empty = sqlite_connection(tmp_path / "empty.db")
    findings = find_drift(empty)
    release(empty)
    assert findings and {finding.kind for finding in findings} == {PENDING}
    assert any("practice_sessions.0001_initial" in str(finding) for finding in findings)


def test_the_command_prints_one_line_per_drift_and_exits_with_1(db):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CREATE INDEX hand_made_idx ON goals (name)")
    out = StringIO()
    with pytest.raises(CommandError) as error:
        call_command("check_schema", stdout=out)
    assert error.value.returncode == 1
    assert out.getvalue().splitlines() == ["DRIFT goals: undeclared index hand_made_idx on name"]


def test_the_database_system_check_reports_drift(db):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CREATE INDEX hand_made_idx ON goals (name)")
    messages = run_checks(databases=["default"], tags=["database"])
    assert [message.id for message in messages if message.id == "goals.W001"] == ["goals.W001"]
    assert "hand_made_idx" in messages[0].msg
    assert run_checks(tags=["database"]) == []  # without --database nothing touches the database
