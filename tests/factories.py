"""factory_boy factories for every model; roots are always derived, never passed in by hand."""

import datetime

import factory
from django.contrib.auth import get_user_model

from activities.models import ActivityDefinition, ActivityGroup, MetricDefinition, SplitDefinition, Target, TargetMetric
from goals.models import Goal, GoalLevel
from sessions.models import (
    ActivityInstance,
    MetricValue,
    PracticeSession,
    PracticeSessionGoal,
    Program,
    ProgramBlock,
    ProgramDay,
    ScheduledSession,
    SessionSection,
    SessionTemplate,
    TemplateActivity,
    TemplateSection,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class FractalFactory(factory.django.DjangoModelFactory):
    """A fractal root goal with an owner."""

    class Meta:
        model = Goal

    owner = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"Fractal {n}")
    level = GoalLevel.ULTIMATE


class GoalFactory(factory.django.DjangoModelFactory):
    """A child goal; its level is the one below its parent's."""

    class Meta:
        model = Goal

    parent = factory.SubFactory(FractalFactory)
    name = factory.Sequence(lambda n: f"Goal {n}")
    level = factory.LazyAttribute(lambda goal: GoalLevel(goal.parent.level).next_level)


def goal_chain(root, down_to=GoalLevel.SHORT_TERM):
    """Goals from under ``root`` down to the level ``down_to``; returns them top-down."""
    chain, parent = [], root
    while parent.level != down_to:
        parent = GoalFactory(parent=parent)
        chain.append(parent)
    return chain


class ActivityGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActivityGroup

    root = factory.SubFactory(FractalFactory)
    name = factory.Sequence(lambda n: f"Group {n}")


class ActivityDefinitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActivityDefinition

    root = factory.SubFactory(FractalFactory)
    name = factory.Sequence(lambda n: f"Activity {n}")
    has_metrics = True


class MetricDefinitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MetricDefinition

    activity = factory.SubFactory(ActivityDefinitionFactory)
    name = factory.Sequence(lambda n: f"metric{n}")
    unit = "reps"


class SplitDefinitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SplitDefinition

    activity = factory.SubFactory(ActivityDefinitionFactory, has_splits=True)
    name = factory.Sequence(lambda n: f"split{n}")


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Target

    goal = factory.SubFactory(GoalFactory)
    activity = factory.LazyAttribute(lambda target: ActivityDefinitionFactory(root=target.goal.root))
    name = factory.Sequence(lambda n: f"Target {n}")


class TargetMetricFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TargetMetric

    target = factory.SubFactory(TargetFactory)
    metric = factory.LazyAttribute(lambda row: MetricDefinitionFactory(activity=row.target.activity))
    threshold = 5


class PracticeSessionFactory(factory.django.DjangoModelFactory):
    """A session in ``root``; pass ``goals=[...]`` to link goals (short-term or immediate)."""

    class Meta:
        model = PracticeSession
        skip_postgeneration_save = True

    root = factory.SubFactory(FractalFactory)
    name = factory.Sequence(lambda n: f"Session {n}")

    @factory.post_generation
    def goals(session, create, extracted, **kwargs):
        if create and extracted:
            for goal in extracted:
                PracticeSessionGoal(session=session, goal=goal).save()


class SessionSectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SessionSection

    session = factory.SubFactory(PracticeSessionFactory)
    name = factory.Sequence(lambda n: f"Section {n}")


class ActivityInstanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActivityInstance

    session = factory.SubFactory(PracticeSessionFactory)
    activity = factory.LazyAttribute(lambda row: ActivityDefinitionFactory(root=row.session.root))


class MetricValueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MetricValue

    instance = factory.SubFactory(ActivityInstanceFactory)
    metric = factory.LazyAttribute(lambda row: MetricDefinitionFactory(activity=row.instance.activity))
    value = 10


class SessionTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SessionTemplate

    root = factory.SubFactory(FractalFactory)
    name = factory.Sequence(lambda n: f"Template {n}")


class TemplateSectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TemplateSection

    template = factory.SubFactory(SessionTemplateFactory)
    name = factory.Sequence(lambda n: f"Part {n}")


class TemplateActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TemplateActivity

    section = factory.SubFactory(TemplateSectionFactory)
    activity = factory.LazyAttribute(lambda row: ActivityDefinitionFactory(root=row.section.template.root))


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program

    root = factory.SubFactory(FractalFactory)
    name = factory.Sequence(lambda n: f"Program {n}")
    # Wide enough for the blocks ProgramBlockFactory makes (they start 5-10 days ago, last 4 weeks).
    start_date = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=60))
    end_date = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=120))


class ProgramBlockFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgramBlock

    program = factory.SubFactory(ProgramFactory)
    name = factory.Sequence(lambda n: f"Block {n}")
    # Four weeks from a few days ago, kept inside the program's dates (a block must be).
    start_date = factory.LazyAttribute(
        lambda block: min(
            max(datetime.date.today() - datetime.timedelta(days=7), block.program.start_date), block.program.end_date
        )
    )
    end_date = factory.LazyAttribute(
        lambda block: min(block.start_date + datetime.timedelta(days=27), block.program.end_date)
    )


class ProgramDayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgramDay

    block = factory.SubFactory(ProgramBlockFactory)
    date = factory.LazyAttribute(lambda day: day.block.start_date)


class ScheduledSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ScheduledSession

    day = factory.SubFactory(ProgramDayFactory)
    template = factory.LazyAttribute(lambda row: SessionTemplateFactory(root=row.day.block.program.root))
