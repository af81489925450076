from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from goals.integrity import find_problems, parent_field, repair, scoped_models
from goals.models import Goal
from sessions.models import ActivityInstance, MetricValue, PracticeSession
from tests.factories import ActivityDefinitionFactory, GoalFactory, MetricValueFactory


def messages():
    return [problem.message for problem in find_problems()]


def test_every_scoped_model_has_a_parent_or_is_top_level_by_its_derive_root_id(db):
    parents = {model.__name__: getattr(parent_field(model), "name", None) for model in scoped_models()}
    assert parents["Goal"] == "parent"
    assert parents["MetricValue"] == "instance"
    assert parents["ScheduledSession"] == "day"
    assert parents["PracticeSession"] is None and parents["ActivityDefinition"] is None


def test_a_clean_database_has_no_findings(fractal, db):
    MetricValueFactory(instance__session__root=fractal)
    out = StringIO()
    call_command("check_integrity", stdout=out)
    assert "No integrity problems" in out.getvalue()


def test_a_root_that_differs_from_the_parents_root_is_found_and_fixed(fractal, stranger_fractal):
    child = GoalFactory(parent=fractal)
    grandchild = GoalFactory(parent=child)
    Goal.all_objects.filter(pk__in=[child.pk, grandchild.pk]).update(root=stranger_fractal)
    assert "root differs from its parent's root" in messages()
    out = StringIO()
    with pytest.raises(CommandError) as error:
        call_command("check_integrity", stdout=out)
    assert error.value.returncode == 1
    assert f"goals {child.pk}: root differs from its parent's root" in out.getvalue()
    out = StringIO()
    call_command("check_integrity", fix=True, stdout=out)
    assert "FIXED goals: re-derived the root" in out.getvalue()
    assert Goal.all_objects.get(pk=grandchild.pk).root_id == fractal.pk
    assert find_problems() == []


def test_values_with_a_wrong_root_follow_their_instance(fractal, stranger_fractal):
    value = MetricValueFactory(instance__session__root=fractal)
    MetricValue.all_objects.filter(pk=value.pk).update(root=stranger_fractal)
    assert "root differs from its instance's root" in messages()
    changes = repair()
    assert any("metric_values" in change for change in changes)
    assert MetricValue.all_objects.get(pk=value.pk).root_id == fractal.pk


def test_a_cross_fractal_link_is_reported_and_left_to_a_person(fractal, stranger_fractal):
    value = MetricValueFactory(instance__session__root=fractal)
    foreign = ActivityDefinitionFactory(root=stranger_fractal)
    ActivityInstance.all_objects.filter(pk=value.instance_id).update(activity=foreign)
    problems = [problem for problem in find_problems() if "cross-fractal" in problem.message]
    assert problems and not problems[0].fixable
    assert "needs a person" in str(problems[0])


def test_a_live_row_under_a_deleted_parent_is_trashed_with_the_parents_time(fractal):
    value = MetricValueFactory(instance__session__root=fractal)
    session = value.instance.session
    session.delete()
    ActivityInstance.all_objects.filter(session=session).update(deleted_at=None)
    assert "live row under a deleted session" in messages()
    repair()
    session.refresh_from_db()
    assert ActivityInstance.all_objects.get(pk=value.instance_id).deleted_at == session.deleted_at
    # Restoring the session brings the repaired row back with it.
    session.restore()
    assert ActivityInstance.objects.filter(pk=value.instance_id).exists()
    assert PracticeSession.objects.filter(pk=session.pk).exists()
