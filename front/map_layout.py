"""Tidy-tree layouts for the goal map: top-down and radial, in plain Python (no Django).

The tidy layout is Walker's algorithm in its linear-time form (Buchheim, Jünger and Leipert):
a post-order walk places each subtree as close to its left neighbours as their contours allow,
centres parents over their children and spreads the gaps of pushed subtrees evenly; a pre-order
walk then sums the modifiers into final positions. Nodes on one depth are at least one unit
apart, a parent sits centred over its first and last child, and equal input gives equal output.

Input is a mapping of node id to its ordered child ids, and the root id. Output maps each id to
(x, y) in pixels, plus the drawing's size.
"""

import itertools
import math
from dataclasses import dataclass


@dataclass
class Layout:
    positions: dict  # id -> (x, y) in pixels, the drawing's top left corner at (0, 0)
    width: float
    height: float
    depths: dict  # id -> depth below the root (0 for the root)


class _Tidy:
    """Walker / Buchheim on integer node numbers (lists are much faster than objects here)."""

    def __init__(self, children_of, root):
        self.ids = []
        self.children = []
        self.parent = []
        self.number = []  # position among siblings, from 0
        index = {}
        # Number the nodes breadth first (iteratively: no recursion limits, whatever the depth).
        queue = [root]
        index[root] = 0
        self.ids.append(root)
        self.parent.append(-1)
        self.number.append(0)
        head = 0
        while head < len(queue):
            node = queue[head]
            head += 1
            kids = []
            for position, child in enumerate(children_of.get(node, ())):
                if child in index:
                    raise ValueError(f"{child!r} appears twice in the tree")
                index[child] = len(self.ids)
                self.ids.append(child)
                self.parent.append(index[node])
                self.number.append(position)
                kids.append(index[child])
                queue.append(child)
            self.children.append(kids)
        count = len(self.ids)
        self.prelim = [0.0] * count
        self.mod = [0.0] * count
        self.shift = [0.0] * count
        self.change = [0.0] * count
        self.thread = [-1] * count
        self.ancestor = list(range(count))

    def _next_left(self, v):
        kids = self.children[v]
        return kids[0] if kids else self.thread[v]

    def _next_right(self, v):
        kids = self.children[v]
        return kids[-1] if kids else self.thread[v]

    def _left_sibling(self, v):
        if self.number[v] == 0:
            return -1
        return self.children[self.parent[v]][self.number[v] - 1]

    def _move_subtree(self, left, right, amount):
        subtrees = self.number[right] - self.number[left]
        self.change[right] -= amount / subtrees
        self.shift[right] += amount
        self.change[left] += amount / subtrees
        self.prelim[right] += amount
        self.mod[right] += amount

    def _execute_shifts(self, v):
        shift = change = 0.0
        for w in reversed(self.children[v]):
            self.prelim[w] += shift
            self.mod[w] += shift
            change += self.change[w]
            shift += self.shift[w] + change

    def _apportion(self, v, default_ancestor):
        w = self._left_sibling(v)
        if w < 0:
            return default_ancestor
        prelim, mod = self.prelim, self.mod
        inner_right = outer_right = v
        inner_left = w
        outer_left = self.children[self.parent[v]][0]
        s_ir, s_or, s_il, s_ol = mod[inner_right], mod[outer_right], mod[inner_left], mod[outer_left]
        while True:
            next_il = self._next_right(inner_left)
            next_ir = self._next_left(inner_right)
            if next_il < 0 or next_ir < 0:
                break
            inner_left, inner_right = next_il, next_ir
            outer_left = self._next_left(outer_left)
            outer_right = self._next_right(outer_right)
            self.ancestor[outer_right] = v
            gap = (prelim[inner_left] + s_il) - (prelim[inner_right] + s_ir) + 1.0
            if gap > 0:
                candidate = self.ancestor[inner_left]
                if self.parent[candidate] != self.parent[v]:
                    candidate = default_ancestor
                self._move_subtree(candidate, v, gap)
                s_ir += gap
                s_or += gap
            s_il += mod[inner_left]
            s_ir += mod[inner_right]
            s_ol += mod[outer_left]
            s_or += mod[outer_right]
        if self._next_right(inner_left) >= 0 and self._next_right(outer_right) < 0:
            self.thread[outer_right] = self._next_right(inner_left)
            mod[outer_right] += s_il - s_or
        if self._next_left(inner_right) >= 0 and self._next_left(outer_left) < 0:
            self.thread[outer_left] = self._next_left(inner_right)
            mod[outer_left] += s_ir - s_ol
            default_ancestor = v
        return default_ancestor

    def _place(self, v):
        """Walker's first-walk step for one node: after its left sibling, centred over its children."""
        prelim, kids, left = self.prelim, self.children[v], self._left_sibling(v)
        if not kids:
            prelim[v] = prelim[left] + 1.0 if left >= 0 else 0.0
            return
        midpoint = (prelim[kids[0]] + prelim[kids[-1]]) / 2
        if left >= 0:
            prelim[v] = prelim[left] + 1.0
            self.mod[v] = prelim[v] - midpoint
        else:
            prelim[v] = midpoint

    def run(self):
        """Unit x and integer depth of every node, the leftmost node at x = 0."""
        prelim, mod = self.prelim, self.mod
        # First walk. Numbers are breadth first, so going down the numbers finishes every
        # subtree before its parent; each parent then places its children left to right, each one
        # pushed clear of the subtrees on its left (the recursive walk's order, without recursion).
        for v in range(len(self.ids) - 1, -1, -1):
            kids = self.children[v]
            if not kids:
                continue
            default_ancestor = kids[0]
            for w in kids:
                self._place(w)
                default_ancestor = self._apportion(w, default_ancestor)
            self._execute_shifts(v)
        self._place(0)
        # Second walk, pre-order (breadth first works too: a parent is always done first).
        x = [0.0] * len(self.ids)
        depth = [0] * len(self.ids)
        offset = [0.0] * len(self.ids)  # the sum of the ancestors' modifiers
        for v in range(len(self.ids)):
            x[v] = prelim[v] + offset[v]
            for w in self.children[v]:
                offset[w] = offset[v] + mod[v]
                depth[w] = depth[v] + 1
        left_edge = min(x)
        return {self.ids[v]: (x[v] - left_edge, depth[v]) for v in range(len(self.ids))}


def tidy_units(children_of, root):
    """Each node's (x, depth): x in units (siblings and cousins at least 1 apart), from 0."""
    return _Tidy(children_of, root).run()


def top_down(children_of, root, unit=150.0, level_gap=110.0, margin=80.0):
    """The tidy tree with the root on top: x from the tidy layout, y from the depth."""
    units = tidy_units(children_of, root)
    positions = {node: (margin + x * unit, margin + depth * level_gap) for node, (x, depth) in units.items()}
    width = max(x for x, _ in units.values()) * unit + 2 * margin
    height = max(depth for _, depth in units.values()) * level_gap + 2 * margin
    return Layout(positions, width, height, {node: depth for node, (_, depth) in units.items()})


def radial(children_of, root, unit=150.0, ring_gap=130.0, margin=90.0):
    """The tidy tree bent into a circle: x becomes an angle, depth a ring around the root.

    Each ring's radius is the larger of one ``ring_gap`` outside the previous ring and what keeps
    that ring's closest neighbours ``unit`` apart (a chord), so no two nodes overlap and every
    parent lies inside its children's ring.
    """
    units = tidy_units(children_of, root)
    span = max(x for x, _ in units.values()) + 1.0  # one spare unit closes the circle
    by_depth = {}
    for x, depth in units.values():
        by_depth.setdefault(depth, []).append(x)
    radii = {0: 0.0}
    for depth in range(1, max(by_depth) + 1):
        xs = sorted(by_depth[depth])
        gaps = [b - a for a, b in itertools.pairwise(xs)]
        if len(xs) > 1:
            gaps.append(span - (xs[-1] - xs[0]))  # the last node and the first, across the seam
        needed = 0.0
        if gaps:
            angle = 2 * math.pi * min(gaps) / span
            needed = unit / (2 * math.sin(angle / 2)) if angle < math.pi else unit / 2
        radii[depth] = max(radii[depth - 1] + ring_gap, needed)
    outer = radii[max(radii)]
    centre = outer + margin
    positions = {}
    for node, (x, depth) in units.items():
        angle = 2 * math.pi * x / span - math.pi / 2  # the first branch starts at the top
        radius = radii[depth]
        positions[node] = (centre + radius * math.cos(angle), centre + radius * math.sin(angle))
    size = 2 * centre
    return Layout(positions, size, size, {node: depth for node, (_, depth) in units.items()})
