from django.db import models

from goals.models import FractalScopedModel, root_field
from goals.models.pause import PauseInterval, pause_constraints


class SessionPause(PauseInterval, FractalScopedModel):
    """One interval in which a session was paused; its duration leaves these out."""

    root = root_field(db_index=False)  # covered by session_pause_root_updated_idx
    session = models.ForeignKey(
        "practice_sessions.PracticeSession", on_delete=models.CASCADE, related_name="pauses", db_index=False
    )

    soft_delete = {"session": "cascade"}

    class Meta(FractalScopedModel.Meta):
        db_table = "session_pauses"
        ordering = ["started_at"]
        constraints = pause_constraints("session_pause", "session")
        indexes = [
            models.Index(fields=["session", "started_at"], name="session_pause_session_idx"),
            models.Index(fields=["root", "updated_at"], name="session_pause_root_updated_idx"),
        ]

    def __str__(self):
        return f"Pause of {self.session} from {self.started_at:%Y-%m-%d %H:%M:%S}"

    def derive_root_id(self):
        return self.session.root_id

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
