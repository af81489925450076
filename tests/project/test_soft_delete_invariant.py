"""Delete then restore one object of every fractal-scoped model: the database is as it was.

The models come from the app registry, so a new model is covered the day it is added.
"""

import pytest
from django.apps import apps
from django.db import connection

from goals.integrity import find_problems
from goals.softdelete import scoped_models
from tests.security.world import MODEL_ROLES, build_world, make_user


def every_row():
    """Every row of every table, all columns but ``updated_at``."""
    state = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.db_table.startswith("django_"):
            continue
        quote = connection.ops.quote_name
        columns = [quote(field.column) for field in model._meta.concrete_fields if field.column != "updated_at"]
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {', '.join(columns)} FROM {quote(model._meta.db_table)}")
            state[model._meta.db_table] = sorted(map(repr, cursor.fetchall()))
    return state


def object_of(world, model):
    if model._meta.label == "goals.Goal":
        return world.goal
    roles = MODEL_ROLES.get(model)
    assert roles, f"tests/security/world.py builds no {model.__name__}: add one to the world"
    return getattr(world, roles[0])


@pytest.mark.parametrize("model", scoped_models(), ids=lambda model: model.__name__)
def test_deleting_then_restoring_leaves_every_row_as_it_was(db, model):
    world = build_world(make_user("invariant"), "INV")
    obj = object_of(world, model)
    before = every_row()
    assert find_problems() == []
    obj.delete()
    assert obj.deleted_at is not None
    assert find_problems() == []
    obj.restore()
    assert find_problems() == []
    after = every_row()
    changed = {table: (set(before[table]) ^ set(after[table])) for table in before if before[table] != after[table]}
    assert changed == {}


def test_deleting_the_fractal_root_then_restoring_it_leaves_every_row_as_it_was(db):
    world = build_world(make_user("invariant"), "INV")
    before = every_row()
    world.root.delete()
    assert find_problems() == []
    world.root.restore()
    assert every_row() == before
