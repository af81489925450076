"""Markdown written by users, rendered to HTML that is safe to show.

Markdown (the maintained ``Markdown`` package) renders; ``nh3`` (the Rust ``ammonia`` sanitiser)
then keeps only the tags and attributes below, so raw HTML in a note, ``javascript:`` links and
event attributes never reach the page. Links get ``rel="noopener noreferrer"``.
"""

import html as html_module

import markdown
import nh3
from django.utils.safestring import mark_safe

TAGS = {
    "p", "br", "hr", "strong", "em", "del", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "h1", "h2", "h3", "h4", "h5", "h6",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}
EXTENSIONS = ["tables", "fenced_code", "sane_lists", "nl2br"]


def render_markdown(text):
    """Safe HTML for ``text`` (Markdown), marked safe for templates."""
    html = markdown.markdown(text or "", extensions=EXTENSIONS, output_format="html")
    cleaned = nh3.clean(html, tags=TAGS, attributes=ATTRIBUTES, url_schemes=URL_SCHEMES, link_rel="noopener noreferrer")
    return mark_safe(cleaned)


def plain_excerpt(text, length=160):
    """The note's text without Markdown syntax or HTML, for short listings."""
    html = markdown.markdown(text or "", extensions=EXTENSIONS)
    words = " ".join(html_module.unescape(nh3.clean(html, tags=set())).split())
    return words if len(words) <= length else words[: length - 1].rstrip() + "…"
