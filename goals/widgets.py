"""Form widgets shared by the apps."""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe


def option_tags(rows, chosen=None):
    """``<option>`` tags for plain ``(value, label)`` rows, the one whose value is ``chosen`` selected.

    Written in one pass, for menus that offer a whole library: hundreds of options.
    """
    chosen = "" if chosen is None else str(chosen)
    return mark_safe(  # values and labels are escaped here
        "".join(
            f'<option value="{escape(value)}"{" selected" if str(value) == chosen else ""}>{escape(label)}</option>'
            for value, label in rows
        )
    )


class QuickSelect(forms.Select):
    """A ``<select>`` whose options are written in Python rather than one template each.

    Same markup as Django's ``Select``; menus of a big fractal (goals, activities, metrics) can
    offer hundreds of options, and the per-option template made them the slowest part of a page.
    """

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [format_html('<select name="{}"{}>', widget["name"], flatatt(widget["attrs"]))]
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(format_html('<optgroup label="{}">', group_name))
            for option in options:
                parts.append(
                    format_html(
                        '<option value="{}"{}>{}</option>',
                        str(option["value"]),
                        flatatt(option["attrs"]),
                        option["label"],
                    )
                )
            if group_name:
                parts.append("</optgroup>")
        parts.append("</select>")
        return mark_safe("".join(parts))  # every part above went through format_html


class RowsSelect(forms.Select):
    """A ``<select>`` of plain ``(value, label)`` choices (``option_tags``), the same markup as
    Django's ``Select`` for flat choices, without even ``QuickSelect``'s per-option dictionaries."""

    def render(self, name, value, attrs=None, renderer=None):
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            flatatt(self.build_attrs(self.attrs, attrs)),
            option_tags(self.choices, value),
        )
