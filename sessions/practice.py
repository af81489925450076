"""Starting practice in one tap: from a goal, a template or a program day, or by repeating (or
duplicating) a past session; and logging a session that already happened.

One function per operation, called by the pages and the API alike.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from goals.models import SESSION_LEVELS

from .models import ActivityInstance, Note, PracticeSession, SessionSection
from .services import complete_session


def running_sessions(user):
    """The user's sessions that are started and not yet complete, newest first."""
    return (
        PracticeSession.objects.owned_by(user).filter(started_at__isnull=False, completed=False).order_by("-started_at")
    )


def start_practice(goal, when=None):
    """A new session linked to ``goal`` (short-term or immediate), started now."""
    if goal.level not in SESSION_LEVELS:
        raise ValidationError("Practice starts from a short-term or immediate goal.")
    if goal.completed:
        raise ValidationError(f"“{goal.name}” is already complete; reopen it to practise for it.")
    if not goal.is_active:
        raise ValidationError(f"“{goal.name}” is paused or archived (or below such a goal); resume it to practise.")
    with transaction.atomic():
        session = PracticeSession.create(goal.root_id, [goal], goal.name, started_at=when or timezone.now())
        # The activities the goal's targets measure are on the page at once, ready for values.
        for position, activity in enumerate(target_activities(goal)):
            ActivityInstance(session=session, activity=activity, sort_order=position).save()
    return session


def target_activities(goal):
    """The live activities of the goal's live targets, in the targets' order, each once."""
    seen, found = set(), []
    targets = goal.targets.filter(activity__deleted_at__isnull=True).select_related("activity")
    for target in targets.order_by("sort_order", "created_at"):
        if target.activity_id not in seen:
            seen.add(target.activity_id)
            found.append(target.activity)
    return found


def copy_session(session, start=False, when=None):
    """A new session with the goals, sections and activities of ``session`` (not its values).

    ``start`` starts it at once ("Repeat"); otherwise it is a plan ("Duplicate"). The page shows
    last time's values beside each activity, read from the session this one copies.
    """
    if session.deleted_at is not None:
        raise ValidationError("This session is in the trash.")
    goals = [goal for goal in session.goals.all() if goal.deleted_at is None]
    sections = list(SessionSection.objects.filter(session=session).order_by("sort_order", "created_at"))
    instances = list(
        ActivityInstance.objects.filter(session=session).select_related("activity").order_by("sort_order", "created_at")
    )
    with transaction.atomic():
        copy = PracticeSession.create(
            session.root_id,
            goals,
            session.name,
            template=session.template if session.template_id and session.template.deleted_at is None else None,
            planned_minutes=session.planned_minutes,
            description=session.description,
            started_at=(when or timezone.now()) if start else None,
        )
        new_sections = {}
        for section in sections:
            new_sections[section.pk] = SessionSection(
                session=copy,
                name=section.name,
                planned_minutes=section.planned_minutes,
                sort_order=section.sort_order,
                rest_seconds=section.rest_seconds,
            )
            new_sections[section.pk].save()
        for instance in instances:
            if instance.activity.deleted_at is not None:
                continue
            ActivityInstance(
                session=copy,
                section=new_sections.get(instance.section_id),
                activity=instance.activity,
                sort_order=instance.sort_order,
            ).save()
    return copy


def template_goals(template):
    """The goals a one-tap start from ``template`` serves: those of its latest session, when still open.

    Empty when the template was never used (or those goals are gone): the page then asks for them.
    """
    latest = PracticeSession.objects.filter(template=template).order_by("-created_at").first()
    if latest is None:
        return []
    return [
        goal
        for goal in latest.goals.all()
        if goal.deleted_at is None and goal.level in SESSION_LEVELS and not goal.completed and goal.is_active
    ]


def start_from_template(template, goals, name=None, when=None):
    """A session with the template's sections and activities, linked to ``goals``, started now."""
    return template.create_session(goals, name=name or None, started_at=when or timezone.now())


def start_scheduled(scheduled, goals=None, remember=False, when=None):
    """Start a planned program session; ``goals`` chosen on the spot replace the block's (or program's).

    ``remember`` also links those goals to the program, so its next days start in one tap.
    """
    with transaction.atomic():
        if goals and remember:
            scheduled.day.block.program.goals.add(*goals)
        return scheduled.start(goals=list(goals) if goals else None, when=when)


def log_past_session(root, goals, name, started_at, ended_at, activities=(), template=None, notes=""):
    """Record a session that already happened: its own times, goals and activities; completed at its end.

    The times follow the session rule (``PracticeSession.check_times``); the duration comes from them.
    Values can then be entered on the session's page; ``notes`` (Markdown) becomes a note of the session.
    """
    PracticeSession.check_times(started_at, ended_at, completed=True)
    with transaction.atomic():
        fields = {"started_at": started_at, "ended_at": ended_at}
        if template is not None:
            session = template.create_session(goals, name=name or None, **fields)
        else:
            session = PracticeSession.create(root, goals, name, **fields)
        if notes and notes.strip():
            Note(root_id=session.root_id, session=session, body=notes).save()
        start = ActivityInstance.objects.filter(session=session, section__isnull=True).count()
        for index, activity in enumerate(activities):
            session.add_activity(activity, sort_order=start + index)
        complete_session(session, when=ended_at)
    session.refresh_from_db()
    return session
