"""Shared API fixtures: DRF clients for the standard cast and a small fractal with one of everything."""

import pytest
from rest_framework.test import APIClient

from goals.models import ApiToken, GoalLevel
from sessions.models import PracticeSession
from tests.factories import (
    ActivityDefinitionFactory,
    GoalFactory,
    MetricDefinitionFactory,
    ProgramBlockFactory,
    ProgramDayFactory,
    ProgramFactory,
    ScheduledSessionFactory,
    SessionTemplateFactory,
    TargetFactory,
    TargetMetricFactory,
    TemplateActivityFactory,
    TemplateSectionFactory,
)


@pytest.fixture
def api(owner):
    client = APIClient()
    client.force_authenticate(owner)
    return client


@pytest.fixture
def stranger_api(stranger):
    client = APIClient()
    client.force_authenticate(stranger)
    return client


@pytest.fixture
def anonymous_api():
    return APIClient()


@pytest.fixture
def token(owner):
    return ApiToken.issue(owner)[1]


def url(fractal, path=""):
    """The API address of ``path`` inside ``fractal``."""
    return f"/api/fractals/{fractal.pk}/{path}"


@pytest.fixture
def immediate_goal(short_term_goal):
    return GoalFactory(parent=short_term_goal, name="Tuck lever 10 s", level=GoalLevel.IMMEDIATE)


@pytest.fixture
def activity(fractal):
    """A set-based activity with two metrics, the first one the top-set metric."""
    activity = ActivityDefinitionFactory(root=fractal, name="Front lever hold", has_sets=True)
    MetricDefinitionFactory(activity=activity, name="seconds", unit="s", is_top_set_metric=True)
    MetricDefinitionFactory(activity=activity, name="weight", unit="kg")
    return activity


@pytest.fixture
def plain_activity(fractal):
    activity = ActivityDefinitionFactory(root=fractal, name="Stretching")
    MetricDefinitionFactory(activity=activity, name="minutes", unit="min")
    return activity


@pytest.fixture
def session(fractal, short_term_goal):
    return PracticeSession.create(fractal, [short_term_goal], "Monday practice", sections=[("Warm-up", 10)])


@pytest.fixture
def instance(session, activity):
    return session.add_activity(activity, section=session.sections.get())


@pytest.fixture
def everything(fractal, short_term_goal, immediate_goal, activity, session, instance):
    """One object of every resource in ``fractal``; returns {resource: object}."""
    template = SessionTemplateFactory(root=fractal, name="Lever day")
    template_section = TemplateSectionFactory(template=template, name="Main")
    TemplateActivityFactory(section=template_section, activity=activity)
    program = ProgramFactory(root=fractal, name="Winter")
    block = ProgramBlockFactory(program=program)
    block.goals.add(short_term_goal)
    day = ProgramDayFactory(block=block)
    scheduled = ScheduledSessionFactory(day=day, template=template)
    target = TargetFactory(goal=short_term_goal, activity=activity, name="Hold 10 s")
    seconds = activity.metrics.get(name="seconds")
    TargetMetricFactory(target=target, metric=seconds, threshold=10)
    [value] = instance.record_values([{"metric": seconds, "set_number": 1, "value": 4}])
    return {
        "goals": immediate_goal,
        "activities": activity,
        "targets": target,
        "sessions": session,
        "sections": session.sections.get(),
        "instances": instance,
        "metric-values": value,
        "templates": template,
        "programs": program,
        "program-blocks": block,
        "program-days": day,
        "scheduled-sessions": scheduled,
    }
