"""Per-fractal figures for the fractal list, computed in a constant number of queries."""

from django.db.models import Count, Max

from .models import Goal
from .models.goal import _scoped_models


def last_activity_by_root(root_ids):
    """{root_id: latest updated_at anywhere in the fractal}, from one UNION query over every scoped table.

    Deleted rows count too: a delete is a change.
    """
    root_ids = list(root_ids)
    if not root_ids:
        return {}
    parts = [
        model.all_objects.filter(root_id__in=root_ids)
        .order_by()
        .values("root_id")
        .annotate(last=Max("updated_at"))
        .values_list("root_id", "last")
        for model in _scoped_models()
    ]
    latest = {}
    for root_id, last in parts[0].union(*parts[1:], all=True):
        if last is not None and (root_id not in latest or last > latest[root_id]):
            latest[root_id] = last
    return latest


def goal_counts_by_root(root_ids):
    """{root_id: number of live goals below the root}."""
    rows = (
        Goal.objects.filter(root_id__in=list(root_ids), parent__isnull=False)
        .order_by()
        .values("root_id")
        .annotate(count=Count("id"))
    )
    return {row["root_id"]: row["count"] for row in rows}
