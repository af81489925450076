"""The apps import one way only: front, insights, ops on top; sessions → activities → goals below.

Read from the source (every import statement of every module), so a new upward import fails here
the day it is written, whatever module it hides in.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# What each app may import from the project's own apps (itself always allowed).
ALLOWED = {
    "goals": set(),
    "activities": {"goals"},
    "sessions": {"goals", "activities"},
    "front": {"goals", "activities", "sessions"},
    "insights": {"goals", "activities", "sessions"},
    "ops": {"goals", "activities", "sessions"},
}
PROJECT_APPS = set(ALLOWED)


def imported_apps(path):
    """The project apps a module imports (absolute imports; relative ones stay inside the app)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found |= {name.split(".")[0] for name in names} & PROJECT_APPS
    return found


def modules_of(app):
    return sorted(path for path in (ROOT / app).rglob("*.py") if "migrations" not in path.parts)


@pytest.mark.parametrize("app", sorted(ALLOWED))
def test_app_imports_only_the_apps_below_it(app):
    wrong = {}
    for path in modules_of(app):
        upward = imported_apps(path) - ALLOWED[app] - {app}
        if upward:
            wrong[str(path.relative_to(ROOT))] = sorted(upward)
    assert wrong == {}, f"{app} imports upward: {wrong}"


def test_the_top_apps_hold_no_models():
    from django.apps import apps

    for label in ("front", "insights", "ops"):
        assert list(apps.get_app_config(label).get_models()) == []


def test_the_layering_check_sees_an_upward_import(tmp_path):
    module = tmp_path / "probe.py"
    module.write_text("from sessions.models import PracticeSession\nimport ops.backup\nfrom . import sibling\n")
    assert imported_apps(module) == {"sessions", "ops"}
