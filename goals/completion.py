"""Completion by children: the one rule, and the one function every path that changes it calls.

A goal whose ``completion_mode`` is ``children`` is complete exactly while it has at least one
*counted* child and every counted child is complete. Counted children are its live children that
are neither paused nor archived themselves (a paused or archived child does not block its parent,
and does not count towards it either: a goal whose children are all paused is open).

The state is derived, so it is re-derived wherever an input changes: a child completes or reopens
(``Goal.complete``/``reopen``, by hand, by targets or by its own children), a child is added,
copied under it, moved in or out, deleted or restored, paused, resumed, archived or unarchived,
or the goal's own mode changes. Each of those calls ``sync_parent`` (or ``sync``), which settles
the goal and, when its state changed, its parent in turn: chains of children-mode goals follow.
"""

from django.utils import timezone


def counted_children(goal):
    from goals.models import Goal

    return Goal.objects.filter(parent_id=goal.pk, paused_at__isnull=True, archived_at__isnull=True)


def children_complete(goal):
    """True when ``goal`` has a counted child and all of them are complete (two small queries)."""
    children = counted_children(goal)
    return children.exists() and not children.filter(completed=False).exists()


def sync(goal):
    """Settle ``goal``'s completion when its children decide it; then its parent's. Returns True
    when the goal's state changed."""
    from goals.models import CompletedBy, CompletionMode

    if goal is None or goal.deleted_at is not None or goal.completion_mode != CompletionMode.CHILDREN:
        return False
    done = children_complete(goal)
    if done == goal.completed:
        return False
    if done:
        latest = counted_children(goal).order_by("-completed_at").values_list("completed_at", flat=True).first()
        goal.complete(when=latest or timezone.now(), by=CompletedBy.CHILDREN)
    else:
        goal.reopen(by=CompletedBy.CHILDREN)
    return True  # complete()/reopen() went on to the parent


def sync_parent(goal):
    """After ``goal`` changed in a way its parent may count (state, place, trash, pause)."""
    if goal.parent_id is not None:
        sync_goal_id(goal.parent_id)


def sync_goal_id(goal_id):
    from goals.models import Goal

    if goal_id is None:
        return False
    parent = Goal.objects.filter(pk=goal_id).first()
    return sync(parent) if parent is not None else False
