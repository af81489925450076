"""The one soft-delete graph: delete, restore, integrity, purge and the trash read it.

Each fractal-scoped model declares, in ``soft_delete``, how it follows each of its foreign keys
to another scoped row when that row goes to the trash:

- ``CASCADE``: this row goes to the trash with it (same ``deleted_at`` stamp) and comes back with it;
- ``UNLINK``: the key is cleared, recorded in ``SoftDeleteUnlink`` so restore puts it back;
- ``PROTECT``: the delete is refused while a live row points at it;
- ``KEEP``: history; the reference stays and may point into the trash (an instance of a deleted
  activity keeps its name).

The declaration sits on the dependent side (the key's model) so the layering holds: ``goals``
never names a model of ``activities`` or ``sessions``; this module inverts the declarations into
"the dependents of a model". ``root`` is an implicit CASCADE (deleting a fractal hides it all).
``soft_delete_with_all`` names reverse relations whose rows all going to the trash takes this row
with them (a session whose every goal link goes to the trash goes too).
"""

from collections import defaultdict
from functools import cache

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

CASCADE = "cascade"
UNLINK = "unlink"
PROTECT = "protect"
KEEP = "keep"
MODES = {CASCADE, UNLINK, PROTECT, KEEP}


def scoped_models():
    from goals.models import FractalScopedModel

    return [
        model
        for model in apps.get_models()
        if issubclass(model, FractalScopedModel) and not model._meta.abstract and not model._meta.proxy
    ]


def scoped_foreign_keys(model):
    from goals.models import FractalScopedModel

    return [
        field
        for field in model._meta.concrete_fields
        if field.is_relation and field.name != "root" and issubclass(field.related_model, FractalScopedModel)
    ]


@cache
def declared(model):
    """{field name: mode} for every scoped foreign key of ``model``; undeclared keys are an error."""
    declaration = dict(getattr(model, "soft_delete", {}))
    for field in scoped_foreign_keys(model):
        mode = declaration.get(field.name)
        if mode not in MODES:
            raise LookupError(f"{model._meta.label}.{field.name} has no soft-delete mode (soft_delete).")
    return declaration


@cache
def dependents(model):
    """[(child model, field, mode)] of the keys pointing at ``model``."""
    found = []
    for child in scoped_models():
        for field in scoped_foreign_keys(child):
            if field.related_model is model:
                found.append((child, field, declared(child)[field.name]))
    return found


def cascade_parents(model):
    """The keys of ``model`` that make it go (and come back) with the row they point at."""
    return [field for field in scoped_foreign_keys(model) if declared(model)[field.name] == CASCADE]


@cache
def with_all_links(model):
    """[(link model, key to model)] from ``soft_delete_with_all`` of ``model``."""
    links = []
    for name in getattr(model, "soft_delete_with_all", ()):
        relation = model._meta.get_field(name)
        links.append((relation.related_model, relation.field))
    return links


@cache
def ordered_models():
    """Scoped models, parents (by cascade keys) before children."""
    ordered, remaining = [], list(scoped_models())
    while remaining:
        for model in list(remaining):
            parents = {field.related_model for field in cascade_parents(model)} - {model}
            if parents <= set(ordered):
                ordered.append(model)
                remaining.remove(model)
                break
        else:
            ordered += remaining
            break
    return ordered


def _label(model):
    return model._meta.verbose_name


def _walk(obj, rows_of, owners_of):
    """{model: set of pks}: ``obj`` and, until nothing new turns up, every cascade dependent of a
    found row among ``rows_of(model)`` and every owner ``owners_of`` adds for found rows.

    A fractal root takes every row of its fractal among ``rows_of``. Delete and restore differ
    only in which rows count (live ones, or the ones stamped by that delete) and in the owner
    step, so both walk the graph here.
    """
    from goals.models import Goal

    found = defaultdict(set)
    found[type(obj)].add(obj.pk)
    if isinstance(obj, Goal) and obj.parent_id is None:
        for model in scoped_models():
            found[model] |= set(rows_of(model).filter(root_id=obj.pk).values_list("pk", flat=True))
        return found
    frontier = {type(obj): {obj.pk}}
    while frontier:
        next_frontier = defaultdict(set)

        def add(model, pks, next_frontier=next_frontier):
            new = set(pks) - found[model]
            if new:
                found[model] |= new
                next_frontier[model] |= new

        for model, ids in frontier.items():
            for child, field, mode in dependents(model):
                if mode == CASCADE:
                    add(child, rows_of(child).filter(**{f"{field.attname}__in": ids}).values_list("pk", flat=True))
            for owner, link_field in _with_all_owners(model):
                add(owner, owners_of(model, owner, link_field, ids, found))
        frontier = next_frontier
    return found


def _collect_delete(obj):
    """{model: set of pks} that deleting ``obj`` takes to the trash (live rows only)."""

    def owners_of(model, owner, link_field, ids, found):
        # An owner that goes when all its links go: every live link is now in the set.
        candidates = set(model.all_objects.filter(pk__in=ids).values_list(link_field.attname, flat=True))
        return [
            candidate
            for candidate in candidates - found[owner]
            if not model.all_objects.filter(deleted_at__isnull=True, **{link_field.attname: candidate})
            .exclude(pk__in=found[model])
            .exists()
        ]

    return _walk(obj, lambda model: model.all_objects.filter(deleted_at__isnull=True), owners_of)


@cache
def _with_all_owners_cached(model):
    return [(owner, field) for owner in scoped_models() for link, field in with_all_links(owner) if link is model]


def _with_all_owners(model):
    return _with_all_owners_cached(model)


def delete(obj):
    """Soft-delete ``obj`` and what the graph takes with it; returns the stamp."""
    from goals.models import SoftDeleteUnlink

    if obj.deleted_at is not None:
        return obj.deleted_at
    when = timezone.now()
    with transaction.atomic():
        taken = _collect_delete(obj)
        for model, ids in taken.items():
            for child, field, mode in dependents(model):
                if mode not in (PROTECT, UNLINK):
                    continue
                rows = child.all_objects.filter(deleted_at__isnull=True, **{f"{field.attname}__in": ids}).exclude(
                    pk__in=taken.get(child, ())
                )
                if mode == PROTECT:
                    blocker = rows.first()
                    if blocker is not None:
                        raise ValidationError(
                            f"“{obj}” cannot be deleted: the {_label(child)} “{blocker}” still uses it."
                        )
                    continue
                records = [
                    SoftDeleteUnlink(
                        deleted_at=when,
                        table=child._meta.db_table,
                        row_id=str(pk),
                        field=field.name,
                        target_id=str(target),
                    )
                    for pk, target in rows.values_list("pk", field.attname)
                ]
                if records:
                    SoftDeleteUnlink.objects.bulk_create(records)
                    rows.update(**{field.attname: None})
        for model, ids in taken.items():
            model.all_objects.filter(pk__in=ids, deleted_at__isnull=True).update(deleted_at=when, updated_at=when)
    obj.deleted_at = when
    obj.updated_at = when
    return when


def _collect_restore(obj):
    """{model: set of pks} stamped by the delete that removed ``obj``."""
    when = obj.deleted_at

    def owners_of(model, owner, link_field, ids, found):
        links = model.all_objects.filter(pk__in=ids).values(link_field.attname)
        return owner.all_objects.filter(deleted_at=when, pk__in=links).values_list("pk", flat=True)

    return _walk(obj, lambda model: model.all_objects.filter(deleted_at=when), owners_of)


def restore(obj):
    """Validate the whole set the delete took, then bring it back, links included.

    Refused (ValidationError) when a row of the set hangs off a row still in the trash, or when
    bringing a row back breaks a rule of the live rows (a duplicate live name, say). A model that
    declares ``soft_delete_restore_conflict = "stay"`` (an achievement when the target was met
    again meanwhile) leaves a conflicting row in the trash instead: the newer row wins.
    """
    from goals.models import SoftDeleteUnlink

    if obj.deleted_at is None:
        return
    when = obj.deleted_at
    with transaction.atomic():
        back = _collect_restore(obj)
        staying = defaultdict(set)
        for model, ids in back.items():
            rows = list(model.all_objects.filter(pk__in=ids))
            for row in rows:
                for field in [*cascade_parents(model), model._meta.get_field("root")]:
                    parent_id = getattr(row, field.attname)
                    if parent_id is None or parent_id in back.get(field.related_model, ()):
                        continue
                    if field.related_model.all_objects.filter(pk=parent_id, deleted_at__isnull=False).exists():
                        parent = field.related_model.all_objects.get(pk=parent_id)
                        raise ValidationError(
                            f"“{row}” cannot be restored: its {field.verbose_name} “{parent}” is in the trash; "
                            f"restore the {field.verbose_name} first."
                        )
                row.deleted_at = None
                try:
                    row.validate_constraints()
                except ValidationError as error:
                    if getattr(model, "soft_delete_restore_conflict", None) == "stay":
                        staying[model].add(row.pk)
                        continue
                    raise ValidationError(f"“{row}” cannot be restored: {' '.join(error.messages)}") from None
        now = timezone.now()
        for model, ids in back.items():
            model.all_objects.filter(pk__in=ids - staying[model], deleted_at=when).update(
                deleted_at=None, updated_at=now
            )
        records = SoftDeleteUnlink.objects.filter(deleted_at=when)
        by_table = {model._meta.db_table: model for model in scoped_models()}
        for record in records:
            model = by_table.get(record.table)
            target_model = model._meta.get_field(record.field).related_model if model else None
            if target_model is None or not target_model.objects.filter(pk=record.target_id).exists():
                continue
            if record.target_id not in {str(pk) for pk in back.get(target_model, ())}:
                continue
            model.all_objects.filter(pk=record.row_id, **{f"{record.field}__isnull": True}).update(
                **{record.field: record.target_id}
            )
            record.delete()
    obj.deleted_at = None
    obj.updated_at = now


def forget_unlinks(model, pks):
    """Drop the relink records of rows purged for good (``purge_deleted``)."""
    from goals.models import SoftDeleteUnlink

    pks = [str(pk) for pk in pks]
    tables = [child._meta.db_table for child, _field, mode in dependents(model) if mode == UNLINK]
    if tables and pks:
        SoftDeleteUnlink.objects.filter(table__in=tables, target_id__in=pks).delete()


def restore_blocked_by(model, rows):
    """Trash-listing filter: rows removed together with a cascade parent come back with it."""
    for field in cascade_parents(model):
        rows = rows.exclude(**{f"{field.name}__deleted_at": models.F("deleted_at")})
    return rows
