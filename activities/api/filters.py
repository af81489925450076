import django_filters

from activities.models import ActivityDefinition, ActivityGroup, Target
from goals.api.base import FractalFilterSet, scoped_choices
from goals.models import Goal


class ActivityGroupFilter(FractalFilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = ActivityGroup
        fields = ["name"]


class ActivityDefinitionFilter(FractalFilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains")
    group = django_filters.ModelChoiceFilter(queryset=scoped_choices(ActivityGroup))
    ungrouped = django_filters.BooleanFilter(field_name="group", lookup_expr="isnull")
    created = django_filters.DateFromToRangeFilter(field_name="created_at")

    class Meta:
        model = ActivityDefinition
        fields = ["name", "group", "has_sets", "has_splits", "has_metrics"]


class TargetFilter(FractalFilterSet):
    goal = django_filters.ModelChoiceFilter(queryset=scoped_choices(Goal))
    activity = django_filters.ModelChoiceFilter(queryset=scoped_choices(ActivityDefinition))
    created = django_filters.DateFromToRangeFilter(field_name="created_at")

    class Meta:
        model = Target
        fields = ["goal", "activity"]
