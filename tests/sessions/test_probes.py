"""A query compiled once and run for many ids gives what the ORM gives for each id."""

import pytest
from django.db import connection

from goals.models import Goal
from sessions.probes import FIRST, SECOND, Probe, first_values, union_all
from tests.factories import FractalFactory, GoalFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def fractals(owner):
    """Two fractals of three goals each, named so that their order is known."""
    roots = [FractalFactory(owner=owner, name=f"Root {index}") for index in range(2)]
    for root in roots:
        for name in ("c", "a", "b"):
            GoalFactory(parent=root, name=f"{root.name} {name}")
    return roots


def _rows(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def test_each_id_gets_the_rows_the_orm_gives_it(fractals):
    first_names = Probe(Goal.objects.filter(root_id=FIRST, parent__isnull=False).order_by("name").values("name")[:2])
    for root in fractals:
        expected = list(Goal.objects.filter(root=root, parent__isnull=False).order_by("name").values_list("name")[:2])
        assert _rows(*first_names.bound(FIRST=root.pk)) == [name for (name,) in expected]


def test_two_placeholders_are_bound_each_to_its_own_id(fractals):
    one = fractals[0]
    probe = Probe(Goal.objects.filter(root_id=FIRST).exclude(pk=SECOND).values("pk"))
    child = Goal.objects.filter(root=one, parent__isnull=False).first()
    found = {str(value).replace("-", "") for value in _rows(*probe.bound(FIRST=one.pk, SECOND=child.pk))}
    expected = {goal.pk.hex for goal in Goal.objects.filter(root=one).exclude(pk=child.pk)}
    assert found == expected


def test_a_probe_refuses_ids_it_does_not_take(fractals):
    probe = Probe(Goal.objects.filter(root_id=FIRST).values("pk"))
    with pytest.raises(ValueError, match="takes"):
        probe.bound(FIRST=fractals[0].pk, SECOND=fractals[1].pk)
    with pytest.raises(ValueError, match="takes"):
        probe.bound()


def test_first_values_and_union_keep_each_part_s_order_and_limit(fractals):
    last_name = Probe(Goal.objects.filter(root_id=FIRST, parent__isnull=False).order_by("-name").values("name")[:1])
    two_first = Probe(Goal.objects.filter(root_id=FIRST, parent__isnull=False).order_by("name").values("name")[:2])
    one, other = fractals
    assert first_values([last_name.bound(FIRST=one.pk), last_name.bound(FIRST=other.pk)]) == [
        "Root 0 c",
        "Root 1 c",
    ]
    assert first_values([]) == []
    names = _rows(*union_all([two_first.bound(FIRST=root.pk) for root in fractals]))
    assert sorted(names) == ["Root 0 a", "Root 0 b", "Root 1 a", "Root 1 b"]
