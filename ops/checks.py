"""System check tagged ``database``: ``manage.py check --database default`` reports schema drift."""

from django.core.checks import Tags, Warning, register
from django.db import connections

from .schema_check import DRIFT, find_drift


@register(Tags.database)
def schema_drift_check(app_configs=None, databases=None, **kwargs):
    messages = []
    for alias in databases or ():
        for finding in find_drift(connections[alias]):
            if finding.kind != DRIFT:
                continue
            # A warning, not an error: it must not block the migration that may repair it.
            messages.append(
                Warning(
                    f"Schema drift on database {alias!r}: {finding}",
                    hint="Run `manage.py check_schema` for the full report.",
                    id="goals.W001",
                )
            )
    return messages
