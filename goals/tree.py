"""The goal tree built from flat rows: the one builder behind the tree page and the tree API."""

import gc
from contextlib import contextmanager


@contextmanager
def collector_paused():
    """Pause Python's cyclic garbage collector inside (nested pauses leave it to the outermost).

    For building and writing a large tree: its tens of thousands of nodes are lists and tuples the
    collector would walk again on each of its passes (a 50,000-goal tree cost about 15% more
    than ten 5,000-goal ones), while none of them is cyclic, so reference counting frees them all.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def nest(rows, make_node, sibling_order=None):
    """Nest goal rows under their parents in one pass; return ``{parent id: [child nodes]}``.

    Each row starts with the goal's id and its parent's id (``None`` for the root), as both
    ``TREE_FIELDS`` do. ``make_node(row, children)`` builds a goal's node around ``children``, the
    list its child nodes are appended to (it may still be empty when a child comes first), so rows
    may come in any order. Siblings keep the order of ``rows`` unless ``sibling_order`` (a sort key
    over nodes) is given. A row whose parent is not among ``rows`` lands under an id no one
    reaches from the root, so a filtered set of rows shows only its connected part.
    """
    children = {}
    with collector_paused():  # nothing built here is cyclic; the collector's passes walked every node
        for row in rows:
            goal_id, parent_id = row[0], row[1]
            own = children.get(goal_id)
            if own is None:
                own = children[goal_id] = []
            siblings = children.get(parent_id)
            if siblings is None:
                siblings = children[parent_id] = []
            siblings.append(make_node(row, own))
        if sibling_order is not None:
            for siblings in children.values():
                if len(siblings) > 1:
                    siblings.sort(key=sibling_order)
    return children


def rolled_up_progress(rows, targets, unloaded=None):
    """``{goal id: (share, parts)}``: each goal's progress in [0, 1], rolled up from its children
    and targets, and how many parts it was rolled up from.

    ``rows``: ``(id, parent id, completed, counted)`` per goal, where ``counted`` is False for a
    goal paused or archived itself (it still gets a share; its parent does not count it, as its
    completion by children does not). ``targets``: ``{goal id: (targets, met)}``
    (``sessions.targets.target_counts``). ``unloaded``: ``{parent id: (children, completed)}``
    for counted children that are not among ``rows`` (the tree page's levels below its cut).

    The rule:
    - the parts of a goal are one per counted child (that child's share; an unloaded child counts
      1 when completed, else 0) and, when it has targets, one for all of them (met / total);
    - a completed goal's share is 1 (100 %), whatever is below it;
    - an open goal's share is the mean of its parts, 0 when it has none (an open leaf without
      targets; pages show no figure for a goal without parts).
    Pure Python over rows the caller already has: no query.
    """
    unloaded = unloaded or {}
    children, completed, counted, parents = {}, {}, {}, {}
    for goal_id, parent_id, done, is_counted in rows:
        children.setdefault(parent_id, []).append(goal_id)
        completed[goal_id] = done
        counted[goal_id] = is_counted
        parents[goal_id] = parent_id
    depth = {}
    for goal_id in parents:
        chain, node = [], goal_id
        while node in parents and node not in depth:
            chain.append(node)
            node = parents[node]
        base = depth.get(node, -1)
        for offset, item in enumerate(reversed(chain), start=1):
            depth[item] = base + offset
    result = {}
    for goal_id in sorted(parents, key=depth.__getitem__, reverse=True):  # children first
        parts = [result[kid][0] for kid in children.get(goal_id, ()) if counted[kid]]
        waiting, waiting_done = unloaded.get(goal_id, (0, 0))
        parts.extend([1.0] * waiting_done + [0.0] * (waiting - waiting_done))
        total, met = targets.get(goal_id, (0, 0))
        if total:
            parts.append(met / total)
        if completed[goal_id]:
            share = 1.0
        else:
            share = sum(parts) / len(parts) if parts else 0.0
        result[goal_id] = (share, len(parts))
    return result
