import django_filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from activities.models import ActivityDefinition, MetricDefinition
from goals.api.base import FractalFilterSet, scoped_choices
from goals.models import Goal
from sessions.filtering import filter_sessions
from sessions.models import (
    ActivityInstance,
    MetricValue,
    Note,
    NoteContext,
    PracticeSession,
    Program,
    ProgramBlock,
    ProgramDay,
    ScheduledSession,
    SessionSection,
    SessionTemplate,
)
from sessions.notes import SEARCH_MAX_LENGTH, filter_notes


@extend_schema_field(OpenApiTypes.UUID)
class LinkedGoalFilter(django_filters.ModelChoiceFilter):
    """A goal id; the schema cannot read its type from the model (the relation is ``goals``)."""


class PracticeSessionFilter(FractalFilterSet):
    started = django_filters.DateFromToRangeFilter(field_name="started_at")
    created = django_filters.DateFromToRangeFilter(field_name="created_at")
    goal = LinkedGoalFilter(queryset=scoped_choices(Goal), method="filter_shared")
    activity = django_filters.ModelChoiceFilter(
        queryset=scoped_choices(ActivityDefinition), field_name="instances__activity", distinct=True
    )
    template = django_filters.ModelChoiceFilter(queryset=scoped_choices(SessionTemplate), method="filter_shared")
    completed = django_filters.BooleanFilter(method="filter_shared")
    name = django_filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = PracticeSession
        fields = ["completed", "template", "goal"]

    def filter_shared(self, queryset, name, value):
        # The goal, completion and template rules are the sessions page's (sessions/filtering.py).
        if value is None or value == "":
            return queryset
        return filter_sessions(queryset, **{name: value})


class SectionFilter(FractalFilterSet):
    session = django_filters.ModelChoiceFilter(queryset=scoped_choices(PracticeSession))

    class Meta:
        model = SessionSection
        fields = ["session"]


class ActivityInstanceFilter(FractalFilterSet):
    session = django_filters.ModelChoiceFilter(queryset=scoped_choices(PracticeSession))
    section = django_filters.ModelChoiceFilter(queryset=scoped_choices(SessionSection))
    activity = django_filters.ModelChoiceFilter(queryset=scoped_choices(ActivityDefinition))
    completed = django_filters.BooleanFilter()
    started = django_filters.DateFromToRangeFilter(field_name="time_start")
    created = django_filters.DateFromToRangeFilter(field_name="created_at")

    class Meta:
        model = ActivityInstance
        fields = ["session", "section", "activity", "completed"]


class MetricValueFilter(FractalFilterSet):
    instance = django_filters.ModelChoiceFilter(queryset=scoped_choices(ActivityInstance))
    session = django_filters.ModelChoiceFilter(queryset=scoped_choices(PracticeSession), field_name="instance__session")
    activity = django_filters.ModelChoiceFilter(
        queryset=scoped_choices(ActivityDefinition), field_name="instance__activity"
    )
    metric = django_filters.ModelChoiceFilter(queryset=scoped_choices(MetricDefinition))
    created = django_filters.DateFromToRangeFilter(field_name="created_at")

    class Meta:
        model = MetricValue
        fields = ["instance", "metric"]


class SessionTemplateFilter(FractalFilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains")
    created = django_filters.DateFromToRangeFilter(field_name="created_at")

    class Meta:
        model = SessionTemplate
        fields = ["name"]


class ProgramFilter(FractalFilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains")
    goal = django_filters.ModelChoiceFilter(queryset=scoped_choices(Goal), field_name="goals")
    start = django_filters.DateFromToRangeFilter(field_name="start_date")

    class Meta:
        model = Program
        fields = ["is_active", "goal"]


class ProgramBlockFilter(FractalFilterSet):
    program = django_filters.ModelChoiceFilter(queryset=scoped_choices(Program))
    goal = django_filters.ModelChoiceFilter(queryset=scoped_choices(Goal), field_name="goals")
    start = django_filters.DateFromToRangeFilter(field_name="start_date")

    class Meta:
        model = ProgramBlock
        fields = ["program", "goal"]


class ProgramDayFilter(FractalFilterSet):
    block = django_filters.ModelChoiceFilter(queryset=scoped_choices(ProgramBlock))
    program = django_filters.ModelChoiceFilter(queryset=scoped_choices(Program), field_name="block__program")
    date = django_filters.DateFromToRangeFilter()

    class Meta:
        model = ProgramDay
        fields = ["block", "program"]


class ScheduledSessionFilter(FractalFilterSet):
    day = django_filters.ModelChoiceFilter(queryset=scoped_choices(ProgramDay))
    template = django_filters.ModelChoiceFilter(queryset=scoped_choices(SessionTemplate))
    date = django_filters.DateFromToRangeFilter(field_name="day__date")
    completed = django_filters.BooleanFilter()

    class Meta:
        model = ScheduledSession
        fields = ["day", "template", "completed"]


class NoteFilter(FractalFilterSet):
    context = django_filters.ChoiceFilter(choices=NoteContext.choices, method="filter_shared")
    pinned = django_filters.BooleanFilter(method="filter_shared")
    text = django_filters.CharFilter(method="filter_shared", max_length=SEARCH_MAX_LENGTH)
    goal = django_filters.ModelChoiceFilter(queryset=scoped_choices(Goal))
    session = django_filters.ModelChoiceFilter(queryset=scoped_choices(PracticeSession))
    activity = django_filters.ModelChoiceFilter(queryset=scoped_choices(ActivityDefinition))
    instance = django_filters.ModelChoiceFilter(queryset=scoped_choices(ActivityInstance))

    class Meta:
        model = Note
        fields = ["goal", "session", "activity", "instance"]

    def filter_shared(self, queryset, name, value):
        # The Notes page's rules (sessions/notes.py).
        if value is None or value == "":
            return queryset
        return filter_notes(queryset, **{name: value})
