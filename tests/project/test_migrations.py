from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection


def test_models_and_migrations_agree(db):
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_migrations_apply_on_an_empty_database_and_back():
    call_command("migrate", "practice_sessions", "zero", verbosity=0)
    call_command("migrate", "activities", "zero", verbosity=0)
    call_command("migrate", "goals", "zero", verbosity=0)
    tables = set(connection.introspection.table_names())
    assert not {"goals", "practice_sessions", "metric_values"} & tables
    call_command("migrate", verbosity=0)
    tables = set(connection.introspection.table_names())
    expected = {
        "goals",
        "activity_groups",
        "activity_definitions",
        "metric_definitions",
        "split_definitions",
        "targets",
        "target_metrics",
        "practice_sessions",
        "practice_session_goals",
        "session_sections",
        "activity_instances",
        "metric_values",
        "session_templates",
        "template_sections",
        "template_section_activities",
        "programs",
        "program_blocks",
        "program_days",
        "scheduled_sessions",
        "target_achievements",
    }
    assert expected <= tables


def test_root_columns_are_not_null(db):
    with connection.cursor() as cursor:
        for table in ("goals", "activity_definitions", "metric_values", "practice_sessions", "scheduled_sessions"):
            columns = {c.name: c for c in connection.introspection.get_table_description(cursor, table)}
            assert columns["root_id"].null_ok is False, table
