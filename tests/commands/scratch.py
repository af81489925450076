"""A migrated SQLite database file of its own, for tests that alter or replace a whole database.

It is a separate connection (not the test database), so tests can drop indexes or columns freely.
"""

import shutil

from django.db import connections
from django.db.backends.sqlite3.base import DatabaseWrapper
from django.db.migrations.executor import MigrationExecutor

_TEMPLATE = {}


def sqlite_connection(path, alias="scratch"):
    settings = {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        "ATOMIC_REQUESTS": False,
        "AUTOCOMMIT": True,
        "CONN_MAX_AGE": 0,
        "CONN_HEALTH_CHECKS": False,
        "OPTIONS": {},
        "TIME_ZONE": None,
        "USER": "",
        "PASSWORD": "",
        "HOST": "",
        "PORT": "",
        "TEST": {},
    }
    connection = DatabaseWrapper(settings, alias=alias)
    # Transactions look connections up by alias: register this one for the current thread.
    connections[alias] = connection
    return connection


def release(connection):
    connection.close()
    del connections[connection.alias]


def migrated_sqlite(path, tmp_path_factory):
    """A fully migrated SQLite file at ``path`` (migrated once per run, then copied)."""
    if "file" not in _TEMPLATE:
        template = tmp_path_factory.mktemp("template") / "template.db"
        connection = sqlite_connection(template, alias="scratch_template")
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
        release(connection)
        _TEMPLATE["file"] = template
    shutil.copy(_TEMPLATE["file"], path)
    return sqlite_connection(path)
