from django import template
from django.urls import reverse

register = template.Library()

# The sections of a fractal, in the order the navigation shows them.
SECTIONS = [
    ("Tree", "fractal-tree"),
    ("Sessions", "session-list"),
    ("Activities", "activity-library"),
    ("Templates", "template-list"),
    ("Programs", "program-list"),
    ("Analytics", "analytics"),
    ("Notes", "note-list"),
    ("Trash", "trash"),
]


@register.inclusion_tag("includes/fractal_nav.html", takes_context=True)
def fractal_nav(context, fractal):
    current = getattr(getattr(context.get("request"), "resolver_match", None), "url_name", None)
    links = [
        {"label": label, "url": reverse(name, kwargs={"root_id": fractal.pk}), "active": name == current}
        for label, name in SECTIONS
    ]
    return {"fractal": fractal, "links": links}
