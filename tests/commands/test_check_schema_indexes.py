"""Every index Django creates for the models is checked: dropping any one of them is drift.

One parametrized case per table; each index of the table is dropped in turn inside a transaction
that is rolled back (SQLite and PostgreSQL both have transactional DDL), on a migrated SQLite
file of its own, or on the PostgreSQL test database.
"""

import pytest
from django.apps import apps
from django.db import connection as default_connection
from django.db import transaction

from ops.schema_check import DRIFT, applied_state, compare_table, find_drift
from tests.commands.scratch import migrated_sqlite, release

TABLES = sorted(
    {
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    }
)


@pytest.fixture
def database(db, tmp_path, tmp_path_factory):
    if default_connection.vendor != "sqlite":
        yield default_connection
        return
    connection = migrated_sqlite(tmp_path / "indexes.db", tmp_path_factory)
    yield connection
    release(connection)


def droppable_indexes(connection, table):
    """(name, drop statement) for each index of ``table`` that is not the primary key."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL", [table]
            )
            # Autoindexes of inline UNIQUE clauses (no SQL) cannot be dropped, so cannot go missing.
            standalone = {row[0] for row in cursor.fetchall()}
        else:
            cursor.execute("SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass", [table])
            as_constraint = {row[0] for row in cursor.fetchall()}
    for name, info in sorted(constraints.items()):
        if info.get("primary_key") or info.get("check") or not (info.get("index") or info.get("unique")):
            continue
        if connection.vendor == "sqlite":
            if name in standalone:
                yield name, f"DROP INDEX {quote(name)}"
        elif name in as_constraint:
            yield name, f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}"
        else:
            yield name, f"DROP INDEX {quote(name)}"


def drift_of_table(connection, model):
    with connection.cursor() as cursor:
        return [str(finding) for finding in compare_table(model, cursor, connection) if finding.kind == DRIFT]


@pytest.mark.parametrize("table", TABLES)
def test_dropping_any_index_of_a_table_is_drift(database, table):
    state, _ = applied_state(database)
    model = next(m for m in state.apps.get_models(include_auto_created=True) if m._meta.db_table == table)
    assert drift_of_table(database, model) == []
    for name, statement in list(droppable_indexes(database, table)):
        with transaction.atomic(using=database.alias):
            with database.cursor() as cursor:
                cursor.execute(statement)
            lines = drift_of_table(database, model)
            transaction.set_rollback(True, using=database.alias)
        assert lines, f"dropping {name} of {table} went unnoticed"
        assert all(line.startswith(f"{table}: missing ") for line in lines), lines


def test_dropping_the_only_index_on_activity_instances_section_id_is_drift(database):
    with database.cursor() as cursor:
        constraints = database.introspection.get_constraints(cursor, "activity_instances")
    [name] = [
        name
        for name, info in constraints.items()
        if info["index"] and info["columns"] == ["section_id"] and not info.get("foreign_key")
    ]
    with transaction.atomic(using=database.alias):
        with database.cursor() as cursor:
            cursor.execute(f"DROP INDEX {database.ops.quote_name(name)}")
        lines = [str(finding) for finding in find_drift(database) if finding.kind == DRIFT]
        transaction.set_rollback(True, using=database.alias)
    assert lines == ["activity_instances: missing index on section_id"]
