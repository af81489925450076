"""Text search that ignores case for every alphabet, on SQLite and PostgreSQL alike.

Django's ``icontains`` is case-insensitive on PostgreSQL (``UPPER(...) LIKE UPPER(...)``) but on
SQLite only for ASCII letters: "Übung" would not find "übung". Both sides are lowered here
instead: by ``LOWER`` on PostgreSQL and, on SQLite (whose ``lower()`` is ASCII only too), by
Python's ``str.lower`` registered on each connection as ``fg_lower``.
"""

from django.db.models import CharField, Func, Value
from django.db.models.functions import StrIndex
from django.db.models.lookups import GreaterThan

SQLITE_LOWER = "fg_lower"


def _lower(value):
    return value.lower() if isinstance(value, str) else value


def register_sqlite_functions(sender, connection, **kwargs):
    """``connection_created`` receiver: give every SQLite connection ``fg_lower``."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(SQLITE_LOWER, 1, _lower, deterministic=True)


class UnicodeLower(Func):
    function = "LOWER"
    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function=SQLITE_LOWER, **extra_context)


def contains_text(field, text):
    """A condition: ``field`` contains ``text``, in any case (letters of any alphabet)."""
    return GreaterThan(StrIndex(UnicodeLower(field), Value(text.lower())), 0)
