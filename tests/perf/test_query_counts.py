"""Every measured page and endpoint runs the same number of queries at two data sizes.

Both fractals come from the data generator, in each of its shapes; the larger one has more goals, sessions (more than
one page of them), instances and values. A route that is not on main yet is skipped.
"""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from ops import benchmark
from ops.datagen import generate_fractal
from tests.factories import UserFactory

SMALL = {"goals": 20, "sessions": 6, "instances_per_session": 2, "values_per_instance": 2}
LARGE = {"goals": 150, "sessions": 70, "instances_per_session": 4, "values_per_instance": 3}


# The log shape's fixed library of 40 activities needs more history before the latest session's
# activities have each been practised before ("last time" then has something to show at both sizes).
SMALL_LOG = {"goals": 20, "sessions": 40, "instances_per_session": 4, "values_per_instance": 2}


def _dataset(name, size, shape):
    owner = UserFactory(username=name)
    root = generate_fractal(owner, **size, seed=3, shape=shape).root
    return benchmark.describe_dataset(name, owner, root, shape=shape)


@pytest.fixture(params=benchmark.SHAPES)
def datasets(db, request):
    shape = request.param
    small = SMALL_LOG if shape == "log" else SMALL
    return _dataset(f"small-{shape}", small, shape), _dataset(f"large-{shape}", LARGE, shape)


def _call(dataset, measurement):
    client = Client()
    client.force_login(dataset.owner)
    target = measurement.target(dataset, client)
    if target is None:
        pytest.skip(f"{measurement.label}: route not on main yet")

    def call():
        if callable(target):
            target()
            return 200
        return client.get(target, headers=measurement.headers).status_code

    return call


@pytest.mark.parametrize("measurement", benchmark.MEASUREMENTS, ids=lambda m: m.key)
def test_query_count_does_not_grow_with_the_data(datasets, measurement, django_assert_num_queries):
    small, large = datasets
    small_call, large_call = _call(small, measurement), _call(large, measurement)
    # Warm up: first requests create sessions and lazily stored state (e.g. target achievements).
    assert small_call() == 200
    assert large_call() == 200
    with CaptureQueriesContext(connection) as captured:
        assert small_call() == 200
    assert len(captured) > 0
    with django_assert_num_queries(len(captured)):
        assert large_call() == 200


def test_the_larger_dataset_has_more_than_one_page_of_sessions(datasets):
    _, large = datasets
    assert large.rows["sessions"] > 50
