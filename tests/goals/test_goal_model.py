import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from goals.models import Goal, GoalLevel
from sessions.models import PracticeSession
from tests.factories import (
    ActivityDefinitionFactory,
    FractalFactory,
    GoalFactory,
    PracticeSessionFactory,
    TargetFactory,
    goal_chain,
)


def test_a_fractal_root_is_its_own_root(fractal):
    assert fractal.root_id == fractal.pk
    assert fractal.is_root


def test_a_child_takes_its_root_from_its_parent_whatever_was_set(fractal, stranger_fractal):
    child = Goal(parent=fractal, level=GoalLevel.LONG_TERM, name="Child")
    child.root_id = stranger_fractal.pk  # never trusted
    child.save()
    child.refresh_from_db()
    assert child.root_id == fractal.pk


def test_add_child_creates_the_next_level_down(fractal):
    long_term = fractal.add_child("Long")
    mid_term = long_term.add_child("Mid")
    assert (long_term.level, mid_term.level) == (GoalLevel.LONG_TERM, GoalLevel.MID_TERM)
    assert mid_term.root_id == fractal.pk


def test_a_child_of_the_wrong_level_is_refused(fractal):
    with pytest.raises(ValidationError, match="must be a long-term goal"):
        Goal(parent=fractal, level=GoalLevel.SHORT_TERM, name="Skips levels").save()
    assert Goal.objects.count() == 1


def test_nano_goals_cannot_have_children(fractal):
    nano = goal_chain(fractal, down_to=GoalLevel.NANO)[-1]
    with pytest.raises(ValidationError, match="Nano goals cannot have children"):
        nano.add_child("Too deep")


@pytest.mark.parametrize("level", [GoalLevel.IMMEDIATE, GoalLevel.MICRO, GoalLevel.NANO])
def test_a_root_must_be_ultimate_long_mid_or_short_term(owner, level):
    with pytest.raises(ValidationError):
        Goal.create_fractal(owner, "Tiny root", level)
    assert not Goal.objects.exists()


def test_only_roots_carry_an_owner(fractal, owner):
    child = Goal(parent=fractal, level=GoalLevel.LONG_TERM, name="Owned child", owner=owner)
    with pytest.raises(ValidationError, match="Only a fractal root has an owner"):
        child.save()


def test_the_database_refuses_an_owner_on_a_child(fractal, owner):
    child = GoalFactory(parent=fractal)
    with pytest.raises(IntegrityError), transaction.atomic():
        Goal.objects.filter(pk=child.pk).update(owner=owner)


def test_the_database_refuses_a_root_without_owner(fractal):
    with pytest.raises(IntegrityError), transaction.atomic():
        Goal.objects.filter(pk=fractal.pk).update(owner=None)


def test_moving_a_goal_keeps_the_level_rule(fractal):
    first, second = GoalFactory(parent=fractal), GoalFactory(parent=fractal)
    mid = GoalFactory(parent=first)
    mid.move_to(second)
    mid.refresh_from_db()
    assert mid.parent_id == second.pk and mid.root_id == fractal.pk
    with pytest.raises(ValidationError):
        mid.move_to(fractal)  # a mid-term goal cannot sit under the ultimate goal


def test_moving_a_goal_into_another_fractal_is_refused(fractal, stranger_fractal):
    mid = GoalFactory(parent=GoalFactory(parent=fractal))
    foreign_parent = GoalFactory(parent=stranger_fractal)
    with pytest.raises(ValidationError, match="within its own fractal"):
        mid.move_to(foreign_parent)
    mid.refresh_from_db()
    assert mid.root_id == fractal.pk


def test_soft_delete_hides_the_subtree_and_restore_brings_back_exactly_it(fractal):
    long_term = GoalFactory(parent=fractal)
    mid = GoalFactory(parent=long_term)
    short = GoalFactory(parent=mid)
    earlier = GoalFactory(parent=mid)
    earlier.delete()  # deleted on its own, before the subtree
    target = TargetFactory(goal=short, activity=ActivityDefinitionFactory(root=fractal))

    long_term.delete()
    assert list(Goal.objects.filter(root=fractal)) == [fractal]
    assert Goal.all_objects.filter(root=fractal).count() == 5
    assert not type(target).objects.filter(pk=target.pk).exists()

    long_term.restore()
    live = set(Goal.objects.filter(root=fractal).values_list("pk", flat=True))
    assert live == {fractal.pk, long_term.pk, mid.pk, short.pk}
    assert Goal.all_objects.get(pk=earlier.pk).deleted_at is not None
    assert type(target).objects.filter(pk=target.pk).exists()


def test_restoring_a_goal_under_a_deleted_parent_is_refused(fractal):
    parent = GoalFactory(parent=fractal)
    child = GoalFactory(parent=parent)
    child.delete()
    parent.delete()
    with pytest.raises(ValidationError, match="restore the parent first"):
        Goal.all_objects.get(pk=child.pk).restore()


def test_deleting_a_fractal_hides_everything_in_it(fractal, short_term_goal):
    session = PracticeSessionFactory(root=fractal, goals=[short_term_goal])
    fractal.delete()
    assert not Goal.objects.filter(root=fractal).exists()
    assert not PracticeSession.objects.filter(pk=session.pk).exists()
    fractal.restore()
    assert Goal.objects.filter(root=fractal).count() == 4
    assert PracticeSession.objects.filter(pk=session.pk).exists()


def test_hard_delete_is_a_separate_operation(fractal):
    child = GoalFactory(parent=fractal)
    child.delete()
    assert Goal.all_objects.filter(pk=child.pk).exists()
    Goal.all_objects.get(pk=child.pk).hard_delete()
    assert not Goal.all_objects.filter(pk=child.pk).exists()


def test_queryset_delete_is_soft_too(fractal):
    GoalFactory.create_batch(3, parent=fractal)
    Goal.objects.filter(parent=fractal).delete()
    assert Goal.all_objects.filter(parent=fractal, deleted_at__isnull=False).count() == 3


def test_reorder_puts_siblings_in_the_given_order(fractal):
    a, b, c = GoalFactory.create_batch(3, parent=fractal)
    Goal.reorder(Goal.objects.filter(parent=fractal), [c.pk, a.pk, b.pk])
    assert list(Goal.objects.filter(parent=fractal).order_by("sort_order")) == [c, a, b]


def test_reorder_must_name_every_sibling_exactly_once(fractal):
    a, b, _c = GoalFactory.create_batch(3, parent=fractal)
    with pytest.raises(ValidationError):
        Goal.reorder(Goal.objects.filter(parent=fractal), [a.pk, b.pk])
    with pytest.raises(ValidationError):
        Goal.reorder(Goal.objects.filter(parent=fractal), [a.pk, b.pk, b.pk])
    assert [g.sort_order for g in Goal.objects.filter(parent=fractal).order_by("sort_order")] == [0, 1, 2]


def test_move_shifts_a_goal_among_its_siblings(fractal):
    a, b, c = GoalFactory.create_batch(3, parent=fractal)
    c.move(-1)
    assert list(Goal.objects.filter(parent=fractal).order_by("sort_order")) == [a, c, b]


def test_scoping_querysets(fractal, stranger_fractal, owner, stranger):
    mine = GoalFactory(parent=fractal)
    GoalFactory(parent=stranger_fractal)
    assert set(Goal.objects.owned_by(owner)) == {fractal, mine}
    assert set(Goal.objects.for_fractal(fractal)) == {fractal, mine}
    mine.delete()
    assert list(Goal.all_objects.deleted()) == [mine]


def test_complete_and_reopen(fractal):
    goal = GoalFactory(parent=fractal)
    goal.complete()
    assert goal.completed and goal.completed_at is not None
    goal.reopen()
    goal.refresh_from_db()
    assert not goal.completed and goal.completed_at is None


def test_every_user_gets_preferences(owner):
    assert owner.profile.time_zone == "UTC"


def test_two_fractals_never_share_rows(owner):
    first, second = FractalFactory(owner=owner), FractalFactory(owner=owner)
    assert first.root_id != second.root_id
