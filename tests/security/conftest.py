"""Two users, each with a complete fractal: the cast of every security test."""

import pytest
from django.test import Client

from .world import build_world, make_user


@pytest.fixture
def owner_world(db):
    return build_world(make_user("world-owner"), "OWNERMARK")


@pytest.fixture
def stranger_world(db):
    return build_world(make_user("world-stranger"), "STRANGERMARK")


def signed_in(user, **kwargs):
    client = Client(**kwargs)
    client.force_login(user)
    return client
