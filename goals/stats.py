"""Per-fractal figures for the fractal list, computed in a constant number of queries."""

from django.db.models import Count, OuterRef, Subquery

from .models import Goal
from .softdelete import scoped_models as _scoped_models


def last_activity_by_root(root_ids):
    """{root_id: latest updated_at anywhere in the fractal}, in one query.

    Deleted rows count too: a delete is a change. For each root and each fractal-scoped table the
    query asks for the single latest ``updated_at`` (``ORDER BY updated_at DESC LIMIT 1``), which the
    large tables answer from their ``(root, updated_at)`` index with one lookup, however many rows
    the fractal has; a ``GROUP BY root`` would read every row of it.
    """
    root_ids = list(root_ids)
    if not root_ids:
        return {}
    latest = {
        f"last_{index}": Subquery(
            model.all_objects.filter(root_id=OuterRef("pk")).order_by("-updated_at").values("updated_at")[:1]
        )
        for index, model in enumerate(_scoped_models())
    }
    rows = Goal.all_objects.filter(pk__in=root_ids).order_by().annotate(**latest).values_list("pk", *latest)
    result = {}
    for root_id, *moments in rows:
        moments = [moment for moment in moments if moment is not None]
        if moments:
            result[root_id] = max(moments)
    return result


def goal_counts_by_root(root_ids):
    """{root_id: number of live goals below the root} for live roots.

    Every live goal of the fractal counted from the live-goal index alone, less the root itself
    (a filter on the parent would read every goal's row).
    """
    rows = Goal.objects.filter(root_id__in=list(root_ids)).order_by().values("root_id").annotate(count=Count("*"))
    return {row["root_id"]: row["count"] - 1 for row in rows}
