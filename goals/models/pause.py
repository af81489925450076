from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from .base import FractalScopedModel, root_field


class GoalPause(FractalScopedModel):
    """One interval in which a goal (and its subtree) was paused; open while ``ended_at`` is empty.

    The goal's ``paused_at`` mirrors the start of its open pause, so pages filter goals without
    reading this table; the intervals are the history (shown on the goal page).
    """

    root = root_field(db_index=False)  # covered by goal_pause_root_updated_idx
    goal = models.ForeignKey("goals.Goal", on_delete=models.CASCADE, related_name="pauses", db_index=False)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    soft_delete = {"goal": "cascade"}

    class Meta(FractalScopedModel.Meta):
        db_table = "goal_pauses"
        ordering = ["started_at"]
        constraints = [
            models.CheckConstraint(
                name="goal_pause_end_after_start",
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=F("started_at")),
                violation_error_message="A pause cannot end before it starts.",
            ),
            models.UniqueConstraint(
                fields=["goal"],
                condition=Q(ended_at__isnull=True, deleted_at__isnull=True),
                name="goal_pause_one_open",
            ),
        ]
        indexes = [
            models.Index(fields=["goal", "started_at"], name="goal_pause_goal_idx"),
            models.Index(fields=["root", "updated_at"], name="goal_pause_root_updated_idx"),
        ]

    def __str__(self):
        return f"Pause of {self.goal} from {self.started_at:%Y-%m-%d %H:%M}"

    def derive_root_id(self):
        return self.goal.root_id

    def validate_rules(self):
        if self.ended_at is not None and self.ended_at < self.started_at:
            raise ValidationError({"ended_at": "A pause cannot end before it starts."})

    @classmethod
    def integrity_rules(cls):
        return [
            (
                cls.all_objects.filter(ended_at__lt=F("started_at")),
                "goal pause ends before it starts",
                {"ended_at": F("started_at")},
            )
        ]

    @property
    def duration(self):
        return (self.ended_at - self.started_at) if self.ended_at else None
