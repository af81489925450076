"""Shared admin behaviour for fractal-scoped models: made for data fixes.

Lists show live and deleted rows (with a filter), audit fields are read-only, and deleting is
explicit: soft delete, restore and hard delete are separate actions.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction

from .integrity import find_problems, repair
from .models import Goal
from .services import delete_object, restore_object


class LifeFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("live", "Live"), ("deleted", "Deleted")]

    def queryset(self, request, queryset):
        if self.value() == "live":
            return queryset.filter(deleted_at__isnull=True)
        if self.value() == "deleted":
            return queryset.filter(deleted_at__isnull=False)
        return queryset


@admin.action(description="Move selected rows to the trash (soft delete)")
def soft_delete_selected(modeladmin, request, queryset):
    count = 0
    with transaction.atomic():
        for obj in queryset.filter(deleted_at__isnull=True):
            delete_object(obj)
            count += 1
    modeladmin.message_user(request, f"{count} row(s) moved to the trash.", messages.SUCCESS)


@admin.action(description="Restore selected rows (and what their delete removed)")
def restore_selected(modeladmin, request, queryset):
    restored, refused = 0, []
    for obj in queryset.filter(deleted_at__isnull=False):
        try:
            restore_object(obj)
            restored += 1
        except ValidationError as error:
            refused.append(f"{obj}: {' '.join(error.messages)}")
    modeladmin.message_user(request, f"{restored} row(s) restored.", messages.SUCCESS)
    for line in refused:
        modeladmin.message_user(request, f"Not restored — {line}", messages.WARNING)


@admin.action(description="Delete selected rows for good (only rows already in the trash)")
def hard_delete_selected(modeladmin, request, queryset):
    live = queryset.filter(deleted_at__isnull=True).count()
    doomed = queryset.filter(deleted_at__isnull=False)
    count = doomed.count()
    try:
        with transaction.atomic():
            doomed.hard_delete()
    except Exception as error:  # ProtectedError: still referenced by live history
        modeladmin.message_user(request, f"Nothing deleted: {error}", messages.ERROR)
        return
    modeladmin.message_user(request, f"{count} row(s) deleted for good.", messages.SUCCESS)
    if live:
        modeladmin.message_user(request, f"{live} live row(s) skipped: move them to the trash first.", messages.WARNING)


@admin.action(description="Re-derive roots in the fractals of the selected rows (integrity repair)")
def rederive_roots(modeladmin, request, queryset):
    root_ids = set(queryset.values_list("root_id", flat=True))
    changes = repair(root_ids=root_ids)
    remaining = find_problems(root_ids=root_ids)
    if not changes:
        modeladmin.message_user(request, "Nothing to repair: every root already matches its parent.", messages.INFO)
    for change in changes:
        modeladmin.message_user(request, f"Repaired — {change}", messages.SUCCESS)
    if remaining:
        modeladmin.message_user(
            request,
            f"{len(remaining)} problem(s) need a person, e.g. {remaining[0]}. Run manage.py check_integrity.",
            messages.WARNING,
        )


class FractalChoiceForm(forms.ModelForm):
    """For top-level objects of a fractal (no parent object): the fractal is chosen on creation."""

    fractal = forms.ModelChoiceField(
        queryset=Goal.all_objects.filter(parent__isnull=True).select_related("owner"),
        required=False,
        help_text="The fractal this belongs to (fixed once created).",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.root_id and not self.instance._state.adding:
            self.fields["fractal"].initial = self.instance.root_id
            self.fields["fractal"].disabled = True

    def clean(self):
        cleaned = super().clean()
        fractal = cleaned.get("fractal")
        if self.instance._state.adding:
            if fractal is None:
                raise ValidationError({"fractal": "Choose the fractal."})
            self.instance.root = fractal
        return cleaned


class ScopedAdmin(admin.ModelAdmin):
    """Base for every fractal-scoped model admin."""

    audit_fields = ("id", "root", "created_at", "updated_at", "deleted_at")
    actions = [soft_delete_selected, restore_selected, hard_delete_selected, rederive_roots]
    list_per_page = 50
    show_full_result_count = False

    def get_queryset(self, request):
        queryset = self.model.all_objects.all()
        related = self.get_list_select_related(request)
        if related:
            queryset = queryset.select_related(*related)
        return queryset

    def get_readonly_fields(self, request, obj=None):
        return (*self.audit_fields, *super().get_readonly_fields(request, obj))

    def get_list_filter(self, request):
        return (LifeFilter, *super().get_list_filter(request))

    def get_actions(self, request):
        actions = super().get_actions(request)
        # Django's bulk delete would read as a hard delete; ours are explicit.
        actions.pop("delete_selected", None)
        return actions

    @admin.display(description="fractal", ordering="root__name")
    def fractal(self, obj):
        return obj.root.name

    @admin.display(description="live", boolean=True)
    def is_live(self, obj):
        return obj.deleted_at is None


class ScopedInline(admin.TabularInline):
    extra = 0
    show_change_link = True
    readonly_fields = ("created_at", "updated_at", "deleted_at")

    def get_queryset(self, request):
        return self.model.all_objects.all()
