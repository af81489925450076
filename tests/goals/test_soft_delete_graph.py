"""The soft-delete graph: the defects of the old mechanisms, each pinned by a test."""

import pytest
from django.core.exceptions import ValidationError

from activities.models import ActivityDefinition, ActivityGroup, Target
from goals import softdelete
from goals.integrity import find_problems
from goals.models import GoalLevel
from sessions.models import ActivityInstance, PracticeSession, PracticeSessionGoal, TargetAchievement
from tests.security.world import build_world, make_user


@pytest.fixture
def world(db):
    return build_world(make_user("graph"), "GRAPH")


def test_every_scoped_foreign_key_declares_its_soft_delete_mode():
    for model in softdelete.scoped_models():
        declared = softdelete.declared(model)
        for field in softdelete.scoped_foreign_keys(model):
            assert declared[field.name] in softdelete.MODES


def test_deleting_a_session_takes_its_goal_links_and_leaves_no_integrity_problem(world):
    world.session.delete()
    assert not PracticeSessionGoal.objects.filter(session=world.session).exists()
    assert find_problems() == []


def test_deleting_a_target_leaves_no_integrity_problem(world):
    world.target.delete()
    assert find_problems() == []
    world.target.restore()
    assert TargetAchievement.objects.filter(target=world.target).exists()


def test_deleting_an_activity_takes_its_targets_and_restoring_brings_them_back(world):
    world.plain_activity.delete()
    assert not Target.objects.filter(pk=world.target.pk).exists()
    assert find_problems() == []
    world.plain_activity.restore()
    assert Target.objects.filter(pk=world.target.pk).exists()


def test_restoring_an_activity_group_regroups_its_activities(world):
    world.group.delete()
    assert ActivityDefinition.objects.get(pk=world.activity.pk).group_id is None
    world.group.restore()
    assert ActivityDefinition.objects.get(pk=world.activity.pk).group_id == world.group.pk


def test_an_instance_deleted_before_its_session_cannot_be_restored_alone(world):
    world.plain_instance.delete()
    world.session.delete()
    instance = ActivityInstance.all_objects.get(pk=world.plain_instance.pk)
    with pytest.raises(ValidationError, match="restore the session first"):
        instance.restore()
    assert ActivityInstance.all_objects.get(pk=instance.pk).deleted_at is not None


def test_restoring_a_session_whose_target_was_met_again_meanwhile_repoints_to_the_earliest_evidence(world):
    world.completed_session.delete()
    again = PracticeSession.create(world.root, [world.goals[GoalLevel.IMMEDIATE]], "again")
    instance = again.add_activity(world.plain_activity)
    instance.record_values([{"metric": world.plain_metric, "value": 8}])
    again.complete()
    newer = TargetAchievement.objects.get(target=world.target)
    assert newer.session_id == again.pk
    world.completed_session.restore()
    assert PracticeSession.objects.filter(pk=world.completed_session.pk).exists()
    # The restored session met the target first: its own achievement comes back, the newer goes.
    [achievement] = TargetAchievement.objects.filter(target=world.target)
    assert achievement.session_id == world.completed_session.pk
    assert not TargetAchievement.all_objects.filter(pk=newer.pk).exists()
    assert find_problems() == []


def test_restoring_a_duplicate_live_name_is_refused_and_changes_nothing(world):
    world.group.delete()
    clash = ActivityGroup(name=world.group.name)
    clash.root_id = world.root.pk
    clash.save()
    with pytest.raises(ValidationError, match="already has an activity group"):
        world.group.restore()
    assert ActivityGroup.all_objects.get(pk=world.group.pk).deleted_at is not None
    assert ActivityDefinition.objects.get(pk=world.activity.pk).group_id is None


def test_a_session_whose_every_goal_goes_to_the_trash_goes_with_them_and_comes_back(world):
    goal = world.goals[GoalLevel.SHORT_TERM]
    goal.delete()
    assert not PracticeSession.objects.filter(pk=world.session.pk).exists()
    assert PracticeSession.objects.filter(pk=world.completed_session.pk).exists() is False  # immediate is below
    goal.restore()
    assert PracticeSession.objects.filter(pk=world.session.pk).exists()
    assert PracticeSession.objects.filter(pk=world.completed_session.pk).exists()


def test_a_session_linked_to_another_live_goal_stays_when_one_goal_goes(world):
    immediate = world.goals[GoalLevel.IMMEDIATE]
    world.session.set_goals([world.goals[GoalLevel.SHORT_TERM], immediate])
    other = world.goals[GoalLevel.SHORT_TERM].add_child("another immediate")
    world.session.set_goals([immediate, other])
    immediate.delete()
    assert PracticeSession.objects.filter(pk=world.session.pk).exists()
    assert list(world.session.goal_links.values_list("goal_id", flat=True)) == [other.pk]
    assert find_problems() == []
