import gc
import json
from collections import namedtuple

from django.db import connection
from django.db.models import TextField
from django.db.models.functions import Cast
from django.http import HttpResponse
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


TREE_FIELDS = (
    "id",
    "parent_id",
    "level",
    "name",
    "description",
    "deadline",
    "completed",
    "completed_at",
    "sort_order",
    "created_at",
    "updated_at",
)


TreeRow = namedtuple("TreeRow", TREE_FIELDS)
TEXT_ON_SQLITE = ("deadline", "completed_at", "created_at", "updated_at")


def tree_rows(root):
    """The live goals of a fractal as rows of JSON-ready values, in sibling order, for ``tree_response``.

    A fractal can hold thousands of goals: the rows come straight from the cursor and each value
    is written once the way the JSON renderer would write it (ids with dashes, ISO 8601 times with
    ``Z``), skipping model instances and the ORM's per-value conversions, which were most of the
    endpoint's time.
    """
    queryset = Goal.objects.filter(root_id=root.pk).order_by("sort_order", "created_at")
    if connection.vendor == "sqlite":
        # As stored text: SQLite's own type converters would parse every date and time.
        as_text = {field: Cast(field, TextField()) for field in TEXT_ON_SQLITE}
        queryset = queryset.annotate(**{f"{field}_text": cast for field, cast in as_text.items()})
        columns = [f"{field}_text" if field in TEXT_ON_SQLITE else field for field in TREE_FIELDS]
    else:
        columns = TREE_FIELDS
    queryset = queryset.values_list(*columns)
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        raw = cursor.fetchall()
    ids = {}  # a goal's id is written once, though it appears again as each child's parent

    def id_text(value):
        if value not in ids:
            ids[value] = _uuid_text(value)
        return ids[value]

    return [
        TreeRow(
            id_text(goal_id),
            id_text(parent_id),
            level,
            name,
            description,
            _date_text(deadline),
            bool(completed),
            _datetime_text(completed_at),
            sort_order,
            _datetime_text(created_at),
            _datetime_text(updated_at),
        )
        for (goal_id, parent_id, level, name, description, deadline, completed, completed_at, sort_order, created_at,
             updated_at) in raw
    ]  # fmt: skip


def _uuid_text(value):
    if value is None:
        return None
    if isinstance(value, str) and len(value) == 32:  # SQLite keeps UUIDs as 32 hex digits
        return f"{value[:8]}-{value[8:12]}-{value[12:16]}-{value[16:20]}-{value[20:]}"
    return str(value)


def _date_text(value):
    if value is None or isinstance(value, str):  # SQLite keeps dates as ISO text
        return value
    return value.isoformat()


def _datetime_text(value):
    if value is None:
        return None
    if isinstance(value, str):  # SQLite keeps UTC datetimes as "YYYY-MM-DD HH:MM:SS[.ffffff]"
        return value.replace(" ", "T") + "Z"
    text = value.isoformat()
    if value.tzinfo is None:  # SQLite's parsed values are naive UTC
        return text + "Z"
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def tree_response(root, extra=None):
    """The fractal's goal tree as a JSON response: ``{...goal, "children": [...]}`` from the root.

    ``extra(goal)`` may add fields to each node (the sessions app adds target progress). The
    document is written straight from ``tree_rows`` (the same bytes the JSON renderer wrote for
    nested dicts, without building 100,000 of them for a 50,000-goal tree), with the cyclic
    garbage collector paused: its passes walked every object built here.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        body = _tree_json(root, tree_rows(root), extra)
    finally:
        if enabled:
            gc.enable()
    return HttpResponse(body, content_type="application/json")


def _tree_json(root, rows, extra):
    quoted = json.JSONEncoder(ensure_ascii=False).encode  # as DRF's renderer: UTF-8, compact

    def text(value):  # ids, dates and times are already ISO / UUID text
        return "null" if value is None else f'"{value}"'

    children = {}
    for index, row in enumerate(rows):
        children.setdefault(row.parent_id, []).append(index)
    parts = []

    def write(index):
        row = rows[index]
        node = (
            f'{{"id":"{row.id}","parent":{text(row.parent_id)},"level":{quoted(row.level)},'
            f'"name":{quoted(row.name)},"description":{quoted(row.description)},"deadline":{text(row.deadline)},'
            f'"completed":{"true" if row.completed else "false"},"completed_at":{text(row.completed_at)},'
            f'"sort_order":{row.sort_order},"created_at":{text(row.created_at)},"updated_at":{text(row.updated_at)},'
        )
        if extra is not None:
            node += "".join(f"{quoted(key)}:{quoted(value)}," for key, value in extra(row).items())
        parts.append(node + '"children":[')
        for position, child in enumerate(children.get(row.id, ())):
            if position:
                parts.append(",")
            write(child)  # a tree is at most seven levels deep
        parts.append("]}")

    root_id = str(root.pk)
    write(next(index for index, row in enumerate(rows) if row.id == root_id))
    return "".join(parts).encode()
