"""Every main page fits a phone: no horizontal scroll at 360, 390 and 430 px."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from activities.models import Target
from sessions.models import Note
from tests.factories import (
    ActivityGroupFactory,
    ProgramBlockFactory,
    ProgramDayFactory,
    ProgramFactory,
    ScheduledSessionFactory,
    SessionTemplateFactory,
    TargetFactory,
)
from tests.pages.session_data import session_with_sets, set_activity, split_activity, target_on


def _pages(fractal, goal):
    pull_up = set_activity(fractal, name="Weighted pull-up with a long name", group=ActivityGroupFactory(root=fractal))
    split_activity(fractal)
    target = target_on(goal, pull_up, Weight=20, Reps=5)
    weekly = Target(goal=goal, activity=pull_up, name="Pull twice a week", kind="frequency", times=2, weeks=3)
    weekly.save()
    _, earlier = session_with_sets(
        fractal, goal, pull_up, sets=[(17.5, 5), (20, 3), (22.5, 2)], days_ago=3, completed=True
    )
    session, current = session_with_sets(fractal, goal, pull_up, sets=[(20, 5), (22.5, 5)], days_ago=0)
    template = SessionTemplateFactory(root=fractal, name="Pull day")
    program = ProgramFactory(root=fractal, name="Winter block")
    today = timezone.localdate()
    block = ProgramBlockFactory(program=program, start_date=today, end_date=today + datetime.timedelta(days=27))
    day = ProgramDayFactory(block=block, date=today + datetime.timedelta(days=1), name="Heavy pulls")
    scheduled = ScheduledSessionFactory(day=day, template=template)  # the program has no goals: its picker
    # A day with long notes: its mark in the calendar, and the session started from it shows them.
    noted_day = ProgramDayFactory(
        block=block, date=today, name="Technique day with a long name", notes="Keep it light: " + "x" * 150
    )
    planned = ScheduledSessionFactory(day=noted_day, template=template).start(goals=[goal])
    # A habit over the block: its weeks-in-a-row and this-week bars on the goal page and the panel.
    habit = TargetFactory(
        goal=goal, activity=pull_up, name="Pull three times a week", kind="frequency", times=3, weeks=4
    )
    habit.scope, habit.block = "block", block
    habit.save()
    long_note = "A cue with a long link https://example.com/" + "a" * 120 + "\n\n```\n" + "x" * 200 + "\n```"
    note = Note(root_id=fractal.pk, body=long_note, goal=goal, pinned=True)
    note.full_clean()
    note.save()
    # The session page: cues from the earlier practice and the activity, notes of the session and a set.
    for fields in ({"instance": earlier}, {"activity": pull_up}, {"session": session}, {"instance": current}):
        Note(root_id=fractal.pk, body=long_note, set_number=2 if "instance" in fields else None, **fields).save()
    # A paused goal with its pause history, under a parent its children complete.
    paused = goal.parent.add_child("On hold until the shoulder heals, with a long name for a phone")
    paused.pause(when=timezone.now() - datetime.timedelta(days=9))
    paused.resume(when=timezone.now() - datetime.timedelta(days=8))
    paused.pause()
    parent = goal.parent
    parent.completion_mode = "children"
    parent.save()
    root = {"root_id": fractal.pk}
    return [
        reverse("fractal-tree", kwargs=root) + "?inactive=1",
        reverse("goal-detail", kwargs={**root, "goal_id": paused.pk}),
        reverse("goal-detail", kwargs={**root, "goal_id": parent.pk}),
        reverse("goal-edit", kwargs={**root, "goal_id": goal.pk}),
        reverse("fractal-list"),
        reverse("fractal-tree", kwargs=root),
        reverse("fractal-tree", kwargs=root) + "?view=map",
        reverse("fractal-tree", kwargs=root) + "?view=map&inactive=1",
        reverse("session-detail", kwargs={**root, "session_id": planned.pk}),
        reverse("fractal-tree", kwargs=root) + f"?view=map&layout=radial&panel={goal.pk}",
        reverse("goal-detail", kwargs={**root, "goal_id": goal.pk}),
        reverse("goal-copy", kwargs={**root, "goal_id": goal.pk}),
        reverse("target-detail", kwargs={**root, "goal_id": goal.pk, "target_id": target.pk}),
        reverse("target-detail", kwargs={**root, "goal_id": goal.pk, "target_id": weekly.pk}),
        reverse("target-create", kwargs={**root, "goal_id": goal.pk}) + f"?activity={pull_up.pk}",
        reverse("target-edit", kwargs={**root, "goal_id": goal.pk, "target_id": habit.pk}),
        reverse("note-list", kwargs=root),
        reverse("note-edit", kwargs={**root, "note_id": note.pk}),
        reverse("session-list", kwargs=root),
        reverse("session-create", kwargs=root),
        reverse("session-detail", kwargs={**root, "session_id": session.pk}),
        reverse("activity-library", kwargs=root),
        reverse("activity-create", kwargs=root),
        reverse("activity-edit", kwargs={**root, "activity_id": pull_up.pk}),
        reverse("activity-records", kwargs={**root, "activity_id": pull_up.pk}),
        reverse("template-list", kwargs=root),
        reverse("template-edit", kwargs={**root, "template_id": template.pk}),
        reverse("program-list", kwargs=root),
        reverse("program-detail", kwargs={**root, "program_id": program.pk}),
        reverse("program-create", kwargs=root),
        reverse("session-log", kwargs=root),
        reverse("session-from-template", kwargs={**root, "template_id": template.pk}) + "?start=1",
        reverse("scheduled-start", kwargs={**root, "program_id": program.pk, "scheduled_id": scheduled.pk}),
        reverse("analytics", kwargs=root),
        reverse("analytics-records", kwargs=root),  # the records of the first activity with metrics
        reverse("trash", kwargs=root),
        reverse("settings"),
    ]


@pytest.mark.parametrize("width", [360, 390, 430])
def test_no_main_page_scrolls_sideways_on_a_phone(page_as, owner, fractal, short_term_goal, width):
    page = page_as(owner)
    page.set_viewport_size({"width": width, "height": 844})
    too_wide = {}
    for url in _pages(fractal, short_term_goal):
        page.goto(url)
        page.wait_for_load_state("load")
        scroll, inner = page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
        if scroll > inner:
            too_wide[url] = scroll
    assert too_wide == {}
    assert page.js_errors == []
