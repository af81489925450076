"""The rows of the goal tree: facts computed here, markup in ``front/tree/rows.html``.

A tree can hold thousands of goals, so the fragment is compiled once (at import) and rendered as
one loop over rows whose labels, classes and URLs are ready-made: URL prefixes come from reverse()
once per page, age and date labels once per distinct day.
"""

import datetime

from django import template
from django.template.loader import get_template
from django.utils import formats, timezone
from django.utils.timesince import timesince

from goals.models import GoalLevel

register = template.Library()

ROWS_TEMPLATE = get_template("front/tree/rows.html")

LEVELS = {
    level.value: (level.label, level.next_level.label.lower() if level.next_level else None) for level in GoalLevel
}
CHILD_LEVELS = {level.value: level.next_level.value if level.next_level else "" for level in GoalLevel}


class _Labels:
    """Age and date labels, computed once per distinct day: many goals share them."""

    def __init__(self, now):
        self.now = now
        self.ages = {}
        self.dates = {}

    def age(self, created_at):
        delta = self.now - created_at
        if delta.days < 2:
            return timesince(created_at, self.now, depth=1)
        # Whole days counted as calendar days in the user's zone (the active one), so a goal
        # made late yesterday evening is a day old this morning wherever the user lives.
        days = (timezone.localdate(self.now) - timezone.localdate(created_at)).days
        if days not in self.ages:
            self.ages[days] = timesince(self.now - datetime.timedelta(days=days), self.now, depth=1)
        return self.ages[days]

    def date(self, day):
        if day not in self.dates:
            self.dates[day] = formats.date_format(day)
        return self.dates[day]


def row_facts(rows, goals_base, today, soon):
    """Each row as a flat dict of ready-made strings: one-level lookups keep the template loop fast."""
    labels = _Labels(timezone.now())
    facts = []
    for row in rows:
        node = row["node"]
        goal = node.goal
        label, child_label = LEVELS[goal.level]
        classes = f"tree-item level-{goal.level}"
        if goal.completed:
            classes += " is-completed"
        if node.matched:
            classes += " is-match"
        state = ""
        if goal.deadline and not goal.completed:
            state = " overdue" if goal.deadline < today else (" due-soon" if goal.deadline <= soon else "")
        hidden = ""
        if node.hidden_children and not node.children:
            plural = "" if node.hidden_children == 1 else "s"
            hidden = f"Show {node.hidden_children} {child_label}{plural} below"
        facts.append(
            {
                "id": goal.id,
                "parent_id": goal.parent_id,
                "name": goal.name,
                "level": goal.level,
                "completed": goal.completed,
                "matched": node.matched,
                "base": f"{goals_base}{goal.id}/",
                "label": label,
                "child_label": child_label,
                "child_level": CHILD_LEVELS[goal.level],
                "classes": classes,
                "leaf": not (node.children or node.hidden_children),
                "has_children": bool(node.children),
                "hidden": hidden,
                "age": labels.age(goal.created_at),
                "deadline": labels.date(goal.deadline) if goal.deadline else "",
                "deadline_state": state,
                "targets": f"{node.targets_met}/{node.targets_total}" if node.targets_total else "",
                "targets_state": " all-met" if node.targets_total and node.targets_met == node.targets_total else "",
                "sessions": f"{node.session_count} session{'' if node.session_count == 1 else 's'}"
                if node.session_count
                else "",
                "closes": row["closes"],  # the subtrees that end after this row
            }
        )
    return facts


def render_rows(rows, goals_base, today, soon, summary_only=False):
    context = {"rows": row_facts(rows, goals_base, today, soon), "summary_only": summary_only}
    return ROWS_TEMPLATE.render(context)


@register.simple_tag
def goal_tree_rows(rows, goals_base, today, soon):
    return render_rows(rows, goals_base, today, soon)
