"""Signals the activities app sends for apps above it (it imports none of them).

``target_edited`` (sender: the Target class, ``goal_id``): a target or its rules changed through an
entry point (API, admin); the target evaluation (in sessions) re-evaluates the goal.
"""

from django.dispatch import Signal

target_edited = Signal()


def send_target_edited(target):
    target_edited.send(sender=type(target), goal_id=target.goal_id)
