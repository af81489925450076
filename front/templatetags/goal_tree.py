"""The rows of the goal tree: facts computed here, markup in ``templates/jinja2/front/tree/rows.html``.

A tree can hold thousands of goals, so the fragment is a Jinja2 template (the ``jinja2`` engine of
the settings), compiled once (at import) and rendered as one loop over rows whose labels, classes
and URLs are ready-made: URL prefixes come from reverse() once per page, age and date labels once
per distinct day. Django's engine took about 35 ms for the 661 rows of the benchmark's tree.
"""

import datetime

from django import template
from django.template import engines
from django.utils import formats, timezone
from django.utils.safestring import mark_safe
from django.utils.timesince import timesince

from goals.models import SESSION_LEVELS, GoalLevel

register = template.Library()

ROWS_TEMPLATE = engines["jinja2"].get_template("front/tree/rows.html")

# Per level, the row facts that depend on the level only (made once, at import).
LEVEL_FACTS = {
    level.value: {
        "level": level.value,
        "label": str(level.label),
        "child_label": str(level.next_level.label.lower()) if level.next_level else None,
        "child_level": level.next_level.value if level.next_level else "",
    }
    for level in GoalLevel
}
PRACTICE_LEVELS = frozenset(level.value for level in SESSION_LEVELS)
# Fixed words, made once.
NOTHING = ""
ALL_MET = " all-met"
# Rolled-up progress (goals.tree.rolled_up_progress), as "42 %" and the <progress> value.
PERCENTS = [(f"{percent} %", str(percent)) for percent in range(101)]


class _Labels:
    """Age and date labels, computed once per distinct day or minute: many goals share them."""

    def __init__(self, now):
        self.now = now
        self.ages = {}
        self.recent = {}
        self.dates = {}

    def age(self, created_at):
        delta = self.now - created_at
        if delta.days < 2:
            # Under two days the label counts hours or minutes: it depends on the whole minutes only.
            minutes = int(delta.total_seconds() // 60)
            if minutes not in self.recent:
                self.recent[minutes] = str(timesince(created_at, self.now, depth=1))
            return self.recent[minutes]
        # Whole days counted as calendar days in the user's zone (the active one), so a goal
        # made late yesterday evening is a day old this morning wherever the user lives.
        days = (timezone.localdate(self.now) - timezone.localdate(created_at)).days
        if days not in self.ages:
            since = timesince(self.now - datetime.timedelta(days=days), self.now, depth=1)
            self.ages[days] = str(since)
        return self.ages[days]

    def date(self, day):
        if day not in self.dates:
            self.dates[day] = formats.date_format(day)
        return self.dates[day]


def row_facts(rows, goals_base, today, soon):
    """Each row as a flat dict of ready-made plain strings, so the template loop does the least.

    One-level lookups only, written ``row["name"]`` in the template (Jinja2 tries an item first
    that way; ``row.name`` tries an attribute first and fails on a dict). The values are not
    escaped here: Jinja2's autoescape escapes every one it writes, and plain strings are escaped by
    markupsafe's C code (a string already marked safe costs a Python call each time instead).
    """
    labels = _Labels(timezone.now())
    goals_base = str(goals_base)
    facts = []
    for row in rows:
        node = row["node"]
        goal = node.goal
        level = LEVEL_FACTS[goal.level]
        goal_id = str(goal.id)
        classes = f"tree-item level-{level['level']}"
        if goal.completed:
            classes += " is-completed"
        if node.matched:
            classes += " is-match"
        lifecycle = "archived" if goal.archived_at else ("paused" if goal.paused_at else "")
        if node.inactive:
            classes += " is-inactive"
        state = ""
        if goal.deadline and not goal.completed:
            state = " overdue" if goal.deadline < today else (" due-soon" if goal.deadline <= soon else "")
        hidden = NOTHING
        if node.hidden_children and not node.children:
            plural = "" if node.hidden_children == 1 else "s"
            hidden = f"Show {node.hidden_children} {level['child_label']}{plural} below"
        targets = targets_state = sessions = NOTHING
        if node.targets_total:
            targets = f"{node.targets_met}/{node.targets_total}"
            targets_state = ALL_MET if node.targets_met == node.targets_total else NOTHING
        progress = progress_value = NOTHING
        if node.progress is not None:
            percent = round(node.progress * 100)
            progress, progress_value = PERCENTS[percent]
        if node.session_count:
            sessions = f"{node.session_count} session{'' if node.session_count == 1 else 's'}"
        facts.append(
            {
                **level,
                "id": goal_id,
                "parent_id": goal.parent_id is not None,
                "name": goal.name,
                "completed": goal.completed,
                "practise": goal.level in PRACTICE_LEVELS and not goal.completed and not node.inactive,
                "by_children": goal.completion_mode == "children",
                "lifecycle": lifecycle,
                "progress": progress,
                "progress_value": progress_value,
                "matched": node.matched,
                "base": f"{goals_base}{goal_id}/",
                "classes": classes,
                "leaf": not (node.children or node.hidden_children),
                "has_children": bool(node.children),
                "hidden": hidden,
                "age": labels.age(goal.created_at),
                "deadline": labels.date(goal.deadline) if goal.deadline else NOTHING,
                "deadline_state": state,
                "targets": targets,
                "targets_state": targets_state,
                "sessions": sessions,
                "crumb": " › ".join(row["trail"]) if row.get("trail") else NOTHING,
                "closes": row["closes"],  # the subtrees that end after this row
            }
        )
    return facts


def render_rows(rows, goals_base, today, soon, summary_only=False, filters=""):
    """The tree's rows as HTML. ``filters`` (``&inactive=1`` …) are the page's filters, which the
    "Show … below" links keep."""
    context = {"rows": row_facts(rows, goals_base, today, soon), "summary_only": summary_only, "filters": filters}
    return mark_safe(ROWS_TEMPLATE.render(context))  # Jinja2 escaped every value it wrote


@register.simple_tag
def goal_tree_rows(rows, goals_base, today, soon, filters=""):
    return render_rows(rows, goals_base, today, soon, filters=filters)
