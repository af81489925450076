"""The abstract base every fractal-scoped model inherits.

It supplies the UUID id, the NOT NULL ``root`` (derived on save, never taken from input),
audit timestamps, soft delete with exact restore, and the scoping querysets.
"""

import uuid

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models, transaction
from django.db.models import Max
from django.db.models.functions import Lower
from django.utils import timezone

from goals.dates import validate_sane_date


class FractalQuerySet(models.QuerySet):
    def alive(self):
        return self.filter(deleted_at__isnull=True)

    def deleted(self):
        return self.filter(deleted_at__isnull=False)

    def for_fractal(self, root):
        root_id = getattr(root, "pk", root)
        return self.filter(root_id=root_id)

    def owned_by(self, user):
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(root__owner=user)

    def delete(self):
        """Soft-delete each row (with its cascade); use ``hard_delete()`` to remove rows."""
        count = 0
        with transaction.atomic():
            for obj in self:
                if obj.deleted_at is None:
                    obj.delete()
                    count += 1
        return count, {self.model._meta.label: count}

    def hard_delete(self):
        return super().delete()

    delete.alters_data = True
    hard_delete.alters_data = True


class LiveManager(models.Manager.from_queryset(FractalQuerySet)):
    def get_queryset(self):
        return super().get_queryset().filter(deleted_at__isnull=True)


AllManager = models.Manager.from_queryset(FractalQuerySet)


def root_field(db_index=True):
    """The ``root`` foreign key of every fractal-scoped model.

    A model whose ``Meta.indexes`` has a composite index that starts with ``root`` redefines it
    with ``db_index=False``: the composite already serves every lookup by root.
    """
    return models.ForeignKey(
        "goals.Goal",
        on_delete=models.CASCADE,
        related_name="+",
        editable=False,
        db_index=db_index,
        help_text="The fractal's root goal; derived from the parent object on save.",
    )


class FractalScopedModel(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    root = root_field()
    created_at = models.DateTimeField(default=timezone.now, db_index=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = LiveManager()
    all_objects = AllManager()

    class Meta:
        abstract = True
        # Related-object access and Django's own cascades must see deleted rows too.
        base_manager_name = "all_objects"

    def save(self, *args, **kwargs):
        self.root_id = self.derive_root_id()
        if self.root_id is None:
            raise ValidationError(f"{type(self).__name__} needs a fractal root.")
        self.validate_scope()
        self.validate_rules()
        # After the rules: they derive values (durations) that must fit their columns too.
        self.validate_values()
        self.updated_at = timezone.now()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "updated_at", "root"}
        if isinstance(self, OrderedModel) and self.sort_order is None:
            self.sort_order = self.next_sort_order()
        super().save(*args, **kwargs)

    def clean_fields(self, exclude=None):
        # ``root`` is derived, not input: clean() sets and checks it, so the generic foreign-key
        # existence check (which fails for a new root pointing at itself) is skipped.
        return super().clean_fields(exclude={*(exclude or ()), "root"})

    def clean(self):
        super().clean()
        try:
            self.root_id = self.derive_root_id()
        except ObjectDoesNotExist:
            # The parent is not saved yet (an inline row of a new object in the admin): the
            # rules run again in save(), once the parent exists.
            return
        if self.root_id is None:
            raise ValidationError("A fractal root is required.")
        self.validate_scope()
        self.validate_rules()
        self.validate_values()

    def validate_unsaved(self):
        """The rules ``save()`` runs, for a row a bulk writer (generator, fractal import) builds.

        The root must be the one the parent implies, related rows in the same fractal, and the
        model's own rules hold. Related rows are read through the relations' caches, so rows built
        as an object graph in memory (assigning objects fills them) are checked without a query.
        """
        if self.derive_root_id() != self.root_id:
            raise ValidationError({"root": "The root is not the one of this object's parent."})
        self.validate_scope()
        self.validate_rules()

    # --- root derivation and scope rules -------------------------------------------------
    def derive_root_id(self):
        """Return the root id implied by this object's parent.

        Top-level objects of a fractal (activity groups, definitions, sessions, templates,
        programs) have no parent object: their root is set by the caller from the fractal in
        the URL, never from user input, and is kept as it is.
        """
        return self.root_id

    def validate_values(self):
        """Field limits (length, range, validators) and no NUL characters, on every save.

        ``full_clean()`` checks most of this, but not every save goes through it (commands,
        imports, the operations' own inner rows); without it a bad value reaches the database
        and fails there (PostgreSQL: too long, out of range, NUL in text) as a server error.
        """
        errors = {}
        for model_field in self._meta.concrete_fields:
            if model_field.is_relation or model_field.primary_key:
                continue
            value = getattr(self, model_field.attname)
            if isinstance(value, str) and "\x00" in value:
                errors[model_field.name] = ["Null characters are not allowed."]
                continue
            try:
                model_field.run_validators(value)
                # Every date and time of every model, one rule (see goals.dates).
                validate_sane_date(value)
            except ValidationError as error:
                errors[model_field.name] = error.messages
        if errors:
            raise ValidationError(errors)

    def scope_relations(self):
        """Related objects (name, object) that must belong to the same fractal as this one."""
        return []

    def validate_scope(self):
        """Raise ValidationError when a related object lives in another fractal."""
        errors = {}
        for field, related in self.scope_relations():
            if related is not None and related.root_id != self.root_id:
                errors[field] = "This belongs to another fractal."
        if errors:
            raise ValidationError(errors)

    def validate_rules(self):
        """Cross-field domain rules; subclasses extend. Runs in clean() and on every save()."""

    # --- live-unique names -----------------------------------------------------------------
    @staticmethod
    def name_key(name):
        """How two names are compared by the live-unique-name rule: case and outer spaces ignored."""
        return name.strip().lower()

    @classmethod
    def live_name_scope(cls):
        """The field within which live names are unique (the model's UniqueConstraint on
        ``Lower("name")`` and a scope field, for live rows), or None when names may repeat."""
        for constraint in cls._meta.constraints:
            expressions = getattr(constraint, "expressions", ())
            if (
                isinstance(constraint, models.UniqueConstraint)
                and constraint.condition == models.Q(deleted_at__isnull=True)
                and len(expressions) == 2
                and expressions[0] == Lower("name")
            ):
                return expressions[1].name
        return None

    @classmethod
    def live_names(cls, scope_ids):
        """``{(scope id, name key)}`` of the stored live rows in these scopes (trash excluded)."""
        scope = cls.live_name_scope()
        rows = cls.all_objects.filter(deleted_at__isnull=True, **{f"{scope}__in": list(scope_ids)})
        return {(scope_id, cls.name_key(name)) for scope_id, name in rows.values_list(scope, "name")}

    @classmethod
    def free_live_name(cls, taken, scope_id, name):
        """``name``, or ``name (2)``, ``name (3)``… : the first that no live row in the scope has
        (``taken`` as from ``live_names``, updated with the name returned)."""
        candidate, counter = name, 2
        while (scope_id, cls.name_key(candidate)) in taken:
            candidate = f"{name} ({counter})"
            counter += 1
        taken.add((scope_id, cls.name_key(candidate)))
        return candidate

    @classmethod
    def integrity_rules(cls):
        """Rules of this model that ``check_integrity`` checks over stored rows.

        A list of ``(rows, message, fix)``: ``rows`` a queryset of all rows (trash included) that
        break the rule, ``fix`` the field values that repair them, or None when a person must
        decide. Declared beside ``validate_rules()`` so one model states its rules in one place.
        """
        return []

    # --- soft delete ---------------------------------------------------------------------
    # How this model follows each foreign key to another scoped row when that row goes to the
    # trash: {"field": "cascade" | "unlink" | "protect" | "keep"}; read by goals.softdelete.
    soft_delete = {}

    @property
    def is_deleted(self):
        return self.deleted_at is not None

    def delete(self, using=None, keep_parents=False):
        """Soft delete: hide this row and what the soft-delete graph takes with it."""
        from goals import services, softdelete

        with transaction.atomic():
            result = softdelete.delete(self)
            services.after_trash_change_of(self)
        return result

    delete.alters_data = True

    def restore(self):
        """Undo the soft delete of this row and of exactly what that delete removed with it."""
        from goals import services, softdelete

        with transaction.atomic():
            softdelete.restore(self)
            services.after_trash_change_of(self)

    restore.alters_data = True

    def hard_delete(self):
        """Remove the row for good (admin action, purge_deleted); Django's cascades apply."""
        return super().delete()

    hard_delete.alters_data = True


class OrderedModel(models.Model):
    """Mixin for models kept in a user-defined order among their siblings."""

    sort_order = models.PositiveIntegerField(blank=True)

    class Meta:
        abstract = True

    def siblings(self):
        """Queryset of the live objects this one is ordered among (itself included)."""
        raise NotImplementedError

    def next_sort_order(self):
        current = self.siblings().aggregate(top=Max("sort_order"))["top"]
        return 0 if current is None else current + 1

    @classmethod
    def reorder(cls, siblings, ids):
        """Put ``siblings`` (a queryset) in the order of ``ids``, which must name each exactly once."""
        with transaction.atomic():
            # Lock the rows so two concurrent reorders serialise instead of interleaving.
            rows = {str(obj.pk): obj for obj in siblings.select_for_update()}
            wanted = [str(value) for value in ids]
            if len(set(wanted)) != len(wanted) or set(wanted) != set(rows):
                raise ValidationError("The new order must list every item of the list exactly once, and nothing else.")
            changed = []
            for position, key in enumerate(wanted):
                obj = rows[key]
                if obj.sort_order != position:
                    obj.sort_order = position
                    changed.append(obj)
            if changed:
                now = timezone.now()
                for obj in changed:
                    obj.updated_at = now
                cls.all_objects.bulk_update(changed, ["sort_order", "updated_at"])
        return [rows[key] for key in wanted]

    def move(self, offset):
        """Move this object ``offset`` places (negative: up) among its siblings."""
        ordered = list(self.siblings().order_by("sort_order", "created_at").values_list("pk", flat=True))
        index = ordered.index(self.pk)
        target = max(0, min(len(ordered) - 1, index + offset))
        ordered.insert(target, ordered.pop(index))
        type(self).reorder(self.siblings(), ordered)
        self.refresh_from_db(fields=["sort_order"])

    move.alters_data = True


class SoftDeleteUnlink(models.Model):
    """A key a soft delete cleared ("unlink"), so restoring the deleted row puts it back."""

    deleted_at = models.DateTimeField(db_index=True)
    table = models.CharField(max_length=100)
    row_id = models.CharField(max_length=64)
    field = models.CharField(max_length=100)
    target_id = models.CharField(max_length=64, db_index=True)

    class Meta:
        db_table = "soft_delete_unlinks"

    def __str__(self):
        return f"{self.table} {self.row_id}.{self.field} -> {self.target_id}"
