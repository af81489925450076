"""Notes: Markdown text attached to the fractal, a goal, a session, an activity, an instance or one set."""

import uuid

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q

from goals.models import FractalScopedModel, root_field

NOTE_MAX_LENGTH = 20_000


class NoteContext(models.TextChoices):
    FRACTAL = "fractal", "Fractal"
    GOAL = "goal", "Goal"
    SESSION = "session", "Session"
    ACTIVITY = "activity", "Activity"
    INSTANCE = "instance", "Activity in a session"
    SET = "set", "Set"


# Notes made from the plain ``notes`` text of a session or an instance (the migration that retired
# those fields, an export of the older format, a legacy file) get an id derived from their owner, so
# the same text always becomes the same note: an import run twice does not make two.
FIELD_NOTE_NAMESPACE = uuid.UUID("6f1c5d0e-52a4-4f0b-9a59-3c1f4d6e2b71")


def field_note_id(context, owner_id):
    """The id of the note made from the ``notes`` text of a "session" or an "instance"."""
    return uuid.uuid5(FIELD_NOTE_NAMESPACE, f"{context}:{owner_id}")


# The keys a note can hang on; at most one is set (none: a note of the fractal itself).
CONTEXT_FIELDS = ("goal", "session", "activity", "instance")


class Note(FractalScopedModel):
    root = root_field(db_index=False)  # covered by note_root_pinned_idx
    body = models.TextField(validators=[MaxLengthValidator(NOTE_MAX_LENGTH)], help_text="Markdown.")
    pinned = models.BooleanField(default=False)
    goal = models.ForeignKey(
        "goals.Goal", null=True, blank=True, on_delete=models.CASCADE, related_name="attached_notes"
    )
    session = models.ForeignKey(
        "practice_sessions.PracticeSession",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="attached_notes",
    )
    activity = models.ForeignKey(
        "activities.ActivityDefinition", null=True, blank=True, on_delete=models.CASCADE, related_name="attached_notes"
    )
    instance = models.ForeignKey(
        "practice_sessions.ActivityInstance",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="attached_notes",
    )
    set_number = models.PositiveIntegerField(null=True, blank=True, help_text="A note of one set of the instance.")
    # The activity a note is a cue for (its own, or its instance's): derived on save, so the cues
    # beside the inputs read "the latest notes of these activities" from one index.
    cue_activity = models.ForeignKey(
        "activities.ActivityDefinition",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )

    soft_delete = {
        "goal": "cascade",
        "session": "cascade",
        "activity": "cascade",
        "instance": "cascade",
        "cue_activity": "keep",
    }

    class Meta(FractalScopedModel.Meta):
        db_table = "notes"
        ordering = ["-pinned", "-created_at"]
        indexes = [
            models.Index(fields=["root", "-pinned", "-created_at"], name="note_root_pinned_idx"),
            models.Index(fields=["root", "updated_at"], name="note_root_updated_idx"),
            models.Index(
                fields=["root", "cue_activity", "-pinned", "-created_at"],
                name="note_cue_activity_idx",
                condition=Q(deleted_at__isnull=True),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(set_number__isnull=True) | Q(instance__isnull=False), name="note_set_needs_instance"
            ),
        ]

    def __str__(self):
        first = self.body.strip().splitlines()[0] if self.body.strip() else ""
        return first[:60] or "Note"

    @property
    def context(self):
        if self.instance_id is not None:
            return NoteContext.SET if self.set_number is not None else NoteContext.INSTANCE
        for name in ("goal", "session", "activity"):
            if getattr(self, f"{name}_id") is not None:
                return NoteContext(name)
        return NoteContext.FRACTAL

    def context_object(self):
        """What the note hangs on: the goal, session, activity or instance (for a set too), else the root."""
        context = self.context
        if context == NoteContext.FRACTAL:
            return self.root
        return getattr(self, "instance" if context == NoteContext.SET else context)

    def derive_cue_activity_id(self):
        if self.activity_id is not None:
            return self.activity_id
        if self.instance_id is not None:
            return self.instance.activity_id
        return None

    def save(self, *args, **kwargs):
        self.cue_activity_id = self.derive_cue_activity_id()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "cue_activity"}
        super().save(*args, **kwargs)

    def derive_root_id(self):
        for name in CONTEXT_FIELDS:
            if getattr(self, f"{name}_id") is not None:
                return getattr(self, name).root_id
        return self.root_id

    def scope_relations(self):
        return [(name, getattr(self, name)) for name in CONTEXT_FIELDS if getattr(self, f"{name}_id") is not None]

    def validate_rules(self):
        errors = {}
        attached = [name for name in CONTEXT_FIELDS if getattr(self, f"{name}_id") is not None]
        if len(attached) > 1:
            errors["__all__"] = "A note belongs to one thing: a goal, a session, an activity or an activity instance."
        if self.set_number is not None:
            if self.instance_id is None:
                errors["set_number"] = "Only a note of an activity instance can name a set."
            elif self.set_number < 1:
                errors["set_number"] = "Sets are numbered from 1."
        if not self.body.strip():
            errors["body"] = "A note needs some text."
        if errors:
            raise ValidationError(errors)
