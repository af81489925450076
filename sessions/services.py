"""Operations whose effects span apps, in one place each entry point calls.

Completing a session stops its timers, fixes its times, marks its scheduled occurrence done and
re-evaluates the targets of the goals it is linked to (possibly completing goals); reopening
undoes the session side. Pages, the API, the admin and the commands call these rather than
repeating the steps.
"""

from django.db import transaction

from goals.models import Goal
from goals.services import delete_object, restore_object

from .models import PracticeSession
from .targets import batch, evaluate_for_session, evaluate_goal

__all__ = [
    "complete_session",
    "delete_object",
    "reevaluate_targets",
    "reopen_session",
    "restore_object",
    "set_session_times",
]


def complete_session(session, grids=(), when=None):
    """Record the posted value ``grids`` (pairs of instance and entries), then complete ``session``.

    Returns the CompletionResult (targets met and goals completed by this session).
    """
    with transaction.atomic(), batch():
        for instance, entries in grids:
            instance.record_values(entries)
        return session.complete(when=when)


def set_session_times(session, started_at, ended_at):
    """Change a session's own times; a completed one's duration follows and its targets are re-evaluated
    (a target over a date range or a program block may now count it, or no longer)."""
    with transaction.atomic():
        session.set_times(started_at, ended_at)
        if session.completed:
            evaluate_for_session(session)
    return session


def reopen_session(session):
    return session.reopen()


def reevaluate_targets(subject):
    """Re-evaluate targets for a goal (GoalEvaluation) or for a completed session (CompletionResult)."""
    if isinstance(subject, Goal):
        return evaluate_goal(subject)
    if isinstance(subject, PracticeSession):
        return evaluate_for_session(subject)
    raise TypeError(f"Cannot evaluate targets for {type(subject).__name__}.")
