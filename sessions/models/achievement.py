from django.db import models
from django.db.models import Q

from goals.models import FractalScopedModel


class TargetAchievement(FractalScopedModel):
    """Where a target was first met: written only by the target evaluation in ``sessions.targets``."""

    target = models.ForeignKey("activities.Target", on_delete=models.CASCADE, related_name="achievements")
    session = models.ForeignKey(
        "practice_sessions.PracticeSession", on_delete=models.CASCADE, related_name="achievements"
    )
    instance = models.ForeignKey(
        "practice_sessions.ActivityInstance", on_delete=models.CASCADE, related_name="achievements"
    )
    set_number = models.PositiveSmallIntegerField(null=True, blank=True)
    split = models.ForeignKey(
        "activities.SplitDefinition", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    achieved_at = models.DateTimeField()

    # Restoring an achievement after the target was met again meanwhile: the newer one wins and
    # the restored one stays in the trash (a target has one live achievement).
    soft_delete_restore_conflict = "stay"
    soft_delete = {"target": "cascade", "session": "cascade", "instance": "cascade", "split": "keep"}

    class Meta(FractalScopedModel.Meta):
        db_table = "target_achievements"
        ordering = ["achieved_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["target"], condition=Q(deleted_at__isnull=True), name="achievement_one_live_per_target"
            ),
        ]

    def __str__(self):
        return f"{self.target} met in {self.session}"

    def derive_root_id(self):
        return self.target.root_id

    def scope_relations(self):
        return [("session", self.session), ("instance", self.instance)]
