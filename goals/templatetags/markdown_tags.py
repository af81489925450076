"""``{{ note.body|markdown }}``: a note's Markdown as sanitised HTML (see goals/markdown.py)."""

from django import template

from goals.markdown import plain_excerpt, render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text):
    return render_markdown(text)


@register.filter
def excerpt(text, length=160):
    return plain_excerpt(text, int(length))
