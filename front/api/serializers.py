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
