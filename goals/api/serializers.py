from rest_framework import serializers

from goals.models import ROOT_LEVELS, Goal, GoalLevel

from .base import ScopedRelatedField, clean_and_save, run_model_operation

ROOT_LEVEL_CHOICES = [(level.value, level.label) for level in ROOT_LEVELS]
GOAL_READ_ONLY = ["id", "root", "completed", "completed_at", "sort_order", "created_at", "updated_at", "deleted_at"]


class FractalSerializer(serializers.ModelSerializer):
    level = serializers.ChoiceField(choices=ROOT_LEVEL_CHOICES)

    class Meta:
        model = Goal
        fields = ["id", "name", "level", "description", "deadline", *GOAL_READ_ONLY[1:]]
        read_only_fields = GOAL_READ_ONLY

    def create(self, validated_data):
        owner = self.context["request"].user
        return run_model_operation(Goal.create_fractal, owner, **validated_data)

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None:
            fields["level"].read_only = True  # a root's level is fixed: its children depend on it
        return fields

    def update(self, instance, validated_data):
        for name, value in validated_data.items():
            setattr(instance, name, value)
        return clean_and_save(instance)


class GoalSerializer(serializers.ModelSerializer):
    parent = ScopedRelatedField(
        Goal, allow_null=True, help_text="The parent goal (null only for the root); the new goal is one level below it."
    )
    level = serializers.ChoiceField(
        choices=GoalLevel.choices, required=False, help_text="Optional on create: must be the parent's next level."
    )

    class Meta:
        model = Goal
        fields = ["id", "parent", "level", "name", "description", "deadline", *GOAL_READ_ONLY[1:]]
        read_only_fields = GOAL_READ_ONLY

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None:
            # Level and parent change only through the move operation.
            fields["parent"].read_only = True
            fields["level"].read_only = True
        return fields

    def validate(self, attrs):
        parent = attrs.get("parent")
        if self.instance is None and parent is None:
            raise serializers.ValidationError(
                {"parent": "Give the parent goal; new fractals are made under /api/fractals/."}
            )
        if self.instance is None:
            expected = GoalLevel(parent.level).next_level
            if expected is None:
                raise serializers.ValidationError({"parent": "Nano goals cannot have children."})
            if attrs.get("level") and attrs["level"] != expected:
                parent_label = GoalLevel(parent.level).label.lower()
                message = f"A child of this {parent_label} must be at the level “{expected.label}”."
                raise serializers.ValidationError({"level": message})
        return attrs

    def create(self, validated_data):
        parent = validated_data.pop("parent")
        validated_data.pop("level", None)
        name = validated_data.pop("name")
        return run_model_operation(parent.add_child, name, **validated_data)

    def update(self, instance, validated_data):
        for name, value in validated_data.items():
            setattr(instance, name, value)
        return clean_and_save(instance)


class GoalMoveSerializer(serializers.Serializer):
    parent = ScopedRelatedField(Goal, help_text="The new parent, in the same fractal, one level up.")


class GoalTreeNodeSerializer(serializers.Serializer):
    """One goal of the tree with its children nested (same shape, recursively)."""

    id = serializers.UUIDField()
    parent = serializers.UUIDField(allow_null=True)
    level = serializers.ChoiceField(choices=GoalLevel.choices)
    name = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    deadline = serializers.DateField(allow_null=True)
    completed = serializers.BooleanField()
    completed_at = serializers.DateTimeField(allow_null=True)
    sort_order = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    children = serializers.ListField(child=serializers.DictField())


def goal_tree(root, goals, extra=None):
    """Nest ``goals`` (every live goal of the fractal, in sibling order) under ``root``.

    ``extra(goal)`` may add fields to each node (the sessions app adds target progress).
    """
    nodes, children = {}, {}
    for goal in goals:
        node = {
            "id": goal.pk,
            "parent": goal.parent_id,
            "level": goal.level,
            "name": goal.name,
            "description": goal.description,
            "deadline": goal.deadline,
            "completed": goal.completed,
            "completed_at": goal.completed_at,
            "sort_order": goal.sort_order,
            "created_at": goal.created_at,
            "updated_at": goal.updated_at,
        }
        if extra is not None:
            node.update(extra(goal))
        nodes[goal.pk] = node
        children.setdefault(goal.parent_id, []).append(node)
    for key, node in nodes.items():
        node["children"] = children.get(key, [])
    return nodes[root.pk]
