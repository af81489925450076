"""Integrity checks of ``goals.integrity`` plus the time-order rules of sessions and timers."""

from django.db import transaction
from django.db.models import F, Q

from goals.integrity import Problem, _ordered_for_repair, parent_field, scoped_models
from goals.integrity import find_problems as find_scope_problems
from goals.integrity import repair as repair_scope

from .models import ActivityInstance, PracticeSession

__all__ = ["Problem", "_ordered_for_repair", "find_problems", "parent_field", "repair", "scoped_models"]


def _wrong_order(root_ids, using=None):
    instances = ActivityInstance.all_objects.using(using).filter(
        Q(time_stop__lt=F("time_start")) | Q(time_stop__isnull=False, time_start__isnull=True)
    )
    sessions = PracticeSession.all_objects.using(using).filter(ended_at__lt=F("started_at"))
    if root_ids is not None:
        instances = instances.filter(root_id__in=root_ids)
        sessions = sessions.filter(root_id__in=root_ids)
    return instances, sessions


def find_problems(root_ids=None, using=None):
    """Every integrity finding; ``using`` names the database (default: the default database)."""
    problems = find_scope_problems(root_ids, using=using)
    instances, sessions = _wrong_order(root_ids, using=using)
    problems += [
        Problem("activity_instances", str(pk), "timer stops before it starts (or without a start)", True)
        for pk in instances.values_list("pk", flat=True)
    ]
    problems += [
        Problem("practice_sessions", str(pk), "session ends before it starts", True)
        for pk in sessions.values_list("pk", flat=True)
    ]
    return problems


def repair(root_ids=None):
    with transaction.atomic():
        changes = repair_scope(root_ids)
        instances, sessions = _wrong_order(root_ids)
        count = instances.update(time_stop=None, duration_seconds=None)
        if count:
            changes.append(f"activity_instances: cleared the stop of {count} timer(s) that stopped before starting")
        count = sessions.update(ended_at=None, total_duration_seconds=None)
        if count:
            changes.append(f"practice_sessions: cleared the end of {count} session(s) that ended before starting")
    return changes
