from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from goals.models import FractalScopedModel, root_field


class SessionPause(FractalScopedModel):
    """One interval in which a session was paused; its duration leaves these out."""

    root = root_field(db_index=False)  # covered by session_pause_root_updated_idx
    session = models.ForeignKey(
        "practice_sessions.PracticeSession", on_delete=models.CASCADE, related_name="pauses", db_index=False
    )
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    soft_delete = {"session": "cascade"}

    class Meta(FractalScopedModel.Meta):
        db_table = "session_pauses"
        ordering = ["started_at"]
        constraints = [
            models.CheckConstraint(
                name="session_pause_end_after_start",
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=F("started_at")),
                violation_error_message="A pause cannot end before it starts.",
            ),
            # At most one open pause per session.
            models.UniqueConstraint(
                fields=["session"],
                condition=Q(ended_at__isnull=True, deleted_at__isnull=True),
                name="session_pause_one_open",
            ),
        ]
        indexes = [
            models.Index(fields=["session", "started_at"], name="session_pause_session_idx"),
            models.Index(fields=["root", "updated_at"], name="session_pause_root_updated_idx"),
        ]

    def __str__(self):
        return f"Pause of {self.session} from {self.started_at:%Y-%m-%d %H:%M:%S}"

    def derive_root_id(self):
        return self.session.root_id

    def validate_rules(self):
        if self.ended_at is not None and self.ended_at < self.started_at:
            raise ValidationError({"ended_at": "A pause cannot end before it starts."})

    @classmethod
    def integrity_rules(cls):
        return [
            (
                cls.all_objects.filter(ended_at__lt=F("started_at")),
                "pause ends before it starts",
                {"ended_at": F("started_at")},
            )
        ]

    def overlap_seconds(self, start, end):
        """Seconds of this pause inside [start, end] (an open pause lasts until ``end``)."""
        if start is None or end is None:
            return 0.0
        begin = max(self.started_at, start)
        finish = min(self.ended_at or end, end)
        return max(0.0, (finish - begin).total_seconds())


def paused_seconds(pauses, start, end):
    """Whole seconds of ``pauses`` inside [start, end]; pauses never overlap one another."""
    return int(sum(pause.overlap_seconds(start, end) for pause in pauses))
