"""The session filters, written once: the sessions page form and the API filter set call this."""

from .models import PracticeSessionGoal


def filter_sessions(queryset, *, goal=None, completed=None, template=None):
    """Narrow a session queryset by linked goal, completion (True/False/None = any) and template."""
    if goal is not None:
        # A subquery, not a join: no duplicate rows, so the list needs no DISTINCT.
        queryset = queryset.filter(pk__in=PracticeSessionGoal.objects.filter(goal=goal).values("session_id"))
    if completed is not None:
        queryset = queryset.filter(completed=completed)
    if template is not None:
        queryset = queryset.filter(template=template)
    return queryset
