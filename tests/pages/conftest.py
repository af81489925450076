import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext


@pytest.fixture
def count_queries():
    """Run ``action`` and return how many SQL queries it ran."""

    def run(action):
        with CaptureQueriesContext(connection) as context:
            action()
        return len(context.captured_queries)

    return run
