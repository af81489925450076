"""Builders of realistic session data for the page tests (and the browser tests)."""

import datetime

from django.utils import timezone

from tests.factories import (
    ActivityDefinitionFactory,
    ActivityInstanceFactory,
    MetricDefinitionFactory,
    MetricValueFactory,
    PracticeSessionFactory,
    SplitDefinitionFactory,
    TargetFactory,
    TargetMetricFactory,
)


def set_activity(root, name="Weighted pull-up", metrics=(("Weight", "kg"), ("Reps", "reps")), **fields):
    """An activity recorded in sets with the given (name, unit) metrics; the first is the top-set metric."""
    activity = ActivityDefinitionFactory(root=root, name=name, has_sets=True, **fields)
    for position, (metric_name, unit) in enumerate(metrics):
        MetricDefinitionFactory(
            activity=activity,
            name=metric_name,
            unit=unit,
            is_top_set_metric=position == 0,
            is_multiplicative=True,
        )
    return activity


def split_activity(root, name="Single-arm hang", splits=("Left", "Right")):
    activity = ActivityDefinitionFactory(root=root, name=name, has_sets=True, has_splits=True)
    MetricDefinitionFactory(activity=activity, name="Seconds", unit="s")
    for split in splits:
        SplitDefinitionFactory(activity=activity, name=split)
    return activity


def target_on(goal, activity, **thresholds):
    """A target on ``goal``: every metric named in ``thresholds`` must reach its value."""
    target = TargetFactory(goal=goal, activity=activity, name=f"{activity.name} goal")
    for metric in activity.metrics.all():
        if metric.name in thresholds:
            TargetMetricFactory(target=target, metric=metric, threshold=thresholds[metric.name])
    return target


def session_with_sets(root, goal, activity, sets=((20, 5), (25, 3)), days_ago=1, completed=False, name=None):
    """A session linked to ``goal`` with one instance of ``activity`` and the given set values."""
    when = timezone.now() - datetime.timedelta(days=days_ago)
    session = PracticeSessionFactory(root=root, goals=[goal], started_at=when, **({"name": name} if name else {}))
    instance = ActivityInstanceFactory(session=session, activity=activity)
    metrics = list(activity.metrics.order_by("sort_order"))
    for number, row in enumerate(sets, start=1):
        for metric, value in zip(metrics, row, strict=False):
            MetricValueFactory(instance=instance, metric=metric, set_number=number, value=value)
    if completed:
        session.complete(when=when + datetime.timedelta(minutes=40))
    return session, instance


def queries_of(action):
    """The number of SQL queries ``action()`` runs."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        action()
    return len(context.captured_queries)
