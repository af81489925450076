"""The goal tree built from flat rows: the one builder behind the tree page and the tree API."""

import gc


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
    enabled = gc.isenabled()
    gc.disable()  # nothing built here is cyclic; the collector's passes walked every node
    try:
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
    finally:
        if enabled:
            gc.enable()
    return children
