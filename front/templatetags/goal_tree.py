"""Renders the rows of the goal tree in Python.

A tree can hold thousands of goals; building each row with the template engine (two dozen
variable lookups per row) made a 5,000-goal page take seconds, so the rows are assembled here
with the same escaping rules. The surrounding page stays a normal template.
"""

import datetime

from django import template
from django.utils import formats, timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.timesince import timesince

from goals.models import GoalLevel

register = template.Library()

LEVELS = {
    level.value: (level.label, level.next_level.label.lower() if level.next_level else None) for level in GoalLevel
}


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
        if delta.days not in self.ages:
            self.ages[delta.days] = timesince(self.now - datetime.timedelta(days=delta.days), self.now, depth=1)
        return self.ages[delta.days]

    def date(self, day):
        if day not in self.dates:
            self.dates[day] = formats.date_format(day)
        return self.dates[day]


@register.simple_tag
def goal_tree_rows(rows, goals_base, today, soon):
    labels = _Labels(timezone.now())
    out = []
    for row in rows:
        node = row["node"]
        goal = node.goal
        label, child_label = LEVELS[goal.level]
        base = f"{goals_base}{goal.id}/"
        name = escape(goal.name)
        classes = f"tree-item level-{goal.level}"
        if goal.completed:
            classes += " is-completed"
        if node.matched:
            classes += " is-match"
        out.append(
            f'<li class="{classes}" id="goal-{goal.id}"><details open class="tree-node">'
            f'<summary class="goal-row{"" if node.children or node.hidden_children else " leaf"}">'
            f'<span class="level-dot" title="{label}"></span>'
        )
        if goal.completed:
            out.append('<span class="done-mark" title="Completed">✓</span>')
        out.append(f'<a class="goal-name" href="{base}">{f"<mark>{name}</mark>" if node.matched else name}</a>')
        meta = [
            f'<span class="level-label">{label}</span>',
            f'<span class="age">{labels.age(goal.created_at)} old</span>',
        ]
        if goal.deadline:
            state = ""
            if not goal.completed:
                state = " overdue" if goal.deadline < today else (" due-soon" if goal.deadline <= soon else "")
            meta.append(f'<span class="deadline{state}">due {labels.date(goal.deadline)}</span>')
        if node.targets_total:
            met = " all-met" if node.targets_met == node.targets_total else ""
            meta.append(
                f'<span class="targets{met}" title="Targets met">targets {node.targets_met}/{node.targets_total}</span>'
            )
        if node.session_count:
            plural = "" if node.session_count == 1 else "s"
            meta.append(f'<span class="sessions">{node.session_count} session{plural}</span>')
        out.append(f'<span class="goal-meta">{" ".join(meta)}</span><span class="goal-actions">')
        if child_label:
            out.append(
                f'<a class="button small" href="{base}add/" data-add-child="{child_label}"'
                f' title="Add a {child_label}" aria-label="Add a {child_label} under {name}">+ Add</a>'
            )
        action = '<button form="goal-action" formaction="{0}{1}/" class="small{2}"{3}>{4}</button>'
        if goal.completed:
            out.append(action.format(base, "reopen", "", "", "Reopen"))
        else:
            out.append(action.format(base, "complete", "", "", "Complete"))
        out.append(f'<a class="button small" href="{base}edit/">Edit</a>')
        if goal.parent_id:
            out.append(action.format(base, "up", "", ' aria-label="Move up"', "↑"))
            out.append(action.format(base, "down", "", ' aria-label="Move down"', "↓"))
            confirm = escape(f"Delete “{goal.name}” and everything below it?")
            out.append(action.format(base, "delete", " danger", f' data-confirm="{confirm}"', "Delete"))
        out.append("</span></summary>")
        if node.children:
            out.append('<ul class="tree-children">')
        else:
            if node.hidden_children:
                plural = "" if node.hidden_children == 1 else "s"
                out.append(
                    f'<ul class="tree-children"><li class="tree-more"><a href="?focus={goal.id}#goal-{goal.id}">'
                    f"Show {node.hidden_children} {child_label}{plural} below</a></li></ul>"
                )
            out.append("</details></li>")
        out.append("</ul></details></li>" * len(row["closes"]))
    # Safe: every user-supplied value above went through escape().
    return mark_safe("".join(out))
