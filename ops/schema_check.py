"""Compare a live database with what the applied migrations (and the models) expect.

The expected schema is the migration state at the migrations recorded as applied, so a pending
migration is reported as pending, not as drift. Everything else that differs — a missing or
extra table or column, a column of another type family, a nullability mismatch, a missing
declared index or constraint, an undeclared index — is drift: one ``Finding`` per difference.

Only Django's introspection and the migration machinery are used, so it works on SQLite and
PostgreSQL alike.
"""

from dataclasses import dataclass

from django.apps import apps as global_apps
from django.db import router
from django.db.migrations.autodetector import MigrationAutodetector
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.state import ProjectState
from django.db.models import UniqueConstraint

DRIFT = "drift"
PENDING = "pending"

# Field types compared by family: the exact width of an integer or a varchar is not drift,
# but a text column where a date is expected is.
TYPE_FAMILIES = {
    "text": {
        "CharField",
        "TextField",
        "SlugField",
        "EmailField",
        "URLField",
        "FilePathField",
        "FileField",
        "ImageField",
        "GenericIPAddressField",
        "IPAddressField",
    },
    "integer": {
        "AutoField",
        "BigAutoField",
        "SmallAutoField",
        "IntegerField",
        "BigIntegerField",
        "SmallIntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "PositiveBigIntegerField",
    },
    "boolean": {"BooleanField", "NullBooleanField"},
    "float": {"FloatField"},
    "decimal": {"DecimalField"},
    "datetime": {"DateTimeField"},
    "date": {"DateField"},
    "time": {"TimeField"},
    "uuid": {"UUIDField"},
    "json": {"JSONField"},
    "binary": {"BinaryField"},
    "duration": {"DurationField"},
}
FAMILY_OF = {name: family for family, names in TYPE_FAMILIES.items() for name in names}


@dataclass(frozen=True)
class Finding:
    kind: str  # DRIFT or PENDING
    table: str
    message: str

    def __str__(self):
        return f"{self.table}: {self.message}" if self.table else self.message


def type_family(internal_type, connection):
    family = FAMILY_OF.get(internal_type, internal_type.lower())
    if family == "uuid" and not connection.features.has_native_uuid_field:
        return "text"  # stored as char(32)
    if family == "json" and not connection.features.has_native_json_field:
        return "text"
    if family == "duration" and not connection.features.has_native_duration_field:
        return "integer"
    return family


def expected_family(field, connection):
    while field.is_relation:
        field = field.target_field
    return type_family(field.get_internal_type(), connection)


def actual_family(column, connection):
    try:
        internal = connection.introspection.get_field_type(column.type_code, column)
    except KeyError:
        return str(column.type_code).split("(")[0].strip().lower()
    # SQLite reports a JSON column as text unless it carries the json_valid check.
    if internal == "TextField" and not connection.features.has_native_json_field:
        return "text"
    return type_family(internal, connection)


def applied_state(connection):
    """The migration executor, the project state at the applied migrations, and findings."""
    executor = MigrationExecutor(connection)
    loader = executor.loader
    findings = []
    applied = [key for key in loader.applied_migrations if key in loader.graph.nodes]
    for key in loader.applied_migrations:
        if key not in loader.graph.nodes:
            findings.append(Finding(DRIFT, "", f"applied migration {key[0]}.{key[1]} is missing from the code"))
    state = loader.project_state(nodes=applied, at_end=True) if applied else ProjectState()
    for migration, _backwards in executor.migration_plan(loader.graph.leaf_nodes()):
        findings.append(Finding(PENDING, "", f"migration {migration.app_label}.{migration.name} is not applied"))
    changes = MigrationAutodetector(loader.project_state(), ProjectState.from_apps(global_apps)).changes(
        graph=loader.graph
    )
    for app_label in sorted(changes):
        findings.append(Finding(DRIFT, "", f"models of {app_label} have changes that no migration records"))
    return state, findings


def expected_models(state_apps, connection):
    for model in state_apps.get_models(include_auto_created=True):
        opts = model._meta
        if not opts.managed or opts.proxy or opts.swapped:
            continue
        if not router.allow_migrate_model(connection.alias, model):
            continue
        yield model


@dataclass(frozen=True)
class ExpectedIndex:
    """An index Django creates for a model: matched by name when it has one of ours, else by columns."""

    columns: tuple
    unique: bool
    name: str | None = None  # Meta.indexes / Meta.constraints carry their own names


def _columns(opts, names):
    return tuple(opts.get_field(name.lstrip("-")).column for name in names)


def expected_indexes(model, connection):
    """Every index the schema editor would create for ``model``: unique and db_index fields (so
    every foreign key), PostgreSQL's ``_like`` pattern indexes, unique_together, Meta.indexes and
    unique constraints (partial ones included). Primary keys and check constraints are not here."""
    opts = model._meta
    like_editor = connection.schema_editor(collect_sql=True) if connection.vendor == "postgresql" else None
    expected = []
    for field in opts.local_fields:
        if field.db_type(connection) is None:
            continue
        if field.unique and not field.primary_key:
            expected.append(ExpectedIndex((field.column,), unique=True))
        elif field.db_index and not field.primary_key:
            expected.append(ExpectedIndex((field.column,), unique=False))
        if like_editor is not None and like_editor._create_like_index_sql(model, field) is not None:
            expected.append(ExpectedIndex((field.column,), unique=False))
    for fields in opts.unique_together:
        expected.append(ExpectedIndex(_columns(opts, fields), unique=True))
    for index in opts.indexes:
        expected.append(ExpectedIndex(_columns(opts, index.fields), unique=False, name=index.name))
    for constraint in opts.constraints:
        if isinstance(constraint, UniqueConstraint):
            expected.append(ExpectedIndex(_columns(opts, constraint.fields), unique=True, name=constraint.name))
    return expected


def _is_index(info):
    return bool(info.get("index") or info.get("unique")) and not info.get("primary_key") and not info.get("check")


def compare_indexes(model, constraints, connection):
    """Each expected index must exist (ours by name, Django's generated ones by their columns and
    uniqueness, counted, so one index cannot stand in for two); any other index is drift."""
    table = model._meta.db_table
    findings = []
    pool = {name: info for name, info in constraints.items() if _is_index(info)}
    by_columns = []
    for index in expected_indexes(model, connection):
        if index.name is None:
            by_columns.append(index)
            continue
        kind = "constraint" if index.unique else "index"
        info = pool.pop(index.name, None)
        if info is None:
            findings.append(Finding(DRIFT, table, f"missing {kind} {index.name}"))
        elif index.columns and tuple(info["columns"] or ()) != index.columns:
            found = ", ".join(column or "?" for column in info["columns"] or ())
            findings.append(
                Finding(DRIFT, table, f"{kind} {index.name} is on {found}, expected {', '.join(index.columns)}")
            )
    for index in by_columns:
        match = next(
            (
                name
                for name, info in pool.items()
                if tuple(info["columns"] or ()) == index.columns and bool(info.get("unique")) == index.unique
            ),
            None,
        )
        if match is None:
            kind = "unique index" if index.unique else "index"
            findings.append(Finding(DRIFT, table, f"missing {kind} on {', '.join(index.columns)}"))
        else:
            del pool[match]
    for name, info in sorted(pool.items()):
        listed = ", ".join(column or "?" for column in info["columns"] or ()) or "?"
        kind = "unique index" if info.get("unique") else "index"
        findings.append(Finding(DRIFT, table, f"undeclared {kind} {name} on {listed}"))
    return findings


def compare_table(model, cursor, connection):
    opts = model._meta
    table = opts.db_table
    introspection = connection.introspection
    findings = []
    columns = {column.name: column for column in introspection.get_table_description(cursor, table)}
    expected_columns = {}
    for field in opts.local_fields:
        if field.db_type(connection) is None:
            continue
        expected_columns[field.column] = field
    for name, field in expected_columns.items():
        column = columns.get(name)
        if column is None:
            findings.append(Finding(DRIFT, table, f"missing column {name}"))
            continue
        want, have = expected_family(field, connection), actual_family(column, connection)
        if want != have:
            findings.append(Finding(DRIFT, table, f"column {name} has type {have}, expected {want}"))
        if not field.primary_key and bool(column.null_ok) != bool(field.null):
            expected = "NULL allowed" if field.null else "NOT NULL"
            findings.append(Finding(DRIFT, table, f"column {name} nullability differs: expected {expected}"))
    for name in columns:
        if name not in expected_columns:
            findings.append(Finding(DRIFT, table, f"extra column {name}"))

    constraints = introspection.get_constraints(cursor, table)
    findings.extend(compare_indexes(model, constraints, connection))
    checked_columns = {field.column for field in opts.local_fields if field.db_check(connection)}
    declared_checks = {
        constraint.name for constraint in opts.constraints if not isinstance(constraint, UniqueConstraint)
    }
    for name, info in constraints.items():
        if not info.get("check") or name in declared_checks:
            continue
        found = tuple(info["columns"] or ())
        # Column checks that fields add themselves (e.g. positive integers) carry no name of ours.
        if len(set(found)) == 1 and found[0] in checked_columns:
            continue
        findings.append(Finding(DRIFT, table, f"undeclared check constraint {name} on {', '.join(found) or '?'}"))
    for name in sorted(declared_checks - set(constraints)):
        findings.append(Finding(DRIFT, table, f"missing constraint {name}"))
    return findings


def find_drift(connection):
    """Every difference between the database and the expected schema, as ``Finding`` rows."""
    state, findings = applied_state(connection)
    introspection = connection.introspection
    with connection.cursor() as cursor:
        tables = {info.name for info in introspection.get_table_list(cursor) if info.type == "t"}
        expected = {}
        for model in expected_models(state.apps, connection):
            expected[model._meta.db_table] = model
        for table, model in sorted(expected.items()):
            if table not in tables:
                findings.append(Finding(DRIFT, table, "missing table"))
                continue
            findings.extend(compare_table(model, cursor, connection))
    recorder_table = "django_migrations"
    for table in sorted(tables - set(expected) - {recorder_table}):
        if table.startswith("sqlite_"):
            continue
        findings.append(Finding(DRIFT, table, "extra table that no model or migration defines"))
    return findings
