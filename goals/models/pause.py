from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from .base import FractalScopedModel, root_field


class PauseInterval(models.Model):
    """A paused interval of something that runs (a goal, a session): open while ``ended_at`` is
    empty. The rules are stated once here; each model names its own constraints with
    ``pause_constraints`` (the names are in the migrations)."""

    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    integrity_label = "pause ends before it starts"

    class Meta:
        abstract = True

    def validate_rules(self):
        if self.ended_at is not None and self.ended_at < self.started_at:
            raise ValidationError({"ended_at": "A pause cannot end before it starts."})

    @classmethod
    def integrity_rules(cls):
        return [
            (cls.all_objects.filter(ended_at__lt=F("started_at")), cls.integrity_label, {"ended_at": F("started_at")})
        ]


def pause_constraints(prefix, owner):
    """The end-after-start check and at most one open (live) pause per ``owner``."""
    return [
        models.CheckConstraint(
            name=f"{prefix}_end_after_start",
            condition=Q(ended_at__isnull=True) | Q(ended_at__gte=F("started_at")),
            violation_error_message="A pause cannot end before it starts.",
        ),
        models.UniqueConstraint(
            fields=[owner],
            condition=Q(ended_at__isnull=True, deleted_at__isnull=True),
            name=f"{prefix}_one_open",
        ),
    ]


class GoalPause(PauseInterval, FractalScopedModel):
    """One interval in which a goal (and its subtree) was paused.

    The goal's ``paused_at`` mirrors the start of its open pause, so pages filter goals without
    reading this table; the intervals are the history (shown on the goal page).
    """

    root = root_field(db_index=False)  # covered by goal_pause_root_updated_idx
    goal = models.ForeignKey("goals.Goal", on_delete=models.CASCADE, related_name="pauses", db_index=False)

    soft_delete = {"goal": "cascade"}
    integrity_label = "goal pause ends before it starts"

    class Meta(FractalScopedModel.Meta):
        db_table = "goal_pauses"
        ordering = ["started_at"]
        constraints = pause_constraints("goal_pause", "goal")
        indexes = [
            models.Index(fields=["goal", "started_at"], name="goal_pause_goal_idx"),
            models.Index(fields=["root", "updated_at"], name="goal_pause_root_updated_idx"),
        ]

    def __str__(self):
        return f"Pause of {self.goal} from {self.started_at:%Y-%m-%d %H:%M}"

    def derive_root_id(self):
        return self.goal.root_id
