import json

from django.db import connection
from django.db.models import TextField
from django.db.models.functions import Cast
from django.http import StreamingHttpResponse
from rest_framework import serializers

from goals.models import ROOT_LEVELS, Goal, GoalLevel
from goals.tree import collector_paused, nest

from .base import ScopedRelatedField, clean_and_save, run_model_operation

ROOT_LEVEL_CHOICES = [(level.value, level.label) for level in ROOT_LEVELS]
GOAL_READ_ONLY = [
    "id",
    "root",
    "completed",
    "completed_at",
    "completed_by",
    "paused_at",
    "archived_at",
    "sort_order",
    "created_at",
    "updated_at",
    "deleted_at",
]


class FractalSerializer(serializers.ModelSerializer):
    level = serializers.ChoiceField(choices=ROOT_LEVEL_CHOICES)
    completed_by = serializers.CharField(
        read_only=True,
        help_text='Who completed it: "hand", "targets" or "children"; "" while open (or "targets" '
        "when its targets reopened it and will complete it again).",
    )

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
    completed_by = serializers.CharField(
        read_only=True,
        help_text='Who completed it: "hand", "targets" or "children"; "" while open (or "targets" '
        "when its targets reopened it and will complete it again).",
    )

    class Meta:
        model = Goal
        fields = ["id", "parent", "level", "name", "description", "deadline", "completion_mode", *GOAL_READ_ONLY[1:]]
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
            expected = parent.child_level
            if expected is None:
                raise serializers.ValidationError({"parent": "Nano goals cannot have children."})
            if attrs.get("level") and not parent.may_parent(attrs["level"]):
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


TEXT_ON_SQLITE = ("deadline", "completed_at", "created_at", "updated_at")


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
    """The fractal's goal tree as a streamed JSON response: ``{...goal, "children": [...]}`` from the root.

    ``extra(goal_id)`` may add fields to each node (the sessions app adds target progress). The
    goals are read here, inside the request's transaction, and each is written at once as the
    start of its JSON object (the same bytes the JSON renderer writes for nested dicts, without the
    dicts); the document is then written as chunks of ``TREE_CHUNK_NODES`` goals, which are
    streamed. A 50,000-goal tree is a 17 MB document: written in one piece, it and its copies
    outgrew the processor caches and the memory the process keeps, and the time grew faster than
    the tree. The nodes are built and written with the garbage collector paused and are gone
    before it runs again (only the chunks, bytes it does not walk, stay), so its passes do not walk
    them either.
    """
    with collector_paused():
        chunks = list(_tree_chunks(_tree_nodes(root, extra)))
    return StreamingHttpResponse(chunks, content_type="application/json")


TREE_CHUNK_NODES = 512


def tree_query(root):
    """The SQL and parameters that read the tree's rows: ``TREE_FIELDS`` of every live goal of
    ``root``, in the order of the (root, level) index (dates and times as stored text on SQLite).
    """
    queryset = Goal.objects.filter(root_id=root.pk).order_by("level")
    if connection.vendor == "sqlite":
        as_text = {field: Cast(field, TextField()) for field in TEXT_ON_SQLITE}
        queryset = queryset.annotate(**{f"{field}_text": cast for field, cast in as_text.items()})
        columns = [f"{field}_text" if field in TEXT_ON_SQLITE else field for field in TREE_FIELDS]
    else:
        columns = TREE_FIELDS
    return queryset.values_list(*columns).query.sql_with_params()


def _tree_nodes(root, extra):
    """The root as a one-item list of nodes; a node is ``(sort order, created, JSON start, children)``.

    The rows are read in the order of the (root, level) index, which needs no sort in the
    database; ``nest`` then sorts each sibling list by (sort order, creation), the order siblings
    are shown in everywhere.
    """
    sql, params = tree_query(root)
    quoted = json.JSONEncoder(ensure_ascii=False).encode  # as DRF's renderer: UTF-8, compact

    def node(row, children):
        (goal_id, parent_id, level, name, description, deadline, completed, completed_at, sort_order,
         created_at, updated_at) = row  # fmt: skip
        id_text = _uuid_text(goal_id)
        start = (
            f'{{"id":"{id_text}","parent":{_json_text(_uuid_text(parent_id))},"level":{quoted(level)},'
            f'"name":{quoted(name)},"description":{quoted(description)},'
            f'"deadline":{_json_text(_date_text(deadline))},"completed":{"true" if completed else "false"},'
            f'"completed_at":{_json_text(_datetime_text(completed_at))},"sort_order":{sort_order},'
            f'"created_at":{_json_text(_datetime_text(created_at))},'
            f'"updated_at":{_json_text(_datetime_text(updated_at))},'
        )
        if extra is not None:
            start += "".join(f"{quoted(key)}:{quoted(value)}," for key, value in extra(id_text).items())
        return sort_order, created_at, start + '"children":[', children

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        children = nest(_fetched(cursor), node, sibling_order=_sibling_order)
    root_id = f'{{"id":"{root.pk}",'
    return [node for node in children.get(None, ()) if node[2].startswith(root_id)]


def _fetched(cursor):
    while rows := cursor.fetchmany(2000):
        yield from rows


def _sibling_order(node):
    return node[0], node[1]


def _json_text(value):  # ids, dates and times are already ISO / UUID text
    return "null" if value is None else f'"{value}"'


def _tree_chunks(top):
    """The nested document, depth first, as UTF-8 chunks."""
    parts = []
    pending = [iter(top)]  # per open node, an iterator over its children still to write
    first = True
    written = 0
    while pending:
        node = next(pending[-1], None)
        if node is None:
            pending.pop()
            if pending:
                parts.append("]}")
            first = False
            continue
        if not first:
            parts.append(",")
        parts.append(node[2])
        pending.append(iter(node[3]))
        first = True
        written += 1
        if written % TREE_CHUNK_NODES == 0:
            yield "".join(parts).encode()
            parts = []
    yield "".join(parts).encode()
