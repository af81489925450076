"""Saving an activity definition together with its metrics and splits, as one operation."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from .models import ActivityDefinition, MetricDefinition, SplitDefinition

DEFINITION_FIELDS = (
    "name",
    "description",
    "group",
    "has_sets",
    "has_metrics",
    "metrics_multiplicative",
    "has_splits",
    "planned_seconds",
    "rest_seconds",
)
METRIC_FIELDS = ("name", "unit", "is_top_set_metric", "is_multiplicative", "is_active", "lower_is_better")


@dataclass
class MetricSpec:
    """One metric as the user wants it; ``id`` names an existing metric to keep and update."""

    name: str
    unit: str = ""
    is_top_set_metric: bool = False
    is_multiplicative: bool = False
    is_active: bool = True
    id: object = None
    lower_is_better: bool = False


@dataclass
class SplitSpec:
    name: str
    id: object = None


@dataclass
class _Plan:
    keep: list = field(default_factory=list)
    remove: list = field(default_factory=list)


def _plan(existing, specs, model, fields, label):
    """Match specs to existing rows by id: rows not named any more are removed."""
    by_id = {str(row.pk): row for row in existing}
    plan = _Plan()
    used = set()
    for position, spec in enumerate(specs):
        if spec.id:
            key = str(spec.id)
            if key not in by_id or key in used:
                raise ValidationError(
                    {label: f"Unknown {model._meta.verbose_name} {key}: it does not belong to this activity."}
                )
            row = by_id[key]
            used.add(key)
        else:
            row = model()
        for name in fields:
            setattr(row, name, getattr(spec, name))
        row.name = row.name.strip()
        row.sort_order = position
        plan.keep.append(row)
    plan.remove = [row for key, row in by_id.items() if key not in used]
    return plan


def save_activity(root, fields, metrics, splits, definition=None):
    """Create or update an activity with exactly ``metrics`` and ``splits`` (lists of specs).

    Validated by ``ActivityDefinition.validate_structure`` and every model rule before anything
    is kept; metrics and splits left out are soft-deleted, so recorded history keeps its names.
    Used by the activity form and the API alike.
    """
    root_id = getattr(root, "pk", root)
    with transaction.atomic():
        if definition is None:
            definition = ActivityDefinition()
            definition.root_id = root_id
        elif definition.root_id != root_id:
            raise ValidationError("This activity belongs to another fractal.")
        for name in DEFINITION_FIELDS:
            if name in fields:
                setattr(definition, name, fields[name])
        existing_metrics = list(MetricDefinition.objects.filter(activity_id=definition.pk)) if definition.pk else []
        existing_splits = list(SplitDefinition.objects.filter(activity_id=definition.pk)) if definition.pk else []
        metric_plan = _plan(existing_metrics, metrics, MetricDefinition, METRIC_FIELDS, "metrics")
        split_plan = _plan(existing_splits, splits, SplitDefinition, ("name",), "splits")
        definition.validate_structure(metric_plan.keep, split_plan.keep)
        definition.full_clean()
        definition.save()
        for row in metric_plan.remove + split_plan.remove:
            row.delete()
        # Rows giving up the top-set flag are saved first, so the "one top set" rule holds throughout.
        for row in sorted(metric_plan.keep, key=lambda row: row.is_top_set_metric):
            _save_child(row, definition)
        for row in split_plan.keep:
            _save_child(row, definition)
    return definition


def _save_child(row, definition):
    row.activity = definition
    row.full_clean()
    row.save()
