from django.db import transaction
from django.db.models import Prefetch, prefetch_related_objects
from rest_framework import serializers
from rest_framework.relations import PKOnlyObject

from activities.models import ActivityDefinition, MetricDefinition, SplitDefinition
from goals.api.base import ScopedModelSerializer, ScopedRelatedField, clean_and_save, run_model_operation
from goals.dates import validate_sane_date
from goals.markdown import render_markdown
from goals.models import Goal
from sessions.models import (
    ActivityInstance,
    MetricValue,
    Note,
    PracticeSession,
    Program,
    ProgramBlock,
    ProgramDay,
    ScheduledSession,
    SessionSection,
    SessionTemplate,
    TemplateActivity,
    TemplateSection,
)
from sessions.models.note import NOTE_MAX_LENGTH
from sessions.records import RECORD_KINDS
from sessions.services import reevaluate_targets

AUDIT = ["created_at", "updated_at", "deleted_at"]


# --- sessions, sections, instances, values ----------------------------------------------------
class SectionSerializer(ScopedModelSerializer):
    session = ScopedRelatedField(PracticeSession)

    class Meta:
        model = SessionSection
        fields = ["id", "session", "name", "planned_minutes", "rest_seconds", "sort_order", *AUDIT]
        read_only_fields = ["id", "sort_order", *AUDIT]

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None:
            fields["session"].read_only = True
        return fields


class NewSectionSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=255)
    planned_minutes = serializers.IntegerField(min_value=0, max_value=100_000, required=False, allow_null=True)


class NestedSectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = SessionSection
        fields = ["id", "name", "planned_minutes", "rest_seconds", "sort_order"]


class MetricValueSerializer(serializers.ModelSerializer):
    class Meta:
        model = MetricValue
        fields = ["id", "instance", "metric", "split", "set_number", "value", "confirmed", "created_at", "updated_at"]
        read_only_fields = fields


NOTES_WRITTEN_ELSEWHERE = (
    "Read only: notes are written through the notes endpoint (POST /api/fractals/<root id>/notes/ "
    "with the session or instance); here they are listed."
)


class NestedNoteSerializer(serializers.ModelSerializer):
    """A note of a session or an instance, as listed with it (read only; written through ``notes/``)."""

    body_html = serializers.SerializerMethodField(help_text="The body rendered from Markdown and sanitised.")

    class Meta:
        model = Note
        fields = ["id", "body", "body_html", "pinned", "set_number", "created_at", "updated_at"]
        read_only_fields = fields

    def get_body_html(self, note) -> str:
        return str(render_markdown(note.body))


def notes_prefetch():
    """The live notes of a session or an instance, pinned first then oldest first (a log reads down)."""
    return Prefetch(
        "attached_notes", queryset=Note.objects.order_by("-pinned", "created_at", "id"), to_attr="live_notes"
    )


class NotesListedHere:
    """Serializers that list ``notes`` read only: a client of the older API writing notes text is told where to."""

    def to_internal_value(self, data):
        if hasattr(data, "get") and isinstance(data.get("notes"), str):
            raise serializers.ValidationError({"notes": [NOTES_WRITTEN_ELSEWHERE]})
        return super().to_internal_value(data)

    def to_representation(self, instance):
        if getattr(instance, "live_notes", None) is None:
            prefetch_related_objects([instance], notes_prefetch())
        return super().to_representation(instance)


class ValueEntrySerializer(serializers.Serializer):
    """One cell of the value grid; ``value`` null removes the cell."""

    metric = ScopedRelatedField(MetricDefinition)
    split = ScopedRelatedField(SplitDefinition, required=False, allow_null=True)
    set_number = serializers.IntegerField(min_value=1, max_value=1000, required=False, allow_null=True)
    value = serializers.FloatField(allow_null=True, min_value=-1e12, max_value=1e12)


class ActivityInstanceSerializer(NotesListedHere, ScopedModelSerializer):
    session = ScopedRelatedField(PracticeSession)
    section = ScopedRelatedField(SessionSection, required=False, allow_null=True)
    activity = ScopedRelatedField(ActivityDefinition)
    activity_name = serializers.CharField(source="activity.name", read_only=True)
    values = MetricValueSerializer(many=True, read_only=True, source="live_values")
    notes = NestedNoteSerializer(
        many=True, read_only=True, source="live_notes", help_text="Its notes (and its sets'), pinned first."
    )

    class Meta:
        model = ActivityInstance
        fields = [
            "id",
            "session",
            "section",
            "activity",
            "activity_name",
            "sort_order",
            "time_start",
            "time_stop",
            "duration_seconds",
            "completed",
            "notes",
            "values",
            *AUDIT,
        ]
        read_only_fields = ["id", "sort_order", "duration_seconds", *AUDIT]

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None:
            fields["session"].read_only = True
            fields["activity"].read_only = True
        return fields

    def to_representation(self, instance):
        if getattr(instance, "live_values", None) is None:
            instance.live_values = list(MetricValue.objects.filter(instance=instance))
        return super().to_representation(instance)

    def validate(self, attrs):
        start = attrs.get("time_start", getattr(self.instance, "time_start", None))
        stop = attrs.get("time_stop", getattr(self.instance, "time_stop", None))
        ActivityInstance.check_entered_times(start, stop)
        return attrs

    def create(self, validated_data):
        session = validated_data.pop("session")
        activity = validated_data.pop("activity")
        instance = run_model_operation(session.add_activity, activity, **validated_data)
        instance.live_values = None
        return instance

    def update(self, instance, validated_data):
        times = {key: validated_data.pop(key) for key in ("time_start", "time_stop") if key in validated_data}
        with transaction.atomic():
            instance = super().update(instance, validated_data)
            if times:
                run_model_operation(
                    instance.set_times,
                    times.get("time_start", instance.time_start),
                    times.get("time_stop", instance.time_stop),
                )
        instance.live_values = None
        return instance


class ConfirmSetSerializer(serializers.Serializer):
    set_number = serializers.IntegerField(min_value=1, max_value=1000)


class SessionPauseSerializer(serializers.Serializer):
    started_at = serializers.DateTimeField(read_only=True)
    ended_at = serializers.DateTimeField(read_only=True, allow_null=True)


class RecordSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=RECORD_KINDS, help_text="A metric's value, or a set's product.")
    name = serializers.CharField(help_text="The metric (or the metrics multiplied, e.g. “Weight × Reps”).")
    metric = serializers.UUIDField(source="metric.pk", allow_null=True, default=None)
    unit = serializers.CharField()
    split = serializers.UUIDField(source="split.pk", allow_null=True, default=None)
    value = serializers.FloatField()
    lower_is_better = serializers.BooleanField()
    set_number = serializers.IntegerField(allow_null=True)
    session = serializers.UUIDField(source="session_id")
    achieved_at = serializers.DateTimeField(help_text="The session's start (else its creation).")


class TimerSerializer(serializers.Serializer):
    at = serializers.DateTimeField(
        required=False, validators=[validate_sane_date], help_text="When the timer starts/stops; default now."
    )


class ReorderInstancesSerializer(serializers.Serializer):
    session = ScopedRelatedField(PracticeSession)
    section = ScopedRelatedField(SessionSection, required=False, allow_null=True)
    ids = serializers.ListField(child=serializers.UUIDField(), max_length=1000)


def instance_prefetch():
    return Prefetch(
        "instances",
        queryset=ActivityInstance.objects.select_related("activity")
        .prefetch_related(
            Prefetch("values", queryset=MetricValue.objects.all(), to_attr="live_values"), notes_prefetch()
        )
        .order_by("sort_order", "created_at"),
        to_attr="live_instances",
    )


def session_prefetch(detail=False):
    prefetch = [
        Prefetch("goals", queryset=Goal.objects.all()),
        Prefetch("sections", queryset=SessionSection.objects.order_by("sort_order"), to_attr="live_sections"),
        notes_prefetch(),
    ]
    if detail:
        prefetch += [instance_prefetch(), "pauses"]
    return prefetch


class PracticeSessionSerializer(NotesListedHere, ScopedModelSerializer):
    goals = ScopedRelatedField(
        Goal, many=True, help_text="Short-term or immediate goals of this fractal the session serves."
    )
    template = ScopedRelatedField(SessionTemplate, read_only=True, allow_null=True)
    sections = NestedSectionSerializer(many=True, read_only=True, source="live_sections")
    notes = NestedNoteSerializer(many=True, read_only=True, source="live_notes", help_text="Its notes, pinned first.")
    new_sections = NewSectionSerializer(
        many=True, write_only=True, required=False, max_length=50, help_text="Sections to create with the session."
    )

    class Meta:
        model = PracticeSession
        fields = [
            "id",
            "name",
            "description",
            "goals",
            "template",
            "started_at",
            "ended_at",
            "planned_minutes",
            "total_duration_seconds",
            "completed",
            "completed_at",
            "notes",
            "sections",
            "new_sections",
            *AUDIT,
        ]
        read_only_fields = ["id", "total_duration_seconds", "completed", "completed_at", *AUDIT]
        extra_kwargs = {"planned_minutes": {"max_value": 100_000}}

    def to_representation(self, instance):
        if getattr(instance, "live_sections", None) is None:
            instance.live_sections = list(SessionSection.objects.filter(session=instance).order_by("sort_order"))
        return super().to_representation(instance)

    def validate(self, attrs):
        if "started_at" in attrs or "ended_at" in attrs:
            # The session page's rule for its own times, not a copy of it.
            run_model_operation(
                PracticeSession.check_times,
                attrs.get("started_at", getattr(self.instance, "started_at", None)),
                attrs.get("ended_at", getattr(self.instance, "ended_at", None)),
                completed=getattr(self.instance, "completed", False),
            )
        return attrs

    def create(self, validated_data):
        fractal = self.context["request"].fractal
        goals = validated_data.pop("goals")
        sections = [(row["name"], row.get("planned_minutes")) for row in validated_data.pop("new_sections", [])]
        name = validated_data.pop("name")
        return run_model_operation(PracticeSession.create, fractal, goals, name, sections=sections, **validated_data)

    def update(self, instance, validated_data):
        goals = validated_data.pop("goals", None)
        validated_data.pop("new_sections", None)
        with transaction.atomic():
            for name, value in validated_data.items():
                setattr(instance, name, value)
            clean_and_save(instance)
            if goals is not None:
                run_model_operation(instance.set_goals, goals)
            if instance.completed and {"started_at", "ended_at"} & set(validated_data):
                reevaluate_targets(instance)
        instance.live_sections = None
        return instance


class PracticeSessionDetailSerializer(PracticeSessionSerializer):
    instances = ActivityInstanceSerializer(many=True, read_only=True, source="live_instances")
    pauses = SessionPauseSerializer(many=True, read_only=True, source="pause_list")
    is_paused = serializers.BooleanField(read_only=True)
    active_seconds = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="Seconds practised so far (or in all), paused time left out."
    )

    class Meta(PracticeSessionSerializer.Meta):
        fields = [*PracticeSessionSerializer.Meta.fields, "pauses", "is_paused", "active_seconds", "instances"]

    def to_representation(self, instance):
        if getattr(instance, "live_instances", None) is None:
            prefetch_related_objects([instance], instance_prefetch())
        return super().to_representation(instance)


class FromTemplateSerializer(serializers.Serializer):
    template = ScopedRelatedField(SessionTemplate)
    goals = ScopedRelatedField(Goal, many=True)
    name = serializers.CharField(max_length=255, required=False)
    start = serializers.BooleanField(default=False, help_text="Start the session now (practice from a template).")


class LogSessionSerializer(serializers.Serializer):
    """A session that already happened; its times follow the same rule as the session's own times."""

    name = serializers.CharField(max_length=255, required=False, allow_blank=True)
    goals = ScopedRelatedField(Goal, many=True)
    started_at = serializers.DateTimeField()
    ended_at = serializers.DateTimeField()
    activities = ScopedRelatedField(ActivityDefinition, many=True, required=False)
    template = ScopedRelatedField(SessionTemplate, required=False, allow_null=True)
    notes = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=NOTE_MAX_LENGTH,
        help_text="Markdown; becomes a note of the session.",
    )

    def validate(self, attrs):
        if len(attrs.get("activities", [])) > 100:
            raise serializers.ValidationError({"activities": "Log at most 100 activities at once."})
        if not attrs.get("name", "").strip() and not attrs.get("template") and attrs.get("goals"):
            attrs["name"] = attrs["goals"][0].name
        return attrs


class StartPracticeSerializer(serializers.Serializer):
    goal = ScopedRelatedField(Goal)


class CopySessionSerializer(serializers.Serializer):
    start = serializers.BooleanField(default=True, help_text="Start the copy now (repeat) or leave it planned.")


class CompletionSerializer(serializers.Serializer):
    session = PracticeSessionSerializer()
    targets_met = serializers.ListField(child=serializers.UUIDField(), help_text="Targets met in this session.")
    goals_completed = serializers.ListField(
        child=serializers.UUIDField(), help_text="Goals completed by meeting their targets."
    )


class EvaluationSerializer(serializers.Serializer):
    goal = serializers.UUIDField()
    met = serializers.ListField(child=serializers.UUIDField())
    open = serializers.ListField(child=serializers.UUIDField())
    goal_completed = serializers.BooleanField()


# --- templates --------------------------------------------------------------------------------
class TemplateSectionSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    name = serializers.CharField(max_length=255)
    planned_minutes = serializers.IntegerField(min_value=0, max_value=100_000, required=False, allow_null=True)
    rest_seconds = serializers.IntegerField(min_value=0, max_value=86_400, required=False, allow_null=True)
    activities = serializers.ListField(
        child=ScopedRelatedField(ActivityDefinition), source="activity_list", max_length=100, required=False
    )


def template_prefetch():
    return Prefetch(
        "sections",
        queryset=TemplateSection.objects.order_by("sort_order").prefetch_related(
            Prefetch("activities", queryset=TemplateActivity.objects.order_by("sort_order"), to_attr="live_entries")
        ),
        to_attr="live_sections",
    )


class SessionTemplateSerializer(ScopedModelSerializer):
    sections = TemplateSectionSerializer(
        many=True,
        source="live_sections",
        max_length=50,
        allow_empty=False,
        error_messages={"empty": "A template needs at least one section."},
    )

    class Meta:
        model = SessionTemplate
        fields = ["id", "name", "description", "sections", *AUDIT]
        read_only_fields = ["id", *AUDIT]

    def to_representation(self, instance):
        if getattr(instance, "live_sections", None) is None:
            prefetch_related_objects([instance], template_prefetch())
        for section in instance.live_sections:
            section.activity_list = [PKOnlyObject(pk=entry.activity_id) for entry in section.live_entries]
        return super().to_representation(instance)

    @staticmethod
    def _plan(rows):
        return [
            (row["name"], row.get("planned_minutes"), row.get("activity_list", []), row.get("rest_seconds"))
            for row in rows
        ]

    def create(self, validated_data):
        fractal = self.context["request"].fractal
        sections = self._plan(validated_data.pop("live_sections"))
        return run_model_operation(SessionTemplate.create, fractal, sections=sections, **validated_data)

    def update(self, instance, validated_data):
        sections = validated_data.pop("live_sections", None)
        with transaction.atomic():
            for name, value in validated_data.items():
                setattr(instance, name, value)
            clean_and_save(instance)
            if sections is not None:
                run_model_operation(instance.replace_sections, self._plan(sections))
        instance.__dict__.pop("live_sections", None)  # read the new sections back
        return instance


class FromSessionSerializer(serializers.Serializer):
    session = ScopedRelatedField(PracticeSession)
    name = serializers.CharField(max_length=255)
    description = serializers.CharField(required=False, allow_blank=True)


# --- programs ---------------------------------------------------------------------------------
class ProgramSerializer(ScopedModelSerializer):
    goals = ScopedRelatedField(Goal, many=True, required=False)

    class Meta:
        model = Program
        fields = ["id", "name", "description", "start_date", "end_date", "is_active", "goals", *AUDIT]
        read_only_fields = ["id", *AUDIT]
        # Both dates, as on the page (the model refuses a program without them too).
        extra_kwargs = {
            "start_date": {"required": True, "allow_null": False},
            "end_date": {"required": True, "allow_null": False},
        }


class ProgramBlockSerializer(ScopedModelSerializer):
    program = ScopedRelatedField(Program)
    goals = ScopedRelatedField(Goal, many=True, required=False)

    class Meta:
        model = ProgramBlock
        fields = ["id", "program", "name", "start_date", "end_date", "color", "goals", "sort_order", *AUDIT]
        read_only_fields = ["id", "sort_order", *AUDIT]

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None:
            fields["program"].read_only = True
        return fields


class ScheduleSerializer(serializers.Serializer):
    template = ScopedRelatedField(SessionTemplate)
    weekdays = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=6), min_length=1, max_length=7, help_text="0 = Monday."
    )


class ProgramDaySerializer(ScopedModelSerializer):
    block = ScopedRelatedField(ProgramBlock)

    class Meta:
        model = ProgramDay
        fields = ["id", "block", "date", "day_number", "name", "notes", "sort_order", *AUDIT]
        read_only_fields = ["id", "sort_order", *AUDIT]
        extra_kwargs = {"day_number": {"max_value": 100_000}}

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None:
            fields["block"].read_only = True
        return fields


class ScheduledSessionSerializer(ScopedModelSerializer):
    day = ScopedRelatedField(ProgramDay)
    template = ScopedRelatedField(SessionTemplate, required=False, allow_null=True)
    session = ScopedRelatedField(PracticeSession, read_only=True, allow_null=True)

    class Meta:
        model = ScheduledSession
        fields = ["id", "day", "template", "session", "completed", "completed_at", "sort_order", *AUDIT]
        read_only_fields = ["id", "session", "completed", "completed_at", "sort_order", *AUDIT]

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None:
            fields["day"].read_only = True
        return fields


class StartScheduledSerializer(serializers.Serializer):
    goals = ScopedRelatedField(
        Goal, many=True, required=False, help_text="Goals to link; default: the block's (or program's) goals."
    )
