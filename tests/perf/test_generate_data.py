"""The data generator writes fractals that pass every rule the models enforce on save."""

import datetime
from collections import Counter

import pytest
from django.core.management import CommandError, call_command

from activities.models import ActivityDefinition, ActivityGroup, MetricDefinition, SplitDefinition, Target, TargetMetric
from goals.models import Goal, GoalLevel
from ops.datagen import LOG_LIBRARY_SIZE, generate_fractal, level_counts
from sessions.models import (
    ActivityInstance,
    MetricValue,
    Note,
    PracticeSession,
    PracticeSessionGoal,
    SessionSection,
    SessionTemplate,
    TemplateActivity,
    TemplateSection,
)
from tests.factories import UserFactory

NOW = datetime.datetime(2026, 6, 1, 12, 0, tzinfo=datetime.UTC)
SCOPED_MODELS = [
    Goal,
    ActivityGroup,
    ActivityDefinition,
    MetricDefinition,
    SplitDefinition,
    Target,
    TargetMetric,
    SessionTemplate,
    TemplateSection,
    TemplateActivity,
    PracticeSession,
    PracticeSessionGoal,
    SessionSection,
    ActivityInstance,
    MetricValue,
    Note,
]


@pytest.fixture
def generated(db):
    owner = UserFactory(username="generated")
    return generate_fractal(
        owner, goals=60, sessions=25, instances_per_session=4, values_per_instance=3, seed=7, now=NOW
    )


def test_every_generated_row_passes_the_model_rules(generated):
    checked = 0
    for model in SCOPED_MODELS:
        for obj in model.all_objects.filter(root_id=generated.root.pk):
            stored_root = obj.root_id
            obj.full_clean()  # derives the root again, checks scope, rules and constraints
            assert obj.root_id == stored_root, f"{model.__name__} {obj.pk} has the wrong root"
            checked += 1
    assert checked == sum(generated.counts.values())


def test_the_tree_follows_the_level_rule_and_has_the_asked_size(generated):
    goals = list(Goal.objects.filter(root_id=generated.root.pk))
    by_id = {goal.pk: goal for goal in goals}
    assert len(goals) == 60
    for goal in goals:
        if goal.parent_id is None:
            assert goal.level == GoalLevel.ULTIMATE
        else:
            assert GoalLevel(by_id[goal.parent_id].level).next_level == goal.level
    levels = Counter(goal.level for goal in goals)
    assert all(levels[level] >= 1 for level in GoalLevel.ordered()[:5])


def test_siblings_get_distinct_sort_orders(generated):
    goals = Goal.objects.filter(root_id=generated.root.pk)
    pairs = [(goal.parent_id, goal.sort_order) for goal in goals]
    assert len(pairs) == len(set(pairs))
    instances = ActivityInstance.objects.filter(root_id=generated.root.pk)
    slots = [(i.session_id, i.section_id, i.sort_order) for i in instances]
    assert len(slots) == len(set(slots))


def test_sessions_are_linked_completed_and_timed(generated):
    sessions = list(PracticeSession.objects.filter(root_id=generated.root.pk))
    assert len(sessions) == 25
    assert ActivityInstance.objects.filter(root_id=generated.root.pk).count() == 100
    linked = set(PracticeSessionGoal.objects.filter(root_id=generated.root.pk).values_list("session_id", flat=True))
    assert linked == {session.pk for session in sessions}
    completed = [session for session in sessions if session.completed]
    assert len(completed) == 23
    for session in completed:
        assert session.total_duration_seconds == int((session.ended_at - session.started_at).total_seconds())
    assert all(session.started_at < NOW for session in sessions)


def test_set_based_activities_get_set_numbered_values(generated):
    values = MetricValue.objects.filter(root_id=generated.root.pk).select_related("instance__activity")
    assert values.count() > 200
    assert values.filter(set_number__gt=1).exists()
    assert values.filter(split__isnull=False).exists()
    for value in values:
        assert (value.set_number is not None) == value.instance.activity.has_sets


def test_the_most_practised_short_term_goal_has_three_targets(generated):
    counts = Counter(
        PracticeSessionGoal.objects.filter(root_id=generated.root.pk, goal__level=GoalLevel.SHORT_TERM).values_list(
            "goal_id", flat=True
        )
    )
    busiest = max(counts.values())
    top_goals = [goal_id for goal_id, count in counts.items() if count == busiest]
    assert any(Target.objects.filter(goal_id=goal_id).count() == 3 for goal_id in top_goals)


def test_the_same_seed_gives_the_same_names(db):
    size = {"goals": 20, "sessions": 5, "instances_per_session": 2, "values_per_instance": 2, "now": NOW}
    roots = [generate_fractal(UserFactory(), **size).root for _ in range(2)]
    names = [sorted(Goal.objects.filter(root_id=root.pk).values_list("name", flat=True)) for root in roots]
    assert names[0] == names[1]


def test_level_counts_add_up_and_keep_the_levels_sessions_need():
    assert sum(level_counts(5)) == 5
    assert level_counts(5)[:5] == [1, 1, 1, 1, 1]
    assert sum(level_counts(5000)) == 5000


def test_command_refuses_a_tree_too_small_for_sessions(db):
    with pytest.raises(CommandError, match="at least 5 goals"):
        call_command("generate_data", "--goals", "3", "--sessions", "2")


def test_command_reports_progress_and_creates_the_owner(db, capsys):
    call_command(
        "generate_data", "--goals", "12", "--sessions", "3", "--instances-per-session", "2",
        "--values-per-instance", "1", "--owner", "bench",
    )  # fmt: skip
    output = capsys.readouterr().out
    assert "sessions" in output and "3/3" in output
    assert Goal.objects.filter(owner__username="bench", parent__isnull=True).count() == 1


@pytest.mark.parametrize("sessions", [40, 400])
def test_the_log_shape_keeps_one_fixed_library_for_the_whole_history(db, sessions):
    owner = UserFactory(username=f"log-{sessions}")
    root = generate_fractal(
        owner, goals=60, sessions=sessions, instances_per_session=5, values_per_instance=3, seed=2, now=NOW, shape="log"
    ).root
    assert ActivityDefinition.all_objects.filter(root_id=root.pk).count() == LOG_LIBRARY_SIZE
    sessions_in_order = list(PracticeSession.all_objects.filter(root_id=root.pk).order_by("started_at"))
    first_tenth = sessions_in_order[: len(sessions_in_order) // 10]
    last_tenth = sessions_in_order[-len(first_tenth) :]
    early = set(ActivityInstance.all_objects.filter(session__in=first_tenth).values_list("activity_id", flat=True))
    late = set(ActivityInstance.all_objects.filter(session__in=last_tenth).values_list("activity_id", flat=True))
    assert early & late, "the same activities are used at the start and at the end of the history"
    if sessions == 400:
        assert len(early & late) > LOG_LIBRARY_SIZE // 2


def test_the_rotating_shape_grows_its_library_with_the_history(db):
    owner = UserFactory(username="rotating")
    root = generate_fractal(owner, goals=60, sessions=800, instances_per_session=2, values_per_instance=1, seed=2).root
    assert ActivityDefinition.all_objects.filter(root_id=root.pk).count() == 800 // 40


def test_an_unknown_shape_is_refused_before_anything_is_written(db):
    with pytest.raises(ValueError, match="Unknown shape"):
        generate_fractal(UserFactory(), goals=60, sessions=5, instances_per_session=1, values_per_instance=1, shape="x")
    assert not Goal.all_objects.exists()


def test_the_command_generates_the_log_shape(db, capsys):
    call_command("generate_data", "--goals", "30", "--sessions", "20", "--shape", "log", "--owner", "log-owner")
    root = Goal.objects.get(owner__username="log-owner", parent__isnull=True)
    assert ActivityDefinition.objects.filter(root_id=root.pk).count() == LOG_LIBRARY_SIZE
