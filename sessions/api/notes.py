"""The notes API: Markdown notes of the fractal, a goal, a session, an activity, an instance or a set."""

from rest_framework import serializers

from activities.models import ActivityDefinition
from goals.api.base import FractalScopedViewSet, ScopedModelSerializer, ScopedRelatedField
from goals.markdown import render_markdown
from goals.models import Goal
from sessions.models import ActivityInstance, Note, NoteContext, PracticeSession
from sessions.notes import NOTE_RELATED

from .filters import NoteFilter

AUDIT = ["created_at", "updated_at"]


class NoteSerializer(ScopedModelSerializer):
    goal = ScopedRelatedField(Goal, required=False, allow_null=True)
    session = ScopedRelatedField(PracticeSession, required=False, allow_null=True)
    activity = ScopedRelatedField(ActivityDefinition, required=False, allow_null=True)
    instance = ScopedRelatedField(ActivityInstance, required=False, allow_null=True)
    context = serializers.ChoiceField(choices=NoteContext.choices, read_only=True)
    body_html = serializers.SerializerMethodField(help_text="The body rendered from Markdown and sanitised.")

    class Meta:
        model = Note
        fields = [
            "id", "body", "body_html", "pinned", "context",
            "goal", "session", "activity", "instance", "set_number", *AUDIT,
        ]  # fmt: skip
        read_only_fields = ["id", "context", "body_html", *AUDIT]

    def get_body_html(self, note) -> str:
        return str(render_markdown(note.body))

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            # What a note hangs on is chosen when it is written; edits change its text and pin.
            for name in ("goal", "session", "activity", "instance", "set_number"):
                fields[name].read_only = True
        return fields


class NoteViewSet(FractalScopedViewSet):
    """Notes, pinned first then newest; filter by ``context``, ``pinned``, ``text`` or what they hang on."""

    model = Note
    serializer_class = NoteSerializer
    filterset_class = NoteFilter
    ordering_fields = ["created_at", "updated_at", "pinned"]
    ordering = ["-pinned", "-created_at", "-id"]

    def scoped_queryset(self):
        return super().scoped_queryset().select_related(*NOTE_RELATED)
