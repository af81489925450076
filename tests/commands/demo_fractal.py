"""A fractal with a row of every fractal-scoped model (some deleted), built with the factories."""

import datetime

from django.utils import timezone

from activities.models import TargetKind, TargetOperator, TargetScope
from goals.models import Goal
from sessions.models import Note, SessionPause, TargetAchievement
from tests.factories import (
    ActivityDefinitionFactory,
    ActivityGroupFactory,
    ActivityInstanceFactory,
    GoalFactory,
    MetricDefinitionFactory,
    MetricValueFactory,
    PracticeSessionFactory,
    ProgramBlockFactory,
    ProgramDayFactory,
    ProgramFactory,
    ScheduledSessionFactory,
    SessionSectionFactory,
    SessionTemplateFactory,
    SplitDefinitionFactory,
    TargetFactory,
    TargetMetricFactory,
    TemplateActivityFactory,
    TemplateSectionFactory,
    goal_chain,
)


def build_demo_fractal(root):
    chain = goal_chain(root)
    short = chain[-1]
    immediate = GoalFactory(parent=short, name="Tuck hold")
    # Completed by its children (their completion completes it), and a paused goal.
    by_children = GoalFactory(parent=chain[0], name="Done by its children", completion_mode="children")
    GoalFactory(parent=by_children, name="Only child").complete()
    assert Goal.objects.get(pk=by_children.pk).completed_by == "children"
    paused = GoalFactory(parent=chain[0], name="On hold")
    paused.pause(when=timezone.now() - datetime.timedelta(days=3))
    trashed = GoalFactory(parent=chain[0], name="Trashed goal")
    trashed.delete()
    group = ActivityGroupFactory(root=root, name="Holds")
    lever = ActivityDefinitionFactory(root=root, name="Front lever", group=group)
    hang = ActivityDefinitionFactory(root=root, name="Hang", has_splits=True)
    seconds = MetricDefinitionFactory(activity=lever, name="Seconds", unit="s", is_top_set_metric=True)
    hang_seconds = MetricDefinitionFactory(activity=hang, name="Seconds", unit="s")
    left = SplitDefinitionFactory(activity=hang, name="Left")
    SplitDefinitionFactory(activity=hang, name="Right")
    target = TargetFactory(goal=short, activity=lever, name="Hold 10 s")
    TargetMetricFactory(target=target, metric=seconds, threshold=10)
    template = SessionTemplateFactory(root=root, name="Lever day")
    part = TemplateSectionFactory(template=template, name="Main", planned_minutes=20)
    TemplateActivityFactory(section=part, activity=lever)
    start = timezone.now() - datetime.timedelta(days=2)
    # Completed, so the value below meets the target (an achievement needs its evidence).
    session = PracticeSessionFactory(
        root=root,
        goals=[short, immediate],
        template=template,
        started_at=start,
        ended_at=start + datetime.timedelta(hours=1),
        completed=True,
        completed_at=start + datetime.timedelta(hours=1),
    )
    section = SessionSectionFactory(session=session, name="Main", planned_minutes=20)
    instance = ActivityInstanceFactory(
        session=session,
        section=section,
        activity=lever,
        time_start=start,
        time_stop=start + datetime.timedelta(seconds=42),
    )
    value = MetricValueFactory(instance=instance, metric=seconds, value=12)
    split_instance = ActivityInstanceFactory(session=session, activity=hang)
    MetricValueFactory(instance=split_instance, metric=hang_seconds, split=left, value=30)
    # The value of 12 s met the target in a completed session: the evaluation wrote its achievement.
    assert TargetAchievement.objects.get(target=target).instance_id == instance.pk
    SessionPause(session=session, started_at=start, ended_at=start + datetime.timedelta(seconds=30)).save()
    deleted_session = PracticeSessionFactory(root=root, goals=[short], name="Deleted session")
    deleted_session.delete()
    program = ProgramFactory(root=root, name="Winter")
    program.goals.set([short])
    block = ProgramBlockFactory(program=program, name="Base")
    block.goals.set([short])
    # A time to beat over a date range (12 s is not under 5 s: open) and a habit over the block.
    quick = TargetFactory(
        goal=immediate,
        activity=lever,
        name="Under 5 s",
        scope=TargetScope.RANGE,
        starts_on=start.date() - datetime.timedelta(days=7),
        ends_on=start.date() + datetime.timedelta(days=7),
    )
    TargetMetricFactory(target=quick, metric=seconds, operator=TargetOperator.LTE, threshold=5)
    TargetFactory(
        goal=short,
        activity=hang,
        name="Hang three times a week",
        kind=TargetKind.FREQUENCY,
        times=3,
        weeks=4,
        scope=TargetScope.BLOCK,
        block=block,
    )
    day = ProgramDayFactory(block=block, name="Heavy", notes="Go")
    ScheduledSessionFactory(day=day, template=template)
    Note(root_id=root.pk, body="**Cue**: hips level", instance=instance, set_number=1, pinned=True).save()
    Note(root_id=root.pk, body="Plan for the season").save()
    Note(root_id=root.pk, body="Good", session=session).save()
    return {"short": short, "session": session, "value": value, "program": program}
