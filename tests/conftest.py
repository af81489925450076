"""The standard cast: an owner with a fractal, a stranger with one of their own, and anonymous."""

import pytest
from django.test import Client

from goals.models import GoalLevel
from tests.factories import FractalFactory, GoalFactory, UserFactory

PASSWORD = "correct-horse-battery"


@pytest.fixture
def owner(db):
    return UserFactory(username="owner")


@pytest.fixture
def stranger(db):
    return UserFactory(username="stranger")


def _client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def owner_client(owner):
    return _client_for(owner)


@pytest.fixture
def stranger_client(stranger):
    return _client_for(stranger)


@pytest.fixture
def anonymous_client():
    return Client()


@pytest.fixture
def fractal(owner):
    return FractalFactory(owner=owner, name="Get strong", level=GoalLevel.ULTIMATE)


@pytest.fixture
def stranger_fractal(stranger):
    return FractalFactory(owner=stranger, name="Stranger's fractal")


@pytest.fixture
def short_term_goal(fractal):
    """Ultimate → long-term → mid-term → short-term, returns the short-term goal."""
    long_term = GoalFactory(parent=fractal, name="Calisthenics")
    mid_term = GoalFactory(parent=long_term, name="Levers")
    return GoalFactory(parent=mid_term, name="Front lever")
