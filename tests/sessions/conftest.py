import pytest

from tests.factories import ActivityDefinitionFactory, MetricDefinitionFactory, PracticeSessionFactory


@pytest.fixture
def lift(fractal):
    """A set-based activity with weight and reps."""
    activity = ActivityDefinitionFactory(root=fractal, name="Pull-up", has_sets=True)
    weight = MetricDefinitionFactory(activity=activity, name="Weight", unit="kg", is_top_set_metric=True)
    reps = MetricDefinitionFactory(activity=activity, name="Reps", unit="reps")
    return activity, weight, reps


@pytest.fixture
def session(fractal, short_term_goal):
    return PracticeSessionFactory(root=fractal, goals=[short_term_goal])
