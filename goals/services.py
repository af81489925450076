"""Trash operations every entry point (pages, API, admin, commands) calls.

They are thin over the one soft-delete graph (goals/softdelete.py, reached through the models'
``delete``/``restore``): the service only adds the transaction, so a refused restore or delete
changes nothing.
"""

from django.db import transaction


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
