import django_filters

from goals.models import Goal, GoalLevel

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

    class Meta:
        model = Goal
        fields = ["level", "completed", "parent"]
