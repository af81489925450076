from django.contrib import admin

from goals.admin_base import FractalChoiceForm, ScopedAdmin, ScopedInline

from .models import ActivityDefinition, ActivityGroup, MetricDefinition, SplitDefinition, Target, TargetMetric
from .signals import send_target_edited


class MetricInline(ScopedInline):
    model = MetricDefinition
    fields = ("name", "unit", "is_active", "is_top_set_metric", "is_multiplicative", "sort_order", "deleted_at")


class SplitInline(ScopedInline):
    model = SplitDefinition
    fields = ("name", "sort_order", "deleted_at")


class ThresholdInline(ScopedInline):
    model = TargetMetric
    fields = ("metric", "operator", "threshold", "deleted_at")
    raw_id_fields = ("metric",)


@admin.register(ActivityGroup)
class ActivityGroupAdmin(ScopedAdmin):
    form = FractalChoiceForm
    list_display = ("name", "fractal", "sort_order", "created_at", "is_live")
    search_fields = ("name", "id")
    list_select_related = ("root",)
    fields = ("fractal", "name", "description", "sort_order")


@admin.register(ActivityDefinition)
class ActivityDefinitionAdmin(ScopedAdmin):
    form = FractalChoiceForm
    list_display = ("name", "fractal", "group", "has_sets", "has_splits", "created_at", "is_live")
    list_filter = ("has_sets", "has_splits", "has_metrics")
    search_fields = ("name", "id")
    list_select_related = ("root", "group")
    raw_id_fields = ("group",)
    inlines = [MetricInline, SplitInline]
    fields = (
        "fractal",
        "name",
        "description",
        "group",
        "has_sets",
        "has_metrics",
        "metrics_multiplicative",
        "has_splits",
        "sort_order",
    )


@admin.register(MetricDefinition)
class MetricDefinitionAdmin(ScopedAdmin):
    list_display = ("name", "unit", "activity", "fractal", "is_top_set_metric", "is_multiplicative", "is_live")
    search_fields = ("name", "activity__name", "id")
    list_select_related = ("root", "activity")
    raw_id_fields = ("activity",)


@admin.register(SplitDefinition)
class SplitDefinitionAdmin(ScopedAdmin):
    list_display = ("name", "activity", "fractal", "sort_order", "is_live")
    search_fields = ("name", "activity__name", "id")
    list_select_related = ("root", "activity")
    raw_id_fields = ("activity",)


@admin.register(Target)
class TargetAdmin(ScopedAdmin):
    list_display = ("__str__", "goal", "activity", "kind", "scope", "fractal", "created_at", "is_live")
    list_filter = ("kind", "scope")
    search_fields = ("name", "goal__name", "activity__name", "id")
    list_select_related = ("root", "goal", "activity")
    raw_id_fields = ("goal", "activity", "block")
    inlines = [ThresholdInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # After the rules (inlines) are saved: evaluate the target as it now stands.
        send_target_edited(form.instance)


@admin.register(TargetMetric)
class TargetMetricAdmin(ScopedAdmin):
    list_display = ("__str__", "target", "fractal", "is_live")
    list_filter = ("operator",)
    search_fields = ("target__name", "metric__name", "id")
    list_select_related = ("root", "target", "metric")
    raw_id_fields = ("target", "metric")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        send_target_edited(obj.target)
