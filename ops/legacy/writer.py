"""Plain-row inserts for the legacy import: one ``executemany`` per batch, no model instances.

A 10× file holds close to a million rows; building a model instance for each and letting
``bulk_create`` compile every value into SQL costs more than everything else of the import together.
A row here is a dict of attribute names (``instance_id``, not ``instance``) to Python values; each
value goes through its field's own ``get_db_prep_save``, so what is stored is exactly what the ORM
would store (ids go straight to their stored form where that is plain hex). Times and flags repeat
across rows, so their conversions are remembered (a bounded memo per column).

Inserts run on the model's connection inside the caller's transaction: a failed import still writes
nothing. Like ``bulk_create``, nothing here calls ``save()`` or sends signals.
"""

import uuid

from django.db import connections, models, router

LOOKUP_BATCH = 900  # ids per look-up query: under SQLite's 999 parameters
INSERT_BATCH = 2000  # rows per executemany
MEMO_LIMIT = 10000  # remembered conversions per column before the memo starts again
MEMO_FIELDS = (models.DateTimeField, models.BooleanField)
MISSING = object()


class RowWriter:
    def __init__(self, model):
        meta = model._meta
        self.model = model
        self.connection = connections[router.db_for_write(model)]
        self.fields = list(meta.concrete_fields)
        quote = self.connection.ops.quote_name
        table = quote(meta.db_table)
        columns = ", ".join(quote(field.column) for field in self.fields)
        marks = ", ".join(["%s"] * len(self.fields))
        self.insert_sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"
        self.root_field = meta.get_field("root")
        pk, root = quote(meta.pk.column), quote(self.root_field.column)
        self.lookup_sql = f"SELECT {pk}, {root} FROM {table} WHERE {pk} IN "
        self.columns = [(field.attname, self._converter(field), self._default(field)) for field in self.fields]
        self.convert_pk = self._converter(meta.pk)
        self.convert_root = self._converter(self.root_field)

    def _converter(self, field):
        prepare, connection = field.get_db_prep_save, self.connection
        target = field.target_field if field.is_relation else field
        if isinstance(target, models.UUIDField) and not connection.features.has_native_uuid_field:
            # What UUIDField.get_db_prep_value stores without a native uuid type; the rest as the field does.
            return lambda value: value.hex if type(value) is uuid.UUID else prepare(value, connection)
        if not isinstance(field, MEMO_FIELDS):
            return lambda value: prepare(value, connection)
        memo = {}

        def convert(value):
            try:
                return memo[value]
            except KeyError:
                if len(memo) >= MEMO_LIMIT:
                    memo.clear()
                memo[value] = result = prepare(value, connection)
                return result

        return convert

    @staticmethod
    def _default(field):
        if not field.has_default():
            return lambda: None
        if callable(field.default):
            return field.default
        value = field.get_default()
        return lambda: value

    def row_of(self, obj):
        """A model instance as a plain row (for the stages that still build instances)."""
        row = {field.attname: getattr(obj, field.attname) for field in self.fields}
        source = getattr(obj, "import_source", None)
        if source is not None:
            row["import_source"] = source
        return row

    def prepared(self, row):
        values = []
        for attname, convert, default in self.columns:
            value = row.get(attname, MISSING)
            if value is MISSING:
                value = default()
            values.append(None if value is None else convert(value))
        return values

    def existing(self, rows):
        """``{pk: stored root}`` of the rows whose id is in the table already (root in database form)."""
        found = {}
        by_stored_pk = {self.convert_pk(row["id"]): row["id"] for row in rows}
        stored = list(by_stored_pk)
        with self.connection.cursor() as cursor:
            for start in range(0, len(stored), LOOKUP_BATCH):
                chunk = stored[start : start + LOOKUP_BATCH]
                cursor.execute(self.lookup_sql + f"({', '.join(['%s'] * len(chunk))})", chunk)
                for stored_pk, root in cursor.fetchall():
                    found[by_stored_pk.get(stored_pk, stored_pk)] = root
        return found

    def same_root(self, row, stored_root):
        return self.convert_root(row["root_id"]) == stored_root

    def insert(self, rows):
        with self.connection.cursor() as cursor:
            for start in range(0, len(rows), INSERT_BATCH):
                cursor.executemany(self.insert_sql, [self.prepared(row) for row in rows[start : start + INSERT_BATCH]])
