from goals.models import GoalLevel

from .world import scoped_models, snapshot


def test_the_world_has_a_row_of_every_scoped_model(owner_world):
    models_built = {type(row) for row in owner_world.objects}
    assert models_built == set(scoped_models())


def test_the_world_has_a_goal_at_every_level(owner_world):
    assert set(owner_world.goals) == set(GoalLevel)


def test_two_worlds_do_not_share_rows(owner_world, stranger_world):
    assert {row.pk for row in owner_world.objects}.isdisjoint({row.pk for row in stranger_world.objects})
    assert snapshot(owner_world.root) != snapshot(stranger_world.root)
