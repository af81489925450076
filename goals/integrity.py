"""Integrity of the fractal data: roots, links, orphans and trash consistency.

``find_problems()`` lists every finding; ``repair()`` fixes, in one transaction, what can be
derived (a root from the parent, a live row under a deleted parent) and returns what it changed.
It knows no model by name: it walks every fractal-scoped model of the app registry, so it lives
here in ``goals``; each model adds its own stored-row rules (time order, say) by declaring
``integrity_rules()``. Used by ``check_integrity``, ``safe_migrate``, the importer and the admin.

The parent of each model is discovered from its own ``derive_root_id()``, so this module follows
the models instead of keeping a second copy of their relations.
"""

import uuid
from dataclasses import dataclass
from functools import cache

from django.apps import apps
from django.db import transaction
from django.db.models import F, OuterRef, Q, Subquery

from goals import softdelete
from goals.models import FractalScopedModel, Goal

ROOT_FIELD = "root"


@dataclass(frozen=True)
class Problem:
    table: str
    row_id: str
    message: str
    fixable: bool

    def __str__(self):
        flag = "" if self.fixable else " (needs a person)"
        return f"{self.table} {self.row_id}: {self.message}{flag}"


def scoped_models():
    return [
        model
        for model in apps.get_models()
        if issubclass(model, FractalScopedModel) and not model._meta.abstract and not model._meta.proxy
    ]


@cache
def parent_field(model):
    """The foreign key ``derive_root_id()`` takes the root from, or None for top-level models."""
    sentinel = uuid.uuid4()
    for field in model._meta.concrete_fields:
        if not field.is_relation or field.name == ROOT_FIELD or not field.many_to_one:
            continue
        related_model = field.related_model
        if not issubclass(related_model, FractalScopedModel):
            continue
        related = related_model()
        related.root_id = sentinel
        probe = model()
        setattr(probe, field.name, related)
        try:
            derived = probe.derive_root_id()
        except Exception:  # a derive that needs more than one relation: not this field
            continue
        if derived == sentinel:
            return field
    return None


def linked_fields(model):
    """Foreign keys (one-to-one included) to other scoped rows that must stay in the same fractal
    (not root/parent: those have their own checks)."""
    parent = parent_field(model)
    return [
        field
        for field in model._meta.concrete_fields
        if field.is_relation
        and (field.many_to_one or field.one_to_one)
        and field.name != ROOT_FIELD
        and (parent is None or field.name != parent.name)
        and issubclass(field.related_model, FractalScopedModel)
    ]


def scoped_many_to_many(model):
    return [
        field
        for field in model._meta.local_many_to_many
        if issubclass(field.related_model, FractalScopedModel) and field.remote_field.through._meta.auto_created
    ]


def _rows(queryset, table, message, fixable, limit=None):
    ids = queryset.values_list("pk", flat=True)
    if limit:
        ids = ids[:limit]
    return [Problem(table, str(pk), message, fixable) for pk in ids]


def find_problems(root_ids=None, using=None):
    """Every integrity finding, optionally limited to some fractals; ``using`` names the database."""
    problems = []
    for model in scoped_models():
        table = model._meta.db_table
        rows = model.all_objects.using(using)
        if root_ids is not None:
            rows = rows.filter(root_id__in=root_ids)
        problems += _rows(model.all_objects.using(using).filter(root_id__isnull=True), table, "has no root", True)
        # The root must be a fractal root goal.
        problems += _rows(rows.filter(root__parent__isnull=False), table, "its root is not a fractal root", True)
        problems += _rows(
            rows.exclude(root_id__in=Goal.all_objects.values("pk")), table, "its root goal does not exist", False
        )
        parent = parent_field(model)
        if model is Goal:
            problems += _rows(
                rows.filter(parent__isnull=True).exclude(root_id=F("pk")), table, "root is not itself", True
            )
        if parent is not None:
            with_parent = rows.filter(**{f"{parent.name}__isnull": False})
            problems += _rows(
                with_parent.exclude(**{f"{parent.attname}__in": parent.related_model.all_objects.values("pk")}),
                table,
                f"orphan: its {parent.name} does not exist",
                False,
            )
            problems += _rows(
                with_parent.exclude(root_id=F(f"{parent.name}__root_id")),
                table,
                f"root differs from its {parent.name}'s root",
                True,
            )
            problems += _rows(
                with_parent.filter(deleted_at__isnull=True, **{f"{parent.name}__deleted_at__isnull": False}),
                table,
                f"live row under a deleted {parent.name}",
                True,
            )
        else:
            problems += _rows(
                rows.filter(deleted_at__isnull=True, root__deleted_at__isnull=False),
                table,
                "live row in a deleted fractal",
                True,
            )
        for field in softdelete.cascade_parents(model):
            if parent is not None and field.name == parent.name:
                continue  # reported above
            problems += _rows(
                rows.filter(deleted_at__isnull=True, **{f"{field.name}__deleted_at__isnull": False}),
                table,
                f"live row whose {field.name} is in the trash",
                True,
            )
        for field in linked_fields(model):
            linked = rows.filter(**{f"{field.name}__isnull": False})
            problems += _rows(
                linked.exclude(**{f"{field.attname}__in": field.related_model.all_objects.values("pk")}),
                table,
                f"orphan: its {field.name} does not exist",
                False,
            )
            problems += _rows(
                linked.exclude(**{f"{field.name}__root_id": F("root_id")}),
                table,
                f"cross-fractal link: its {field.name} is in another fractal",
                False,
            )
        for field in scoped_many_to_many(model):
            through = field.remote_field.through
            source = field.m2m_field_name()
            target = field.m2m_reverse_field_name()
            links = through.objects.using(using).exclude(**{f"{target}__root_id": F(f"{source}__root_id")})
            if root_ids is not None:
                links = links.filter(**{f"{source}__root_id__in": root_ids})
            for source_id, target_id in links.values_list(f"{source}_id", f"{target}_id"):
                problems.append(
                    Problem(
                        table,
                        str(source_id),
                        f"cross-fractal link: {field.name} {target_id} is in another fractal",
                        True,
                    )
                )
        for broken, message, fix in model.integrity_rules():
            broken = broken.using(using)
            if root_ids is not None:
                broken = broken.filter(root_id__in=root_ids)
            problems += _rows(broken, table, message, fix is not None)
    return problems


def _ordered_for_repair():
    """Scoped models, parents before children, so a repaired root flows down in one pass."""
    ordered, remaining = [], list(scoped_models())
    while remaining:
        for model in list(remaining):
            parent = parent_field(model)
            if parent is None or parent.related_model is model or parent.related_model in ordered:
                ordered.append(model)
                remaining.remove(model)
                break
        else:  # a cycle would be a modelling error; keep going with what is left
            ordered += remaining
            break
    return ordered


def repair(root_ids=None):
    """Fix what can be derived; returns a list of human-readable changes."""
    changes = []
    with transaction.atomic():
        goal_rows = Goal.all_objects.filter(parent__isnull=True).exclude(root_id=F("pk"))
        count = goal_rows.update(root_id=F("pk"))
        if count:
            changes.append(f"goals: {count} fractal root(s) now point at themselves")
        for model in _ordered_for_repair():
            parent = parent_field(model)
            table = model._meta.db_table
            if parent is None:
                continue
            parent_root = Subquery(
                parent.related_model.all_objects.filter(pk=OuterRef(parent.attname)).values("root_id")[:1]
            )
            # Goals: repeat until the tree is consistent (each pass fixes one more level).
            for _ in range(10 if model is Goal else 1):
                wrong = model.all_objects.filter(
                    **{
                        f"{parent.name}__isnull": False,
                        f"{parent.attname}__in": parent.related_model.all_objects.values("pk"),
                    }
                ).exclude(root_id=F(f"{parent.name}__root_id"))
                if root_ids is not None:
                    # A row whose root is wrong names one fractal, its parent the other: either selects it.
                    wrong = wrong.filter(Q(root_id__in=root_ids) | Q(**{f"{parent.name}__root_id__in": root_ids}))
                ids = list(wrong.values_list("pk", flat=True))
                if not ids:
                    break
                model.all_objects.filter(pk__in=ids).update(root_id=parent_root)
                changes.append(f"{table}: re-derived the root of {len(ids)} row(s) from their {parent.name}")
            for field in [parent, *(f for f in softdelete.cascade_parents(model) if f.name != parent.name)]:
                stale = model.all_objects.filter(
                    deleted_at__isnull=True, **{f"{field.name}__deleted_at__isnull": False}
                )
                if root_ids is not None:
                    stale = stale.filter(root_id__in=root_ids)
                ids = list(stale.values_list("pk", flat=True))
                if ids:
                    deleted_at = Subquery(
                        field.related_model.all_objects.filter(pk=OuterRef(field.attname)).values("deleted_at")[:1]
                    )
                    model.all_objects.filter(pk__in=ids).update(deleted_at=deleted_at)
                    changes.append(f"{table}: moved {len(ids)} live row(s) under a deleted {field.name} to the trash")
        for model in scoped_models():
            if parent_field(model) is not None:
                continue
            stale = model.all_objects.filter(deleted_at__isnull=True, root__deleted_at__isnull=False)
            if root_ids is not None:
                stale = stale.filter(root_id__in=root_ids)
            count = stale.update(
                deleted_at=Subquery(Goal.all_objects.filter(pk=OuterRef("root_id")).values("deleted_at")[:1])
            )
            if count:
                changes.append(f"{model._meta.db_table}: moved {count} live row(s) of a deleted fractal to the trash")
        for model in scoped_models():
            for field in scoped_many_to_many(model):
                through = field.remote_field.through
                source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
                links = through.objects.exclude(**{f"{target}__root_id": F(f"{source}__root_id")})
                if root_ids is not None:
                    links = links.filter(**{f"{source}__root_id__in": root_ids})
                count, _ = links.delete()
                if count:
                    changes.append(f"{through._meta.db_table}: removed {count} cross-fractal link(s)")
        for model in scoped_models():
            for broken, message, fix in model.integrity_rules():
                if fix is None:
                    continue
                if root_ids is not None:
                    broken = broken.filter(root_id__in=root_ids)
                count = broken.update(**fix)
                if count:
                    changes.append(f"{model._meta.db_table}: repaired {count} row(s): {message}")
    return changes


def restore_subtree(goal):
    """Restore ``goal`` and every deleted goal below it (top-down), whatever their delete time.

    Each goal's own ``restore()`` brings back what its delete removed with it. Returns the number
    of goals restored. Raises ValidationError when the goal's parent is itself in the trash.
    """
    restored = 0
    with transaction.atomic():
        if goal.deleted_at is not None:
            goal.restore()
            restored += 1
        frontier = [goal.pk]
        while frontier:
            children = list(Goal.all_objects.filter(parent_id__in=frontier).order_by("created_at"))
            for child in children:
                if child.deleted_at is not None:
                    child.restore()
                    restored += 1
            frontier = [child.pk for child in children]
    return restored
