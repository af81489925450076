"""Serializers of the cross-app API endpoints: the trash and the goal tree with target progress."""

from rest_framework import serializers

from goals.api.serializers import GoalTreeNodeSerializer


# --- trash ------------------------------------------------------------------------------------
class TrashItemSerializer(serializers.Serializer):
    type = serializers.CharField()
    id = serializers.UUIDField()
    name = serializers.CharField()
    deleted_at = serializers.DateTimeField()


class TrashRestoreSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=[])
    id = serializers.UUIDField()


# --- goal tree with target progress -----------------------------------------------------------
class GoalProgressNodeSerializer(GoalTreeNodeSerializer):
    """A goal of the tree with how many of its targets are met; children nested (same shape)."""

    targets_total = serializers.IntegerField()
    targets_met = serializers.IntegerField()
    progress = serializers.FloatField(
        allow_null=True,
        help_text="Rolled-up share in [0, 1] of its counted children and targets (goals.tree.rolled_up_progress); "
        "null for a goal with neither.",
    )
    state = serializers.ChoiceField(
        choices=["active", "paused", "archived"], help_text="Its own state (a goal below a paused one is too)."
    )
