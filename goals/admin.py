from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction

from .admin_base import ScopedAdmin, ScopedInline
from .integrity import restore_subtree
from .models import Goal, GoalPause, Profile


@admin.action(description="Restore selected goals with their whole subtree")
def restore_subtree_selected(modeladmin, request, queryset):
    restored, refused = 0, []
    for goal in queryset.order_by("created_at"):
        try:
            restored += restore_subtree(goal)
        except ValidationError as error:
            refused.append(f"{goal}: {' '.join(error.messages)}")
    modeladmin.message_user(request, f"{restored} goal(s) restored with what their deletes removed.", messages.SUCCESS)
    for line in refused:
        modeladmin.message_user(request, f"Not restored — {line}", messages.WARNING)


def _lifecycle_action(method, description):
    @admin.action(description=description)
    def run(modeladmin, request, queryset):
        done, refused = 0, []
        for goal in queryset.filter(deleted_at__isnull=True).order_by("created_at"):
            try:
                with transaction.atomic():
                    getattr(goal, method)()
                done += 1
            except ValidationError as error:
                refused.append(f"{goal}: {' '.join(error.messages)}")
        modeladmin.message_user(request, f"{done} goal(s) changed.", messages.SUCCESS)
        for line in refused:
            modeladmin.message_user(request, f"Not changed — {line}", messages.WARNING)

    run.__name__ = f"{method}_selected"
    return run


class GoalPauseInline(ScopedInline):
    model = GoalPause
    fk_name = "goal"
    fields = ("started_at", "ended_at", "deleted_at")
    readonly_fields = ("started_at", "ended_at", "deleted_at")
    show_change_link = False
    extra = 0
    can_delete = False


@admin.register(GoalPause)
class GoalPauseAdmin(ScopedAdmin):
    list_display = ("goal", "fractal", "started_at", "ended_at", "is_live")
    list_select_related = ("root", "goal")
    raw_id_fields = ("goal",)
    fields = ("goal", "started_at", "ended_at")


@admin.register(Goal)
class GoalAdmin(ScopedAdmin):
    list_display = (
        "name",
        "level",
        "fractal",
        "parent",
        "owner",
        "completed",
        "completion_mode",
        "deadline",
        "created_at",
        "is_live",
    )
    list_filter = ("level", "completed", "completion_mode")
    search_fields = ("name", "description", "id")
    list_select_related = ("root", "parent", "owner")
    raw_id_fields = ("parent", "owner")
    date_hierarchy = "created_at"
    fields = (
        "name",
        "level",
        "description",
        "deadline",
        "completion_mode",
        "completed",
        "completed_at",
        "completed_by",
        "paused_at",
        "archived_at",
        "parent",
        "owner",
        "sort_order",
    )
    # Pauses keep their intervals: the state changes through the actions, not by editing a date.
    readonly_fields = ("completed_by", "paused_at", "archived_at")
    inlines = [GoalPauseInline]
    actions = [
        *ScopedAdmin.actions,
        restore_subtree_selected,
        _lifecycle_action("pause", "Pause selected goals (and their subtrees)"),
        _lifecycle_action("resume", "Resume selected goals"),
        _lifecycle_action("archive", "Archive selected goals (and their subtrees)"),
        _lifecycle_action("unarchive", "Unarchive selected goals"),
    ]


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "time_zone", "theme")
    search_fields = ("user__username",)
    list_select_related = ("user",)
    raw_id_fields = ("user",)
