"""One fractal per user with every kind of object, and snapshots to prove nothing changed.

Every name carries the user's marker (e.g. ``OWNERMARK``) so a response can be searched for data
that belongs to someone else.
"""

import datetime
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from activities.models import (
    ActivityDefinition,
    ActivityGroup,
    MetricDefinition,
    SplitDefinition,
    Target,
    TargetMetric,
)
from goals.models import ApiToken, FractalScopedModel, Goal, GoalLevel, GoalPause, Profile
from sessions.models import (
    ActivityInstance,
    MetricValue,
    Note,
    PracticeSession,
    PracticeSessionGoal,
    Program,
    ProgramBlock,
    ProgramDay,
    ScheduledSession,
    SessionPause,
    SessionSection,
    SessionTemplate,
    TargetAchievement,
    TemplateActivity,
    TemplateSection,
)

PASSWORD = "correct-horse-battery"


@dataclass
class World:
    """Everything one user owns, by role; ``objects`` lists every row built."""

    user: object
    marker: str
    root: Goal
    goals: dict
    group: ActivityGroup
    activity: ActivityDefinition
    plain_activity: ActivityDefinition
    metric: MetricDefinition
    second_metric: MetricDefinition
    plain_metric: MetricDefinition
    split: SplitDefinition
    second_split: SplitDefinition
    target: Target
    target_metric: TargetMetric
    session: PracticeSession
    session_goal: PracticeSessionGoal
    pause: SessionPause
    section: SessionSection
    instance: ActivityInstance
    plain_instance: ActivityInstance
    value: MetricValue
    completed_session: PracticeSession
    achievement: TargetAchievement
    template: SessionTemplate
    template_section: TemplateSection
    template_activity: TemplateActivity
    program: Program
    block: ProgramBlock
    day: ProgramDay
    scheduled: ScheduledSession
    note: Note
    goal_pause: GoalPause
    deleted_goal: Goal
    deleted_session: PracticeSession
    objects: list = field(default_factory=list)

    @property
    def goal(self):
        """The goal routes act on by default: short-term, with children, targets and sessions."""
        return self.goals[GoalLevel.SHORT_TERM]

    def for_model(self, model, with_other_kwargs=True):
        """The object of ``model`` a route should be filled with (the typical one of its kind)."""
        if model is Goal:
            return self.goal if with_other_kwargs else self.root
        for name in MODEL_ROLES.get(model, ()):
            return getattr(self, name)
        return None


MODEL_ROLES = {
    ActivityGroup: ["group"],
    ActivityDefinition: ["activity"],
    MetricDefinition: ["metric"],
    SplitDefinition: ["split"],
    Target: ["target"],
    TargetMetric: ["target_metric"],
    PracticeSession: ["session"],
    PracticeSessionGoal: ["session_goal"],
    SessionPause: ["pause"],
    SessionSection: ["section"],
    ActivityInstance: ["instance"],
    MetricValue: ["value"],
    TargetAchievement: ["achievement"],
    SessionTemplate: ["template"],
    TemplateSection: ["template_section"],
    TemplateActivity: ["template_activity"],
    Program: ["program"],
    ProgramBlock: ["block"],
    ProgramDay: ["day"],
    ScheduledSession: ["scheduled"],
    Note: ["note"],
    GoalPause: ["goal_pause"],
}


def make_user(username):
    user = get_user_model().objects.create_user(username=username, email=f"{username}@example.com", password=PASSWORD)
    return user


def build_world(user, marker):
    """Build one fractal for ``user`` through the domain operations, every level and kind included."""

    def name(text):
        return f"{marker} {text}"

    root = Goal.create_fractal(user, name("root"), GoalLevel.ULTIMATE)
    goals = {GoalLevel.ULTIMATE: root}
    parent = root
    for level in GoalLevel.ordered()[1:]:
        parent = parent.add_child(name(level.label), description=name("description"))
        goals[level] = parent
    short_term = goals[GoalLevel.SHORT_TERM]
    immediate = goals[GoalLevel.IMMEDIATE]

    group = ActivityGroup(name=name("group"))
    group.root_id = root.pk
    group.save()
    activity = ActivityDefinition(name=name("squat"), group=group, has_sets=True, has_splits=True)
    activity.root_id = root.pk
    activity.save()
    metric = MetricDefinition(activity=activity, name=name("weight"), unit="kg", is_top_set_metric=True)
    metric.save()
    second_metric = MetricDefinition(activity=activity, name=name("reps"), unit="reps")
    second_metric.save()
    split = SplitDefinition(activity=activity, name=name("left"))
    split.save()
    second_split = SplitDefinition(activity=activity, name=name("right"))
    second_split.save()
    plain_activity = ActivityDefinition(name=name("hold"))
    plain_activity.root_id = root.pk
    plain_activity.save()
    plain_metric = MetricDefinition(activity=plain_activity, name=name("seconds"), unit="s")
    plain_metric.save()

    target = Target(goal=short_term, activity=plain_activity, name=name("target"))
    target.save()
    target_metric = TargetMetric(target=target, metric=plain_metric, threshold=5)
    target_metric.save()

    session = PracticeSession.create(root, [short_term], name("session"), sections=[(name("warm-up"), 10)])
    section = session.sections.get()
    instance = session.add_activity(activity, section=section)
    instance.record_values(
        [
            {"metric": metric, "split": split, "set_number": 1, "value": 60},
            {"metric": second_metric, "split": split, "set_number": 1, "value": 5},
        ]
    )
    value = instance.values.order_by("created_at").first()
    session.start(when=timezone.now() - datetime.timedelta(minutes=30))
    pause = session.pause(when=timezone.now() - datetime.timedelta(minutes=20))
    session.resume(when=timezone.now() - datetime.timedelta(minutes=15))
    plain_instance = session.add_activity(plain_activity, section=section)
    plain_instance.record_values([{"metric": plain_metric, "value": 3}])

    completed_session = PracticeSession.create(root, [immediate], name("done session"))
    done = completed_session.add_activity(plain_activity)
    done.record_values([{"metric": plain_metric, "value": 9}])
    completed_session.complete()
    achievement = TargetAchievement.objects.get(target=target)

    template = SessionTemplate.create(root, name("template"), [(name("main"), 30, [activity, plain_activity])])
    template_section = template.sections.get()
    template_activity = template_section.activities.order_by("sort_order").first()

    today = timezone.localdate()
    program = Program(name=name("program"), start_date=today, end_date=today + datetime.timedelta(days=27))
    program.root_id = root.pk
    program.save()
    program.goals.set([short_term])
    block = ProgramBlock(
        program=program, name=name("block"), start_date=today, end_date=today + datetime.timedelta(days=13)
    )
    block.save()
    block.goals.set([short_term])
    block.schedule(template, [today.weekday()])
    day = block.days.order_by("date").first()
    scheduled = day.scheduled_sessions.get()

    note = Note(root_id=root.pk, body=name("note") + " **cue**", instance=instance, set_number=1, pinned=True)
    note.full_clean()
    note.save()

    # A goal paused for a day and resumed: a closed interval, the goal active again.
    paused = goals[GoalLevel.MICRO]
    paused.pause(when=timezone.now() - datetime.timedelta(days=2))
    paused.resume(when=timezone.now() - datetime.timedelta(days=1))
    goal_pause = paused.pauses.get()

    deleted_goal = goals[GoalLevel.MICRO].add_child(name("trashed nano"))
    deleted_goal.delete()
    deleted_session = PracticeSession.create(root, [short_term], name("trashed session"))
    deleted_session.delete()

    world = World(
        user=user,
        marker=marker,
        root=root,
        goals=goals,
        group=group,
        activity=activity,
        plain_activity=plain_activity,
        metric=metric,
        second_metric=second_metric,
        plain_metric=plain_metric,
        split=split,
        second_split=second_split,
        target=target,
        target_metric=target_metric,
        session=session,
        session_goal=session.goal_links.get(),
        pause=pause,
        section=section,
        instance=instance,
        plain_instance=plain_instance,
        value=value,
        completed_session=completed_session,
        achievement=achievement,
        template=template,
        template_section=template_section,
        template_activity=template_activity,
        program=program,
        block=block,
        day=day,
        scheduled=scheduled,
        note=note,
        goal_pause=goal_pause,
        deleted_goal=deleted_goal,
        deleted_session=deleted_session,
    )
    world.objects = [row for model in scoped_models() for row in model.all_objects.filter(root_id=root.pk)]
    return world


def scoped_models():
    return [model for model in apps.get_models() if issubclass(model, FractalScopedModel)]


def snapshot(root=None):
    """Every scoped row with its change stamps, plus users, profiles and API tokens.

    With ``root``: only that fractal's rows and its owner's account.
    """
    state = {}
    # A database migrated back (the migration fault tests) lacks the tables of newer models.
    tables = set(connection.introspection.table_names())
    for model in scoped_models():
        if model._meta.db_table not in tables:
            continue
        rows = model.all_objects.all()
        if root is not None:
            rows = rows.filter(root_id=getattr(root, "pk", root))
        stamps = rows.values_list("pk", "updated_at", "deleted_at")
        state[model._meta.label] = sorted((str(pk), str(updated), str(deleted)) for pk, updated, deleted in stamps)
    users = get_user_model().objects.all()
    profiles = Profile.objects.all()
    if root is not None:
        owner_id = Goal.all_objects.get(pk=getattr(root, "pk", root)).owner_id
        users, profiles = users.filter(pk=owner_id), profiles.filter(user_id=owner_id)
    state["users"] = sorted(users.values_list("username", "password", "is_active", "email"))
    state["profiles"] = sorted(profiles.values_list("user__username", "time_zone", "theme"))
    if ApiToken._meta.db_table in tables:
        tokens = ApiToken.objects.filter(user__in=users)
        state["tokens"] = sorted(tokens.values_list("user__username", "key_hash"))
    return state


def diff(before, after):
    """A short, readable description of what changed between two snapshots."""
    changes = []
    for key in sorted(set(before) | set(after)):
        old, new = set(before.get(key, [])), set(after.get(key, []))
        if old != new:
            changes.append(f"{key}: {len(old - new)} row(s) changed or removed, {len(new - old)} new or changed")
    return "; ".join(changes)
