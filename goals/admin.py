from django.contrib import admin

from .admin_base import ScopedAdmin
from .models import Goal, Profile


@admin.register(Goal)
class GoalAdmin(ScopedAdmin):
    list_display = ("name", "level", "fractal", "parent", "owner", "completed", "deadline", "created_at", "is_live")
    list_filter = ("level", "completed")
    search_fields = ("name", "description", "id")
    list_select_related = ("root", "parent", "owner")
    raw_id_fields = ("parent", "owner")
    date_hierarchy = "created_at"
    fields = ("name", "level", "description", "deadline", "completed", "completed_at", "parent", "owner", "sort_order")


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "time_zone", "theme")
    search_fields = ("user__username",)
    list_select_related = ("user",)
    raw_id_fields = ("user",)
