"""Copying a goal with its subtree and targets (not its sessions), as one operation.

A copy is a new plan: every goal of it starts open, whatever the original's state, since the
sessions and achievements that completed the original are not copied. It stays in the goal's
fractal (its targets point at the fractal's activities) under a parent of the level above.
"""

import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from goals.completion import sync
from goals.models import Goal, GoalLevel

from .models import Target, TargetMetric

# What a copy does not take over from the original goal: identity, place, audit and outcome.
NOT_COPIED = {"id", "root", "parent", "owner", "sort_order", "created_at", "updated_at", "deleted_at"}
# A copy also starts active (its pauses are the original's history, not copied).
OUTCOME_DEFAULTS = {
    "completed": False,
    "completed_at": None,
    "completed_by": "",
    "paused_at": None,
    "archived_at": None,
}


def copy_name(name):
    suffix = " (copy)"
    limit = Goal._meta.get_field("name").max_length
    return name[: limit - len(suffix)] + suffix


def _clone(original, model, **fields):
    values = {
        field.attname: getattr(original, field.attname)
        for field in model._meta.concrete_fields
        if field.name not in NOT_COPIED and not field.primary_key and field.name not in fields
    }
    values.update(fields)
    clone = model(**values)
    clone.pk = uuid.uuid4()
    return clone


def _checked(obj):
    """The rules save() runs, for a row that goes in with bulk_create."""
    obj.validate_scope()
    obj.validate_rules()
    obj.validate_values()
    return obj


@transaction.atomic
def copy_goal(goal, parent=None):
    """Copy ``goal`` with its live subtree and their live targets under ``parent`` (default: its own).

    Returns the new top goal. Refused (ValidationError) for a fractal root, for a parent outside
    the fractal, in the trash or not of the level above.
    """
    if goal.parent_id is None:
        raise ValidationError("A fractal root cannot be copied here; export and import the fractal instead.")
    parent = parent or goal.parent
    if parent.root_id != goal.root_id:
        raise ValidationError({"parent": "A goal can only be copied within its own fractal."})
    if parent.deleted_at is not None:
        raise ValidationError({"parent": "That goal is in the trash."})
    if not GoalLevel(parent.level).may_parent(GoalLevel(goal.level)):
        raise ValidationError({"parent": f"A {goal.get_level_display().lower()} goes under a goal of the level above."})

    now = timezone.now()
    audit = {"root_id": goal.root_id, "created_at": now, "updated_at": now}
    subtree = goal.descendant_ids(include_self=True)
    originals = {row.pk: row for row in Goal.objects.filter(pk__in=subtree)}
    depth = {level: index for index, level in enumerate(GoalLevel.ordered())}
    copies = {}
    for original in sorted(originals.values(), key=lambda row: depth[GoalLevel(row.level)]):
        if original.pk == goal.pk:
            fields = {"name": copy_name(original.name), "sort_order": None}
            new_parent = parent
        else:
            fields = {"sort_order": original.sort_order}
            new_parent = copies[original.parent_id]
        clone = _clone(original, Goal, parent=new_parent, **fields, **OUTCOME_DEFAULTS, **audit)
        if clone.sort_order is None:
            clone.sort_order = clone.next_sort_order()
        copies[original.pk] = _checked(clone)
    Goal.all_objects.bulk_create(copies.values())

    targets = {}
    for target in Target.objects.filter(goal_id__in=originals).select_related("activity"):
        targets[target.pk] = _checked(
            _clone(
                target,
                Target,
                goal=copies[target.goal_id],
                activity=target.activity,
                sort_order=target.sort_order,
                **audit,
            )
        )
    Target.all_objects.bulk_create(targets.values())
    thresholds = [
        _checked(_clone(row, TargetMetric, target=targets[row.target_id], metric=row.metric, **audit))
        for row in TargetMetric.objects.filter(target_id__in=targets).select_related("metric")
    ]
    TargetMetric.all_objects.bulk_create(thresholds)
    sync(parent)  # an open copy reopens a parent its children completed
    return copies[goal.pk]
