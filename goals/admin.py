from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from .admin_base import ScopedAdmin
from .integrity import restore_subtree
from .models import Goal, Profile


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


@admin.register(Goal)
class GoalAdmin(ScopedAdmin):
    list_display = ("name", "level", "fractal", "parent", "owner", "completed", "deadline", "created_at", "is_live")
    list_filter = ("level", "completed")
    search_fields = ("name", "description", "id")
    list_select_related = ("root", "parent", "owner")
    raw_id_fields = ("parent", "owner")
    date_hierarchy = "created_at"
    fields = ("name", "level", "description", "deadline", "completed", "completed_at", "parent", "owner", "sort_order")
    actions = [*ScopedAdmin.actions, restore_subtree_selected]


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "time_zone", "theme")
    search_fields = ("user__username",)
    list_select_related = ("user",)
    raw_id_fields = ("user",)
