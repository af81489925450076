"""Trash operations every entry point (pages, API, admin, commands) calls.

They are thin over the one soft-delete graph (goals/softdelete.py, reached through the models'
``delete``/``restore``): the service only adds the transaction (so a refused restore or delete
changes nothing); the models run ``after_trash_change`` hooks (target re-evaluation).
"""

from django.db import transaction


# Callables ``hook(obj)`` run inside the transaction after every soft delete or restore (the
# models' ``delete``/``restore`` call them, whoever calls those), for what apps above this one
# derive from the rows: sessions re-evaluates targets. goals cannot import those apps.
def _sync_children_completion(obj):
    """A goal deleted or restored may decide whether its parent is complete (goals/completion.py)."""
    from .completion import sync_goal_id
    from .models import Goal

    if isinstance(obj, Goal):
        sync_goal_id(obj.parent_id)


after_trash_change = [_sync_children_completion]

# Callables ``hook(goal)`` run after a goal's completion mode changed (sessions evaluates its
# targets, which complete it only in the targets mode).
after_completion_mode_change = []


def after_trash_change_of(obj):
    for hook in after_trash_change:
        hook(obj)


def after_completion_mode_change_of(goal):
    for hook in after_completion_mode_change:
        hook(goal)


def delete_object(obj):
    """Move ``obj`` (and what the graph cascades from it) to the trash."""
    with transaction.atomic():
        obj.delete()
    return obj


def restore_object(obj):
    """Bring ``obj`` (and what its delete took with it) back; raises ValidationError when refused."""
    with transaction.atomic():
        obj.restore()
    return obj
