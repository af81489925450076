"""Hostile input against the domain operations: any input ends in success with the rule holding,
or in a ValidationError with nothing written. Never another exception, never a partial change.

Each hypothesis example runs in a savepoint that is rolled back afterwards, so examples do not
pile up and every one starts from the same two worlds.
"""

import datetime
import math
from contextlib import contextmanager

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from activities.models import ActivityDefinition, ActivityGroup, MetricDefinition, SplitDefinition
from goals.models import ROOT_LEVELS, Goal, GoalLevel
from sessions.models import MetricValue, PracticeSession, SessionTemplate

from .world import diff, snapshot

BOUNDED = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

NASTY_NAMES = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "Robert'); DROP TABLE goals;--",
    "<script>alert(1)</script>",
    "{{ request.user }}",
    "%s%s%n",
    "../../etc/passwd",
    "\u202eevil",
    "🏋️" * 100,
    "x" * 255,
    "x" * 256,
    "y" * 100_000,
]
names = st.one_of(st.sampled_from(NASTY_NAMES), st.text(max_size=300))
numbers = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.sampled_from([0, -1, 1e12, 1e12 + 1, -1e13, 1e308, float("nan"), float("inf"), -float("inf")]),
    st.text(max_size=10),
    st.booleans(),
    st.none(),
)
UTC = datetime.UTC
moments = st.one_of(st.none(), st.datetimes(timezones=st.just(UTC)))
levels = st.one_of(st.sampled_from([level.value for level in GoalLevel]), st.text(max_size=30))


@contextmanager
def example():
    """Run one example in a savepoint rolled back at the end; yield a checker for 'no change'."""
    with transaction.atomic():
        before = snapshot()

        def unchanged():
            changed = diff(before, snapshot())
            assert not changed, f"a refused operation still changed data: {changed}"

        yield unchanged
        transaction.set_rollback(True)


def refused_cleanly(operation, unchanged):
    """Run ``operation``; on ValidationError prove nothing changed. Returns the result or None."""
    try:
        return operation()
    except ValidationError:
        unchanged()
        return None


def is_stored_text(value, max_length):
    return isinstance(value, str) and "\x00" not in value and len(value) <= max_length


@BOUNDED
@given(name=names, level=levels)
def test_creating_a_fractal_with_any_name_and_level(owner_world, name, level):
    with example() as unchanged:
        goal = refused_cleanly(lambda: Goal.create_fractal(owner_world.user, name, level), unchanged)
        if goal is not None:
            stored = Goal.objects.get(pk=goal.pk)
            assert stored.level in ROOT_LEVELS
            assert stored.owner_id == owner_world.user.pk and stored.parent_id is None
            assert stored.root_id == stored.pk
            assert stored.name == name and is_stored_text(name, 255)


@BOUNDED
@given(level=st.sampled_from(list(GoalLevel)), name=names, deadline=st.one_of(st.none(), st.dates()))
def test_adding_a_child_with_any_name_and_deadline(owner_world, level, name, deadline):
    parent = owner_world.goals[level]
    with example() as unchanged:
        child = refused_cleanly(lambda: parent.add_child(name, deadline=deadline), unchanged)
        if child is not None:
            stored = Goal.objects.get(pk=child.pk)
            assert stored.level == GoalLevel(parent.level).next_level
            assert stored.root_id == parent.root_id
            assert stored.deadline == deadline
            assert is_stored_text(name, 255)
        if level == GoalLevel.NANO:
            assert child is None


@BOUNDED
@given(data=st.data())
def test_moving_any_goal_under_any_goal(owner_world, stranger_world, data):
    everyone = [*owner_world.goals.values(), *stranger_world.goals.values(), owner_world.deleted_goal]
    goal = data.draw(st.sampled_from(list(owner_world.goals.values())))
    new_parent = data.draw(st.sampled_from(everyone))
    with example() as unchanged:
        moved = refused_cleanly(lambda: Goal.objects.get(pk=goal.pk).move_to(new_parent), unchanged)
        if moved is not None:
            stored = Goal.objects.get(pk=goal.pk)
            assert stored.parent_id == new_parent.pk
            assert stored.root_id == owner_world.root.pk == new_parent.root_id
            assert GoalLevel(new_parent.level).next_level == stored.level
            assert stored.pk not in [ancestor.pk for ancestor in stored.ancestors()]


def test_moving_a_goal_under_its_own_descendant_is_refused(owner_world):
    long_term = owner_world.goals[GoalLevel.LONG_TERM]
    with example() as unchanged:
        with pytest.raises(ValidationError):
            Goal.objects.get(pk=long_term.pk).move_to(owner_world.goals[GoalLevel.NANO])
        unchanged()


metric_specs = st.lists(
    st.tuples(st.sampled_from(["weight", "Weight ", "reps", "time", "x" * 100]), st.booleans()), max_size=5
)
split_names = st.lists(st.sampled_from(["left", "Left", "right", "middle", "a", "b", "c"]), max_size=7)


@BOUNDED
@given(has_splits=st.booleans(), metrics=metric_specs, splits=split_names)
def test_activity_structure_validation_matches_the_rules(owner_world, has_splits, metrics, splits):
    activity = ActivityDefinition(name="structure", has_splits=has_splits)
    metric_rows = [MetricDefinition(name=name, is_top_set_metric=top) for name, top in metrics]
    split_rows = [SplitDefinition(name=name) for name in splits]
    metric_names = [name.strip().lower() for name, _ in metrics]
    split_keys = [name.strip().lower() for name in splits]
    valid = (
        len(metrics) <= 3
        and len(set(metric_names)) == len(metric_names)
        and sum(top for _, top in metrics) <= 1
        and ((2 <= len(splits) <= 5) if has_splits else not splits)
        and len(set(split_keys)) == len(split_keys)
    )
    if valid:
        activity.validate_structure(metric_rows, split_rows)
    else:
        with pytest.raises(ValidationError):
            activity.validate_structure(metric_rows, split_rows)


def test_a_fourth_metric_and_a_sixth_split_are_refused(owner_world):
    activity = owner_world.activity
    MetricDefinition(activity=activity, name="third").save()
    for index in range(3):
        SplitDefinition(activity=activity, name=f"extra {index}").save()
    with example() as unchanged:
        with pytest.raises(ValidationError):
            MetricDefinition(activity=activity, name="fourth").save()
        with pytest.raises(ValidationError):
            SplitDefinition(activity=activity, name="sixth").save()
        unchanged()


@BOUNDED
@given(start=moments, stop=moments)
def test_setting_any_times_on_an_instance(owner_world, start, stop):
    instance = owner_world.instance
    with example() as unchanged:
        done = refused_cleanly(lambda: type(instance).objects.get(pk=instance.pk).set_times(start, stop), unchanged)
        if done is not None:
            stored = type(instance).objects.get(pk=instance.pk)
            assert (stored.time_start, stored.time_stop) == (start, stop)
            if stop is None:
                assert stored.duration_seconds is None
            else:
                assert start is not None and stop >= start
                assert stored.duration_seconds == int((stop - start).total_seconds())


@BOUNDED
@given(
    data=st.data(),
    value=numbers,
    set_number=st.one_of(st.none(), st.integers(min_value=-5, max_value=70_000)),
)
def test_recording_any_value_in_any_cell(owner_world, stranger_world, data, value, set_number):
    metric = data.draw(
        st.sampled_from([owner_world.metric, owner_world.plain_metric, stranger_world.metric]), label="metric"
    )
    split = data.draw(
        st.sampled_from([None, owner_world.split, owner_world.second_split, stranger_world.split]), label="split"
    )
    instance = owner_world.instance
    cell = {"metric": metric, "split": split, "set_number": set_number, "value": value}
    with example() as unchanged:
        saved = refused_cleanly(lambda: type(instance).objects.get(pk=instance.pk).record_values([cell]), unchanged)
        if saved is not None and value is not None:
            stored = MetricValue.objects.get(instance=instance, metric=metric, split=split, set_number=set_number)
            assert math.isfinite(stored.value) and abs(stored.value) <= 1e12
            assert stored.value == float(value)
            assert metric.activity_id == instance.activity_id and split.activity_id == instance.activity_id
            assert set_number is not None and set_number >= 1


@BOUNDED
@given(values=st.lists(numbers, min_size=2, max_size=4))
def test_a_batch_with_one_bad_value_writes_nothing(owner_world, values):
    instance = owner_world.instance
    cells = [
        {"metric": owner_world.metric, "split": owner_world.split, "set_number": index + 1, "value": value}
        for index, value in enumerate(values)
    ]
    with example() as unchanged:
        refused_cleanly(lambda: type(instance).objects.get(pk=instance.pk).record_values(cells), unchanged)


@BOUNDED
@given(name=names, description=st.text(max_size=50))
def test_naming_a_group_anything(owner_world, name, description):
    with example() as unchanged:

        def create():
            group = ActivityGroup(name=name, description=description)
            group.root_id = owner_world.root.pk
            group.full_clean()
            group.save()
            return group

        group = refused_cleanly(create, unchanged)
        if group is not None:
            assert is_stored_text(name, 255)


@BOUNDED
@given(
    name=names,
    sections=st.lists(
        st.tuples(names, st.one_of(st.none(), st.integers(min_value=-(10**12), max_value=10**12))), max_size=3
    ),
)
def test_creating_a_session_with_any_name_and_sections(owner_world, name, sections):
    with example() as unchanged:
        session = refused_cleanly(
            lambda: PracticeSession.create(owner_world.root, [owner_world.goal], name, sections=sections), unchanged
        )
        if session is not None:
            assert is_stored_text(name, 255)
            stored = list(session.sections.order_by("sort_order").values_list("name", "planned_minutes"))
            assert stored == [(section_name, minutes) for section_name, minutes in sections]
            for section_name, minutes in sections:
                assert is_stored_text(section_name, 255)
                assert minutes is None or minutes >= 0


@BOUNDED
@given(goal_level=st.sampled_from(list(GoalLevel)), foreign=st.booleans())
def test_linking_a_session_to_any_goal(owner_world, stranger_world, goal_level, foreign):
    goal = (stranger_world if foreign else owner_world).goals[goal_level]
    with example() as unchanged:
        session = refused_cleanly(lambda: PracticeSession.create(owner_world.root, [goal], "linked"), unchanged)
        if session is not None:
            assert not foreign and goal_level in (GoalLevel.SHORT_TERM, GoalLevel.IMMEDIATE)


@BOUNDED
@given(name=names, minutes=st.one_of(st.none(), st.integers(min_value=-100, max_value=10**11)))
def test_creating_a_template_with_any_name(owner_world, stranger_world, name, minutes):
    with example() as unchanged:
        template = refused_cleanly(
            lambda: SessionTemplate.create(
                owner_world.root, name, [(name, minutes, [owner_world.activity, stranger_world.activity])]
            ),
            unchanged,
        )
        assert template is None, "a template may not use another fractal's activity"
