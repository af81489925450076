"""The tree endpoint's fast rows carry exactly what the JSON renderer would write for each goal."""

import datetime
import json

from rest_framework.renderers import JSONRenderer
from rest_framework.utils.encoders import JSONEncoder

from goals.api.serializers import tree_rows
from goals.models import Goal
from tests.factories import GoalFactory


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


def test_rows_match_the_renderer_for_every_kind_of_value(fractal, short_term_goal):
    done = GoalFactory(parent=short_term_goal, name="Done", deadline=datetime.date(2030, 1, 2))
    done.complete(when=datetime.datetime(2026, 3, 4, 5, 6, 7, tzinfo=datetime.UTC))
    round_second = GoalFactory(parent=short_term_goal, name="Round")
    Goal.all_objects.filter(pk=round_second.pk).update(
        created_at=datetime.datetime(2025, 1, 1, 8, 0, 0, tzinfo=datetime.UTC)
    )
    rows = {row.id: row for row in tree_rows(fractal)}
    goals = Goal.objects.filter(root_id=fractal.pk)
    assert len(rows) == goals.count()
    for goal in goals:
        expected = _as_renderer_writes(goal)
        written = rows[expected["id"]]._asdict()
        written["parent"] = written.pop("parent_id")
        assert written == expected


def test_the_tree_endpoint_nests_the_rows(owner_client, fractal, short_term_goal):
    child = GoalFactory(parent=short_term_goal, name="Child")
    tree = owner_client.get(f"/api/fractals/{fractal.pk}/tree/").json()
    node = tree
    for _ in range(4):
        node = node["children"][0]
    assert node["id"] == str(child.pk)
    assert node["parent"] == str(short_term_goal.pk)
    assert node["children"] == []


def _nested(rows, root_id):
    """The tree as nested dicts, the shape the endpoint documents."""
    nodes, children = {}, {}
    for row in rows:
        node = {**row._asdict(), "children": []}
        node["parent"] = node.pop("parent_id")
        node["children"] = children.setdefault(row.id, [])
        nodes[row.id] = node
        children.setdefault(row.parent_id, []).append(node)
    return nodes[root_id]


def test_the_tree_document_is_what_the_json_renderer_writes(owner_client, fractal, short_term_goal):
    GoalFactory(parent=short_term_goal, name='Quote " and ü and \\ backslash', description="line\nbreak")
    GoalFactory(parent=short_term_goal, name="Second")
    body = owner_client.get(f"/api/fractals/{fractal.pk}/tree/").content
    tree = _nested(tree_rows(fractal), str(fractal.pk))
    keys = ["id", "parent", "level", "name", "description", "deadline", "completed", "completed_at", "sort_order"]
    keys += ["created_at", "updated_at", "children"]

    def in_order(node):
        return {key: [in_order(child) for child in node[key]] if key == "children" else node[key] for key in keys}

    assert body == JSONRenderer().render(in_order(tree))
