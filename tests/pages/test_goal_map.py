"""The map view of the tree page, a goal's panel and the list / map switch."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from front import goal_map
from goals.models import GoalLevel, MapLayout, Profile, TreeView
from tests.factories import FractalFactory, GoalFactory, PracticeSessionFactory, TargetFactory, goal_chain

pytestmark = pytest.mark.django_db


def tree_url(fractal, **params):
    url = reverse("fractal-tree", kwargs={"root_id": fractal.pk})
    if params:
        url += "?" + "&".join(f"{key}={value}" for key, value in params.items())
    return url


def map_url(fractal, **params):
    return tree_url(fractal, view="map", **params)


def panel_url(fractal, goal):
    return reverse("goal-panel", kwargs={"root_id": fractal.pk, "goal_id": goal.pk})


def drawn(response):
    """The drawn nodes' (name, x, y, classes) from the SVG."""
    svg = response.content.decode()
    pattern = re.compile(r'<g class="(map-node[^"]*)" id="node-[^"]+" data-id="[^"]+" data-name="([^"]*)" transform="translate\(([-\d.]+) ([-\d.]+)\)"')
    return {name: (float(x), float(y), classes.split()) for classes, name, x, y in pattern.findall(svg)}


@pytest.fixture
def known(fractal):
    """Get strong → (Calisthenics → Levers → Front lever [2 sessions, 1 of 1 target met, due long ago]),
    (Running, completed)."""
    calisthenics = GoalFactory(parent=fractal, name="Calisthenics")
    levers = GoalFactory(parent=calisthenics, name="Levers")
    front_lever = GoalFactory(parent=levers, name="Front lever", deadline=datetime.date(2020, 1, 1))
    running = GoalFactory(parent=fractal, name="Running")
    running.complete()
    PracticeSessionFactory(root=fractal, goals=[front_lever])
    PracticeSessionFactory(root=fractal, goals=[front_lever])
    TargetFactory(goal=front_lever)
    return {"calisthenics": calisthenics, "levers": levers, "front_lever": front_lever, "running": running}


def test_the_map_draws_every_goal_of_a_small_fractal_with_parents_above_children(owner_client, fractal, known):
    response = owner_client.get(map_url(fractal))
    assert response.status_code == 200
    nodes = drawn(response)
    assert set(nodes) == {"Get strong", "Calisthenics", "Levers", "Front lever", "Running"}
    content = response.content.decode()
    assert content.count('class="map-edge') == 4
    assert nodes["Get strong"][1] < nodes["Calisthenics"][1] < nodes["Levers"][1] < nodes["Front lever"][1]
    assert nodes["Calisthenics"][1] == nodes["Running"][1]
    assert nodes["Calisthenics"][0] < nodes["Running"][0]  # sibling order, left to right
    assert "is-completed" in nodes["Running"][2]
    assert "is-overdue" in nodes["Front lever"][2]
    assert f"level-{GoalLevel.SHORT_TERM}" in nodes["Front lever"][2]
