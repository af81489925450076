import django_filters

from goals.models import CompletionMode, Goal, GoalLevel

from .base import FractalFilterSet, scoped_choices


class FractalRootFilter(FractalFilterSet):
    level = django_filters.ChoiceFilter(choices=GoalLevel.choices)
    completed = django_filters.BooleanFilter()
    created = django_filters.DateFromToRangeFilter(field_name="created_at")

    class Meta:
        model = Goal
        fields = ["level", "completed"]


class GoalFilter(FractalFilterSet):
    level = django_filters.ChoiceFilter(choices=GoalLevel.choices)
    completed = django_filters.BooleanFilter()
    parent = django_filters.ModelChoiceFilter(queryset=scoped_choices(Goal))
    deadline = django_filters.DateFromToRangeFilter()
    created = django_filters.DateFromToRangeFilter(field_name="created_at")
    name = django_filters.CharFilter(lookup_expr="icontains")
    completion_mode = django_filters.ChoiceFilter(choices=CompletionMode.choices)
    state = django_filters.ChoiceFilter(
        choices=[
            ("active", "Active (not paused or archived, nor below such a goal)"),
            ("paused", "Paused itself"),
            ("archived", "Archived itself"),
        ],
        method="filter_state",
    )

    class Meta:
        model = Goal
        fields = ["level", "completed", "parent"]

    def filter_state(self, queryset, name, value):
        if value == "paused":
            return queryset.filter(paused_at__isnull=False)
        if value == "archived":
            return queryset.filter(archived_at__isnull=False)
        return queryset.active()
