from sessions.models import MetricValue
from tests.factories import MetricValueFactory, ScheduledSessionFactory, TargetMetricFactory


def test_factories_build_rows_in_one_fractal(db):
    value = MetricValueFactory()
    assert value.root_id == value.instance.session.root_id == value.metric.root_id
    assert MetricValue.objects.count() == 1
    threshold = TargetMetricFactory()
    assert threshold.root_id == threshold.target.goal.root_id
    scheduled = ScheduledSessionFactory()
    assert scheduled.root_id == scheduled.template.root_id
