"""The tree endpoint writes its document itself; it must be exactly what the JSON renderer writes."""

import datetime
import json

from rest_framework.renderers import JSONRenderer
from rest_framework.utils.encoders import JSONEncoder

from goals.api import serializers as tree_serializers
from goals.models import Goal
from tests.factories import GoalFactory
from tests.helpers import body_of, json_of

KEYS = ["id", "parent", "level", "name", "description", "deadline", "completed", "completed_at", "sort_order"]
KEYS += ["created_at", "updated_at"]


def _as_renderer_writes(goal):
    values = {
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
    return json.loads(json.dumps(values, cls=JSONEncoder))


def _flatten(node):
    yield node
    for child in node["children"]:
        yield from _flatten(child)


def _nested(goal):
    """The tree from the ORM as the renderer would be given it, children in sibling order."""
    children = Goal.objects.filter(parent=goal).order_by("sort_order", "created_at")
    return {**dict(zip(KEYS, [goal.pk, goal.parent_id, goal.level, goal.name, goal.description, goal.deadline,
                              goal.completed, goal.completed_at, goal.sort_order, goal.created_at, goal.updated_at],
                       strict=True)),
            "children": [_nested(child) for child in children]}  # fmt: skip


def test_every_kind_of_value_is_written_as_the_renderer_writes_it(owner_client, fractal, short_term_goal):
    done = GoalFactory(parent=short_term_goal, name="Done", deadline=datetime.date(2030, 1, 2))
    done.complete(when=datetime.datetime(2026, 3, 4, 5, 6, 7, tzinfo=datetime.UTC))
    round_second = GoalFactory(parent=short_term_goal, name="Round")
    Goal.all_objects.filter(pk=round_second.pk).update(
        created_at=datetime.datetime(2025, 1, 1, 8, 0, 0, tzinfo=datetime.UTC)
    )
    nodes = {node["id"]: node for node in _flatten(json_of(owner_client.get(f"/api/fractals/{fractal.pk}/tree/")))}
    goals = Goal.objects.filter(root_id=fractal.pk)
    assert len(nodes) == goals.count() == 6
    for goal in goals:
        expected = _as_renderer_writes(goal)
        written = {key: value for key, value in nodes[expected["id"]].items() if key != "children"}
        assert written == expected


def test_the_tree_endpoint_nests_the_goals(owner_client, fractal, short_term_goal):
    child = GoalFactory(parent=short_term_goal, name="Child")
    tree = json_of(owner_client.get(f"/api/fractals/{fractal.pk}/tree/"))
    node = tree
    for _ in range(4):
        node = node["children"][0]
    assert node["id"] == str(child.pk)
    assert node["parent"] == str(short_term_goal.pk)
    assert node["children"] == []


def test_the_tree_document_is_byte_for_byte_what_the_json_renderer_writes(owner_client, fractal, short_term_goal):
    GoalFactory(parent=short_term_goal, name='Quote " and ü and \\ backslash', description="line\nbreak\ttab")
    second = GoalFactory(parent=short_term_goal, name="Second")
    third = GoalFactory(parent=short_term_goal, name="Third")
    siblings = Goal.objects.filter(parent=short_term_goal)
    first = siblings.exclude(pk__in=[second.pk, third.pk]).get()
    Goal.reorder(siblings, [third.pk, first.pk, second.pk])  # no longer the order they were made in
    GoalFactory(parent=short_term_goal.parent, name="A sibling of the short-term goal")
    response = owner_client.get(f"/api/fractals/{fractal.pk}/tree/")
    assert response["Content-Type"] == "application/json"
    assert body_of(response) == JSONRenderer().render(_nested(fractal))


def test_a_tree_longer_than_one_chunk_streams_whole(owner_client, fractal, short_term_goal, monkeypatch):
    monkeypatch.setattr(tree_serializers, "TREE_CHUNK_NODES", 2)
    for index in range(5):
        GoalFactory(parent=short_term_goal, name=f"Step {index}")
    response = owner_client.get(f"/api/fractals/{fractal.pk}/tree/")
    chunks = list(response.streaming_content)
    assert len(chunks) > 3
    assert b"".join(chunks) == JSONRenderer().render(_nested(fractal))
