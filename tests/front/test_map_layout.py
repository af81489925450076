"""The goal map's tidy-tree layouts (front/map_layout.py), on hand-made and random trees."""

import math
import random
from itertools import combinations, pairwise

import pytest

from front.map_layout import radial, tidy_units, top_down


def random_tree(size, seed, max_depth=6):
    """A random tree of ``size`` nodes numbered from 0 (the root), up to ``max_depth`` deep."""
    rng = random.Random(seed)
    children, depth = {0: []}, {0: 0}
    for node in range(1, size):
        parent = rng.choice([n for n in range(max(0, node - 40), node) if depth[n] < max_depth] or [0])
        children[parent].append(node)
        children[node] = []
        depth[node] = depth[parent] + 1
    return children


SMALL = {"r": ["a", "b", "c"], "a": ["a1", "a2"], "c": ["c1", "c2", "c3"], "a2": ["x", "y", "z"]}
TREES = [SMALL, random_tree(60, 1), random_tree(300, 2), random_tree(500, 3, max_depth=3)]


def root_of(tree):
    return "r" if tree is SMALL else 0


def parent_pairs(tree):
    return [(parent, child) for parent, kids in tree.items() for child in kids]


def test_a_small_tree_gets_the_classic_tidy_positions():
    units = tidy_units(SMALL, "r")
    assert units["a1"] == (0.0, 2) and units["a2"] == (1.0, 2)
    assert units["a"] == (0.5, 1)  # centred over its children
    assert units["c"] == (3.0, 1) and [units[n][0] for n in ("c1", "c2", "c3")] == [2.0, 3.0, 4.0]
    assert units["b"] == (1.75, 1)  # the gap between pushed subtrees is shared out evenly
    assert units["r"] == (1.75, 0)


@pytest.mark.parametrize("tree", TREES)
def test_nodes_on_one_level_never_overlap_in_the_top_down_layout(tree):
    layout = top_down(tree, root_of(tree), unit=100)
    by_row = {}
    for x, y in layout.positions.values():
        by_row.setdefault(y, []).append(x)
    for xs in by_row.values():
        xs.sort()
        assert all(b - a >= 100 - 1e-6 for a, b in pairwise(xs))


@pytest.mark.parametrize("tree", TREES)
def test_parents_sit_above_their_children_centred_over_them(tree):
    layout = top_down(tree, root_of(tree))
    positions = layout.positions
    for parent, child in parent_pairs(tree):
        assert positions[parent][1] < positions[child][1]
    for parent, kids in tree.items():
        if kids:
            middle = (positions[kids[0]][0] + positions[kids[-1]][0]) / 2
            assert positions[parent][0] == pytest.approx(middle)


@pytest.mark.parametrize("tree", TREES)
def test_siblings_keep_their_order_left_to_right(tree):
    positions = top_down(tree, root_of(tree)).positions
    for kids in tree.values():
        xs = [positions[kid][0] for kid in kids]
        assert xs == sorted(xs) and len(set(xs)) == len(xs)


@pytest.mark.parametrize("tree", TREES)
def test_no_two_nodes_overlap_in_the_radial_layout(tree):
    layout = radial(tree, root_of(tree), unit=100)
    points = list(layout.positions.values())
    closest = min(math.dist(a, b) for a, b in combinations(points, 2))
    assert closest >= 100 - 1e-6


@pytest.mark.parametrize("tree", TREES)
def test_parents_lie_inside_their_childrens_ring_in_the_radial_layout(tree):
    layout = radial(tree, root_of(tree))
    centre = layout.positions[root_of(tree)]
    radius = {node: math.dist(centre, point) for node, point in layout.positions.items()}
    for parent, child in parent_pairs(tree):
        assert radius[parent] < radius[child]
    assert radius[root_of(tree)] == 0


@pytest.mark.parametrize("shape", [top_down, radial])
def test_every_node_fits_inside_the_drawing(shape):
    tree = random_tree(200, 7)
    layout = shape(tree, 0)
    assert len(layout.positions) == 200
    for x, y in layout.positions.values():
        assert 0 < x < layout.width and 0 < y < layout.height


@pytest.mark.parametrize("shape", [top_down, radial])
def test_the_layout_is_deterministic(shape):
    first = shape(random_tree(400, 11), 0)
    second = shape(random_tree(400, 11), 0)
    assert first.positions == second.positions
    assert (first.width, first.height) == (second.width, second.height)


def test_a_lone_root_is_drawn_alone():
    layout = top_down({}, "only")
    assert list(layout.positions) == ["only"]
    circle = radial({}, "only")
    assert circle.positions == {"only": (circle.width / 2, circle.height / 2)}


def test_a_node_listed_twice_is_refused():
    with pytest.raises(ValueError):
        tidy_units({"r": ["a", "b"], "a": ["b"]}, "r")
