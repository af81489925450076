import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from activities.models import ActivityDefinition
from sessions.models import ActivityInstance, MetricValue, PracticeSession
from tests.factories import ActivityInstanceFactory, MetricValueFactory, PracticeSessionFactory


def age(obj, days):
    type(obj).all_objects.filter(pk=obj.pk).update(deleted_at=timezone.now() - datetime.timedelta(days=days))


@pytest.fixture
def old_session(fractal):
    value = MetricValueFactory(instance__session__root=fractal)
    session = value.instance.session
    when = session.delete()
    old = when - datetime.timedelta(days=40)
    for model in (PracticeSession, ActivityInstance, MetricValue):
        model.all_objects.filter(deleted_at=when).update(deleted_at=old)
    return session


def test_rows_deleted_longer_ago_than_the_age_are_removed_children_first(old_session):
    out = StringIO()
    call_command("purge_deleted", "--older-than=30", stdout=out)
    assert not PracticeSession.all_objects.filter(pk=old_session.pk).exists()
    assert ActivityInstance.all_objects.count() == 0 and MetricValue.all_objects.count() == 0
    text = out.getvalue()
    assert "practice_sessions.PracticeSession: deleted 1" in text
    assert "practice_sessions.MetricValue: deleted 1" in text


def test_recently_deleted_rows_stay(fractal):
    session = PracticeSessionFactory(root=fractal)
    session.delete()
    call_command("purge_deleted", "--older-than=30", stdout=StringIO())
    assert PracticeSession.all_objects.filter(pk=session.pk).exists()


def test_a_dry_run_counts_but_deletes_nothing(old_session):
    out = StringIO()
    call_command("purge_deleted", "--older-than=30", dry_run=True, stdout=out)
    assert "practice_sessions.PracticeSession: would delete 1" in out.getvalue()
    assert PracticeSession.all_objects.filter(pk=old_session.pk).exists()


def test_a_deleted_definition_with_live_instances_is_kept_and_reported(fractal):
    instance = ActivityInstanceFactory(session__root=fractal)
    activity = instance.activity
    age(activity, 90)
    out = StringIO()
    call_command("purge_deleted", "--older-than=30", stdout=out)
    assert ActivityDefinition.all_objects.filter(pk=activity.pk).exists()
    assert f"KEPT activity_definitions {activity.pk}: still referenced through PROTECT" in out.getvalue()


def test_a_negative_age_is_bad_usage(db):
    with pytest.raises(CommandError) as error:
        call_command("purge_deleted", "--older-than=-1", stdout=StringIO())
    assert error.value.returncode == 2
