"""The standard cast: an owner with a fractal, a stranger with one of their own, and anonymous."""

import sqlite3
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client

from goals.models import GoalLevel
from tests.factories import FractalFactory, GoalFactory, UserFactory

PASSWORD = "correct-horse-battery"

# The slow tier: generated matrices over every route, fuzzing, real browsers, killed processes and
# benchmark fixtures. `make test` runs everything; `make test-fast` leaves these out.
SLOW_MODULES = {
    "tests/security/test_ownership_matrix.py",
    "tests/security/test_csrf.py",
    "tests/security/test_faults.py",
    "tests/api/test_access.py",
    "tests/api/test_schemathesis.py",
    "tests/perf/test_benchmark_command.py",
    "tests/commands/test_safe_migrate_sqlite.py",
}
SLOW_FOLDERS = {"tests/browser"}
PROJECT_DIR = Path(__file__).resolve().parent.parent


def pytest_collection_modifyitems(config, items):
    for item in items:
        relative = Path(str(item.fspath)).resolve().relative_to(PROJECT_DIR).as_posix()
        if relative in SLOW_MODULES or any(relative.startswith(f"{folder}/") for folder in SLOW_FOLDERS):
            item.add_marker(pytest.mark.slow)


@pytest.fixture
def owner(db):
    return UserFactory(username="owner")


@pytest.fixture
def stranger(db):
    return UserFactory(username="stranger")


def _client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def owner_client(owner):
    return _client_for(owner)


@pytest.fixture
def stranger_client(stranger):
    return _client_for(stranger)


@pytest.fixture
def anonymous_client():
    return Client()


@pytest.fixture
def fractal(owner):
    return FractalFactory(owner=owner, name="Get strong", level=GoalLevel.ULTIMATE)


@pytest.fixture
def stranger_fractal(stranger):
    return FractalFactory(owner=stranger, name="Stranger's fractal")


@pytest.fixture
def short_term_goal(fractal):
    """Ultimate → long-term → mid-term → short-term, returns the short-term goal."""
    long_term = GoalFactory(parent=fractal, name="Calisthenics")
    mid_term = GoalFactory(parent=long_term, name="Levers")
    return GoalFactory(parent=mid_term, name="Front lever")


@pytest.fixture
def own_database_file(tmp_path_factory):
    """On SQLite, move the test's default connection to a copy of the test database.

    For tests that need the database file to themselves (``safe_migrate`` refuses to swap a file
    that any other connection holds): in one long test process, other tests leave idle
    connections open to the shared test database, from the live server's threads or a thread
    pool. On PostgreSQL nothing changes.
    """
    if connection.vendor != "sqlite":
        yield None
        return
    original = connection.settings_dict["NAME"]
    own = tmp_path_factory.mktemp("own_database") / "test_database.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(own)
    try:
        connection.connection.backup(target)
    finally:
        target.close()
    connection.close()
    connection.settings_dict["NAME"] = str(own)
    try:
        yield own
    finally:
        connection.close()
        connection.settings_dict["NAME"] = original
