"""Markdown written by users, rendered to HTML that is safe to show.

Markdown (the maintained ``Markdown`` package) renders; ``nh3`` (the Rust ``ammonia`` sanitiser)
then keeps only the tags and attributes below, so raw HTML in a note, ``javascript:`` links and
event attributes never reach the page. Links get ``rel="noopener noreferrer"``.
"""

import functools
import html as html_module
import threading

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


_local = threading.local()


def _to_html(text):
    """``text`` as (unsanitised) HTML, by this thread's converter: building one loads every
    extension, so each thread keeps its own and resets it between texts."""
    converter = getattr(_local, "converter", None)
    if converter is None:
        converter = _local.converter = markdown.Markdown(extensions=EXTENSIONS, output_format="html")
    return converter.reset().convert(text or "")


# A note is shown again and again (a session page re-renders its cues on every set logged): the
# same text gives the same HTML, so the last few hundred are kept (notes run to 20,000 characters:
# a bounded cache stays a few megabytes per process at worst).
@functools.lru_cache(maxsize=512)
def render_markdown(text):
    """Safe HTML for ``text`` (Markdown), marked safe for templates."""
    html = _to_html(text)
    cleaned = nh3.clean(html, tags=TAGS, attributes=ATTRIBUTES, url_schemes=URL_SCHEMES, link_rel="noopener noreferrer")
    return mark_safe(cleaned)


def plain_excerpt(text, length=160):
    """The note's text without Markdown syntax or HTML, for short listings."""
    html = _to_html(text)
    words = " ".join(html_module.unescape(nh3.clean(html, tags=set())).split())
    return words if len(words) <= length else words[: length - 1].rstrip() + "…"
