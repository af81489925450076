"""One ORM query compiled once and run for many ids.

A page that looks something up per metric or per activity (the best earlier value, the latest
notes) would build and compile one subquery per key, and Django's compiler costs more than the
database spends running them. A ``Probe`` is the query compiled once with placeholder ids; each key
then runs the same SQL with its own ids in place of the placeholders.
"""

import uuid

from django.db import connection

# Placeholder ids (never real ones: those are random, version 4).
FIRST, SECOND = uuid.UUID(int=1), uuid.UUID(int=2)


def _bind(params, placeholder, value):
    """``params`` with ``placeholder`` (as the compiler prepared it: a UUID, or its hex or text)
    replaced by ``value`` in the same form."""
    value = uuid.UUID(str(value))
    forms = {placeholder: value, placeholder.hex: value.hex, str(placeholder): str(value)}
    return [forms.get(param, param) if isinstance(param, (str, uuid.UUID)) else param for param in params]


class Probe:
    """``queryset`` compiled once; ``bound(FIRST=…, SECOND=…)`` its SQL and parameters for other ids."""

    def __init__(self, queryset):
        self.sql, self.params = queryset.query.get_compiler(using=queryset.db).as_sql()
        found = {str(param) for param in self.params if isinstance(param, uuid.UUID)}
        found |= {param for param in self.params if isinstance(param, str)}
        self.placeholders = {
            name: placeholder
            for name, placeholder in (("FIRST", FIRST), ("SECOND", SECOND))
            if {placeholder.hex, str(placeholder)} & found
        }

    def bound(self, **ids):
        if set(ids) != set(self.placeholders):
            raise ValueError(f"This probe takes {sorted(self.placeholders)}, not {sorted(ids)}.")
        params = list(self.params)
        for name, value in ids.items():
            params = _bind(params, self.placeholders[name], value)
        return self.sql, params


def first_values(parts):
    """One query: the first column of the first row of each ``(sql, params)`` in ``parts`` (None
    where it has no row), in order."""
    if not parts:
        return []
    sql = ", ".join(f"({part})" for part, _ in parts)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {sql}", [param for _, params in parts for param in params])
        return list(cursor.fetchone())


def union_all(parts):
    """``(sql, params)``: the rows of every ``(sql, params)`` in ``parts`` (each may be ordered and
    limited: it is read as a table of its own)."""
    sql = " UNION ALL ".join(f"SELECT * FROM ({part}) AS part_{index}" for index, (part, _) in enumerate(parts))
    return sql, [param for _, params in parts for param in params]
