from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from activities.api.views import TargetViewSet
from activities.models import ActivityDefinition
from goals.access import get_fractal_for_user, get_scoped_or_404
from goals.api.base import (
    FractalScopedViewSet,
    ReadOnlyFractalScopedViewSet,
    run_model_operation,
)
from sessions.models import (
    ActivityInstance,
    MetricValue,
    PracticeSession,
    Program,
    ProgramBlock,
    ProgramDay,
    ScheduledSession,
    SessionSection,
    SessionTemplate,
)
from sessions.page_data import previous_instances
from sessions.pagination import SessionPagination
from sessions.practice import copy_session, log_past_session, start_from_template, start_practice
from sessions.records import activity_records
from sessions.services import complete_session, reevaluate_targets, reopen_session
from sessions.sets import confirm_set
from sessions.targets import batch

from .filters import (
    ActivityInstanceFilter,
    MetricValueFilter,
    PracticeSessionFilter,
    ProgramBlockFilter,
    ProgramDayFilter,
    ProgramFilter,
    ScheduledSessionFilter,
    SectionFilter,
    SessionTemplateFilter,
)
from .serializers import (
    ActivityInstanceSerializer,
    CompletionSerializer,
    ConfirmSetSerializer,
    CopySessionSerializer,
    EvaluationSerializer,
    FromSessionSerializer,
    FromTemplateSerializer,
    LogSessionSerializer,
    MetricValueSerializer,
    PracticeSessionDetailSerializer,
    PracticeSessionSerializer,
    ProgramBlockSerializer,
    ProgramDaySerializer,
    ProgramSerializer,
    RecordSerializer,
    ReorderInstancesSerializer,
    ScheduledSessionSerializer,
    ScheduleSerializer,
    SectionSerializer,
    SessionTemplateSerializer,
    StartPracticeSerializer,
    StartScheduledSerializer,
    TimerSerializer,
    ValueEntrySerializer,
    notes_prefetch,
    session_prefetch,
    template_prefetch,
)


class TargetWithEvaluationViewSet(TargetViewSet):
    """Goal targets, plus their evaluation against recorded values (which lives in sessions)."""

    # Saving a target with its rules re-evaluates its goal once (see sessions.targets.batch).
    def perform_create(self, serializer):
        with batch():
            super().perform_create(serializer)

    def perform_update(self, serializer):
        with batch():
            super().perform_update(serializer)

    @extend_schema(request=None, responses=EvaluationSerializer)
    @action(detail=True, methods=["post"])
    def evaluate(self, request, *args, **kwargs):
        """Re-evaluate every target of this target's goal; completes the goal when all are met."""
        target = self.get_object()
        evaluation = run_model_operation(reevaluate_targets, target.goal)
        return Response(
            {
                "goal": target.goal_id,
                "met": [row.pk for row in evaluation.met],
                "open": [row.pk for row in evaluation.open],
                "goal_completed": evaluation.completed_now,
            }
        )


class PracticeSessionViewSet(FractalScopedViewSet):
    """Practice sessions with their linked goals and sections; the detail adds activities and values."""

    model = PracticeSession
    filterset_class = PracticeSessionFilter
    # Page numbers whose last page costs the first's, or keyset pages with ?cursor=.
    pagination_class = SessionPagination
    ordering_fields = ["created_at", "started_at", "ended_at", "completed_at", "name"]
    ordering = ["-created_at"]

    def get_serializer_class(self):
        if self.action in ("list", "create", "from_template", "start_practice"):
            return PracticeSessionSerializer
        return PracticeSessionDetailSerializer

    def scoped_queryset(self):
        detail = self.action not in ("list",)
        queryset = super().scoped_queryset().prefetch_related(*session_prefetch(detail))
        if detail:
            return queryset.select_related("template")
        # Lists take templates by prefetch (one query when the page has any), not a join: without a
        # join a deep page (OFFSET) skips rows in the index alone instead of reading each one.
        return queryset.prefetch_related("template")

    def _detail(self, session, code=status.HTTP_200_OK):
        session = self.model.objects.prefetch_related(*session_prefetch(True)).get(pk=session.pk)
        return Response(PracticeSessionDetailSerializer(session, context=self.get_serializer_context()).data, code)

    @extend_schema(request=None, responses=PracticeSessionDetailSerializer)
    @action(detail=True, methods=["post"])
    def start(self, request, *args, **kwargs):
        session = self.get_object()
        run_model_operation(session.start)
        return self._detail(session)

    @extend_schema(request=TimerSerializer, responses=PracticeSessionDetailSerializer)
    @action(detail=True, methods=["post"])
    def pause(self, request, *args, **kwargs):
        """Pause the session clock (``at``, default now); paused time is left out of the duration."""
        session = self.get_object()
        run_model_operation(session.pause, _when(request))
        return self._detail(session)

    @extend_schema(request=TimerSerializer, responses=PracticeSessionDetailSerializer)
    @action(detail=True, methods=["post"])
    def resume(self, request, *args, **kwargs):
        """End the session's open pause (``at``, default now)."""
        session = self.get_object()
        run_model_operation(session.resume, _when(request))
        return self._detail(session)

    @extend_schema(request=None, responses=CompletionSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, *args, **kwargs):
        """Finish the session: stop timers, derive the duration and evaluate the linked goals' targets."""
        session = self.get_object()
        result = run_model_operation(complete_session, session)
        session = self.model.objects.prefetch_related(*session_prefetch()).get(pk=session.pk)
        return Response(
            {
                "session": PracticeSessionSerializer(session, context=self.get_serializer_context()).data,
                "targets_met": [target.pk for target in result.targets_met],
                "goals_completed": [goal.pk for goal in result.goals_completed],
            }
        )

    @extend_schema(request=None, responses=PracticeSessionDetailSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, *args, **kwargs):
        session = self.get_object()
        run_model_operation(reopen_session, session)
        return self._detail(session)

    @extend_schema(request=FromTemplateSerializer, responses={201: PracticeSessionDetailSerializer})
    @action(detail=False, methods=["post"], filter_backends=[], pagination_class=None, url_path="from-template")
    def from_template(self, request, *args, **kwargs):
        """Create a session with the template's sections and activities pre-created."""
        payload = FromTemplateSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        if data["start"]:
            session = run_model_operation(start_from_template, data["template"], data["goals"], name=data.get("name"))
        else:
            session = run_model_operation(data["template"].create_session, data["goals"], name=data.get("name"))
        return self._detail(session, status.HTTP_201_CREATED)

    @extend_schema(request=LogSessionSerializer, responses={201: PracticeSessionDetailSerializer})
    @action(detail=False, methods=["post"], filter_backends=[], pagination_class=None, url_path="log")
    def log(self, request, *args, **kwargs):
        """Record a session that already happened (its own times, goals, activities), completed at its end."""
        payload = LogSessionSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        session = run_model_operation(
            log_past_session,
            self.fractal,
            data["goals"],
            data.get("name", ""),
            data["started_at"],
            data["ended_at"],
            activities=data.get("activities", []),
            template=data.get("template"),
            notes=data.get("notes", ""),
        )
        return self._detail(session, status.HTTP_201_CREATED)

    @extend_schema(request=StartPracticeSerializer, responses={201: PracticeSessionDetailSerializer})
    @action(detail=False, methods=["post"], filter_backends=[], pagination_class=None, url_path="start-practice")
    def start_practice(self, request, *args, **kwargs):
        """Create a session linked to one short-term or immediate goal, started now."""
        payload = StartPracticeSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        session = run_model_operation(start_practice, payload.validated_data["goal"])
        return self._detail(session, status.HTTP_201_CREATED)

    @extend_schema(request=CopySessionSerializer, responses={201: PracticeSessionDetailSerializer})
    @action(detail=True, methods=["post"], url_path="copy")
    def copy(self, request, *args, **kwargs):
        """Repeat (``start``: true, the default) or duplicate a session: same goals, sections, activities."""
        session = self.get_object()
        payload = CopySessionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        copy = run_model_operation(copy_session, session, start=payload.validated_data["start"])
        return self._detail(copy, status.HTTP_201_CREATED)


class SectionViewSet(FractalScopedViewSet):
    """Sections of practice sessions."""

    model = SessionSection
    serializer_class = SectionSerializer
    filterset_class = SectionFilter
    ordering_fields = ["sort_order", "created_at", "name"]
    ordering = ["sort_order", "created_at"]


class ActivityInstanceViewSet(FractalScopedViewSet):
    """Activities performed in sessions: timers, manual times, recorded values, order."""

    model = ActivityInstance
    serializer_class = ActivityInstanceSerializer
    filterset_class = ActivityInstanceFilter
    ordering_fields = ["sort_order", "created_at", "time_start", "duration_seconds"]
    ordering = ["sort_order", "created_at"]

    def scoped_queryset(self):
        return (
            super().scoped_queryset().select_related("activity").prefetch_related(_values_prefetch(), notes_prefetch())
        )

    def _fresh(self, instance):
        instance = self.get_queryset().get(pk=instance.pk)
        return Response(self.get_serializer(instance).data)

    def _when(self, request):
        return _when(request)

    @extend_schema(request=TimerSerializer, responses=ActivityInstanceSerializer)
    @action(detail=True, methods=["post"])
    def start(self, request, *args, **kwargs):
        """Start (or restart) the timer; a restart clears the previous stop."""
        instance = self.get_object()
        run_model_operation(instance.start_timer, self._when(request))
        return self._fresh(instance)

    @extend_schema(request=TimerSerializer, responses=ActivityInstanceSerializer)
    @action(detail=True, methods=["post"])
    def stop(self, request, *args, **kwargs):
        """Stop the timer; refused when it never started or when the stop is before the start."""
        instance = self.get_object()
        run_model_operation(instance.stop_timer, self._when(request))
        return self._fresh(instance)

    @extend_schema(request=ValueEntrySerializer(many=True), responses=ActivityInstanceSerializer)
    @action(detail=True, methods=["post"])
    def values(self, request, *args, **kwargs):
        """Upsert values: a list of {metric, split, set_number, value}; value null removes the cell."""
        instance = self.get_object()
        payload = ValueEntrySerializer(data=request.data, many=True, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        run_model_operation(instance.record_values, payload.validated_data)
        return self._fresh(instance)

    @extend_schema(request=ConfirmSetSerializer, responses=ActivityInstanceSerializer)
    @action(detail=True, methods=["post"], url_path="confirm-set")
    def confirm_set(self, request, *args, **kwargs):
        """Confirm a set as done (or undo it when it is confirmed): its empty cells take last time's values."""
        instance = self.get_object()
        payload = ConfirmSetSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        last = previous_instances(instance.session, {instance.activity_id}).get(instance.activity_id)
        run_model_operation(
            confirm_set, instance, payload.validated_data["set_number"], last.live_values if last is not None else ()
        )
        return self._fresh(instance)

    @extend_schema(request=ReorderInstancesSerializer, responses=ActivityInstanceSerializer(many=True))
    @action(detail=False, methods=["post"], filter_backends=[], pagination_class=None)
    def reorder(self, request, *args, **kwargs):
        """Order the activities of one session (and section; none = activities outside sections)."""
        payload = ReorderInstancesSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        section = data.get("section")
        if section is not None and section.session_id != data["session"].pk:
            raise serializers.ValidationError({"section": "The section belongs to another session."})
        run_model_operation(data["session"].reorder_instances, data["ids"], section)
        ordered = self.get_queryset().filter(session=data["session"], section=section).order_by("sort_order")
        return Response(self.get_serializer(ordered, many=True).data)


def _when(request):
    payload = TimerSerializer(data=request.data or {})
    payload.is_valid(raise_exception=True)
    return payload.validated_data.get("at")


class ActivityRecordsView(APIView):
    """The personal records of one activity: the best value of each metric (per split) and product."""

    @extend_schema(responses=RecordSerializer(many=True))
    def get(self, request, root_id, activity_id):
        fractal = get_fractal_for_user(request.user, root_id)
        activity = get_scoped_or_404(ActivityDefinition.objects, fractal, pk=activity_id)
        return Response(RecordSerializer(activity_records(activity), many=True).data)


def _values_prefetch():
    return Prefetch("values", queryset=MetricValue.objects.all(), to_attr="live_values")


class MetricValueViewSet(ReadOnlyFractalScopedViewSet):
    """Recorded values (read only; write them through an activity instance's ``values`` action)."""

    model = MetricValue
    serializer_class = MetricValueSerializer
    filterset_class = MetricValueFilter
    ordering_fields = ["created_at", "value", "set_number"]
    ordering = ["created_at"]


class SessionTemplateViewSet(FractalScopedViewSet):
    """Session templates: sections, each with an ordered list of activity ids."""

    model = SessionTemplate
    serializer_class = SessionTemplateSerializer
    filterset_class = SessionTemplateFilter
    ordering_fields = ["name", "created_at", "updated_at"]
    ordering = ["name"]

    def scoped_queryset(self):
        return super().scoped_queryset().prefetch_related(template_prefetch())

    @extend_schema(request=FromSessionSerializer, responses={201: SessionTemplateSerializer})
    @action(detail=False, methods=["post"], filter_backends=[], pagination_class=None, url_path="from-session")
    def from_session(self, request, *args, **kwargs):
        """Save a session's sections and activities as a new template."""
        payload = FromSessionSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        template = run_model_operation(
            SessionTemplate.from_session, data["session"], data["name"], description=data.get("description", "")
        )
        return Response(self.get_serializer(template).data, status=status.HTTP_201_CREATED)


class ProgramViewSet(FractalScopedViewSet):
    model = Program
    serializer_class = ProgramSerializer
    filterset_class = ProgramFilter
    ordering_fields = ["name", "start_date", "end_date", "created_at"]
    ordering = ["-start_date", "name"]

    def scoped_queryset(self):
        return super().scoped_queryset().prefetch_related("goals")


class ProgramBlockViewSet(FractalScopedViewSet):
    model = ProgramBlock
    serializer_class = ProgramBlockSerializer
    filterset_class = ProgramBlockFilter
    ordering_fields = ["start_date", "end_date", "sort_order", "name", "created_at"]
    ordering = ["start_date", "sort_order"]

    def scoped_queryset(self):
        return super().scoped_queryset().prefetch_related("goals")

    @extend_schema(request=ScheduleSerializer, responses={201: ScheduledSessionSerializer(many=True)})
    @action(detail=True, methods=["post"])
    def schedule(self, request, *args, **kwargs):
        """Schedule a template on weekdays of the block (days are created; existing ones are kept)."""
        block = self.get_object()
        payload = ScheduleSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        created = run_model_operation(block.schedule, data["template"], data["weekdays"])
        return Response(
            ScheduledSessionSerializer(created, many=True, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )


class ProgramDayViewSet(FractalScopedViewSet):
    model = ProgramDay
    serializer_class = ProgramDaySerializer
    filterset_class = ProgramDayFilter
    ordering_fields = ["date", "day_number", "sort_order", "created_at"]
    ordering = ["date", "day_number", "sort_order"]


class ScheduledSessionViewSet(FractalScopedViewSet):
    model = ScheduledSession
    serializer_class = ScheduledSessionSerializer
    filterset_class = ScheduledSessionFilter
    ordering_fields = ["sort_order", "created_at", "completed_at"]
    ordering = ["sort_order", "created_at"]

    @extend_schema(request=StartScheduledSerializer, responses={201: PracticeSessionDetailSerializer})
    @action(detail=True, methods=["post"])
    def start(self, request, *args, **kwargs):
        """Create the practice session from the scheduled template and link the two."""
        scheduled = self.get_object()
        payload = StartScheduledSerializer(data=request.data or {}, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        session = run_model_operation(scheduled.start, payload.validated_data.get("goals"))
        session = PracticeSession.objects.prefetch_related(*session_prefetch(True)).get(pk=session.pk)
        return Response(
            PracticeSessionDetailSerializer(session, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )
