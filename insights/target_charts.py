"""The target page's charts: a metric over time against its threshold line, and sessions per week
against ``times``. Server-drawn SVG built from the shared scales and axes of ``charts``; every
text that reaches the SVG is escaped here.
"""

import datetime
import math
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import mark_safe

from goals.dates import shift_day

from .charts import (
    HEIGHT,
    MARGIN_BOTTOM,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    MARGIN_TOP,
    WIDTH,
    LinearScale,
    _empty,
    _svg_open,
    _time_axis,
    _y_axis,
    format_number,
    nice_ticks,
)


@dataclass(frozen=True)
class Mark:
    """One point of a target chart: a session (or a bucket of sessions)."""

    x: datetime.datetime
    y: float
    tooltip: str = ""
    met: bool = False
    achieved: bool = False
    href: str = ""


@dataclass(frozen=True)
class WeekBar:
    label: str
    value: float
    tooltip: str = ""
    met: bool = False
    in_run: bool = False


def _line_label(parts, y, text, left, right):
    parts.append(f'<line class="target-line" x1="{left}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}"/>')
    parts.append(f'<text class="target-label" x="{right - 4}" y="{y - 5:.1f}" text-anchor="end">{escape(text)}</text>')


def _legend(parts, y, entries):
    x = MARGIN_LEFT
    parts.append('<g class="legend">')
    for css, label in entries:
        parts.append(f'<rect class="legend-key {css}" x="{x}" y="{y - 9}" width="10" height="10"/>')
        parts.append(f'<text class="legend-label" x="{x + 14}" y="{y}">{escape(label)}</text>')
        x += 30 + 7 * len(label)
    parts.append("</g>")


def progress_chart(
    marks,
    *,
    title,
    unit="",
    line,
    line_label,
    series_name,
    tz=None,
    step=False,
    empty_message="No values recorded in scope yet.",
    width=WIDTH,
    height=HEIGHT,
):
    """A metric over time (x: datetimes) with the target's line at ``line``; points meeting
    the rule are filled, the achievement is ringed, and each session's point links to it.
    ``step`` draws a running total (flat until the next session adds to it)."""
    if not marks:
        return _empty(title, "target-chart", empty_message, width)
    xs = [mark.x for mark in marks]
    ys = [mark.y for mark in marks] + [line]
    first, last = min(xs), max(xs)
    if first == last:
        first, last = shift_day(first, -1), shift_day(last, 1)
    ticks = nice_ticks(min(ys), max(ys))
    left, right = MARGIN_LEFT, width - MARGIN_RIGHT
    top, bottom = MARGIN_TOP + 8, height - MARGIN_BOTTOM
    x_scale = LinearScale(first.timestamp(), last.timestamp(), left + 8, right - 8)
    y_scale = LinearScale(ticks[0], ticks[-1], bottom, top)

    parts = _svg_open(title, "line-chart target-chart", width, height)
    _y_axis(parts, y_scale, ticks, unit, left, right)
    _time_axis(parts, x_scale, first, last, tz, left, right, bottom)
    _line_label(parts, y_scale(line), line_label, left, right)
    coordinates = [(x_scale(mark.x.timestamp()), y_scale(mark.y), mark) for mark in marks]
    if step:
        path, previous = [], None
        for x, y, _ in coordinates:
            if previous is not None:
                path.append(f"{x:.1f},{previous:.1f}")
            path.append(f"{x:.1f},{y:.1f}")
            previous = y
    else:
        path = [f"{x:.1f},{y:.1f}" for x, y, _ in coordinates]
    parts.append(f'<g class="series series-1" data-series="{escape(series_name)}">')
    parts.append(f'<polyline class="line" points="{" ".join(path)}"/>')
    for x, y, mark in coordinates:
        css = "point met" if mark.met else "point"
        tooltip = mark.tooltip or f"{series_name}: {format_number(mark.y)} {unit}".strip()
        dot = f'<circle class="{css}" cx="{x:.1f}" cy="{y:.1f}" r="4"><title>{escape(tooltip)}</title></circle>'
        if mark.achieved:
            dot = f'<circle class="achieved-mark" cx="{x:.1f}" cy="{y:.1f}" r="8"/>' + dot
        parts.append(f'<a href="{escape(mark.href)}">{dot}</a>' if mark.href else dot)
    parts.append("</g>")
    entries = [("series-1", series_name), ("met", "meets the rule"), ("line", line_label)]
    if any(mark.achieved for mark in marks):
        entries.append(("achieved", "achieved"))
    _legend(parts, bottom + 34, entries)
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text above went through escape()


def weeks_chart(bars, *, title, line, line_label, unit="sessions", empty_message="No weeks in scope yet.", width=WIDTH):
    """Sessions per week (or the best week of a month) as bars, the ``times`` line across, the
    weeks meeting it filled and the weeks-in-a-row run shown."""
    if not bars:
        return _empty(title, "bar-chart target-chart", empty_message, width)
    height = HEIGHT
    ticks = nice_ticks(0, max([bar.value for bar in bars] + [line]))
    left, right = MARGIN_LEFT, width - MARGIN_RIGHT
    top, bottom = MARGIN_TOP + 8, height - MARGIN_BOTTOM
    y_scale = LinearScale(ticks[0], ticks[-1], bottom, top)
    slot = (right - left) / len(bars)
    bar_width = max(1.0, slot * 0.7)
    label_every = max(1, math.ceil(52 / slot))

    parts = _svg_open(title, "bar-chart target-chart", width, height)
    _y_axis(parts, y_scale, ticks, unit, left, right)
    parts.append(f'<line class="axis" x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}"/>')
    run = [index for index, bar in enumerate(bars) if bar.in_run]
    if run:
        x1 = left + slot * run[0]
        x2 = left + slot * (run[-1] + 1)
        parts.append(f'<rect class="run-band" x="{x1:.1f}" y="{top}" width="{x2 - x1:.1f}" height="{bottom - top}"/>')
    for index, bar in enumerate(bars):
        x = left + slot * index + (slot - bar_width) / 2
        y = y_scale(max(bar.value, 0))
        css = "bar" + (" met" if bar.met else "") + (" in-run" if bar.in_run else "")
        parts.append(
            f'<rect class="{css}" x="{x:.1f}" y="{y:.1f}" width="{bar_width:.1f}" height="{max(0.0, bottom - y):.1f}">'
            f"<title>{escape(bar.tooltip or bar.label)}</title></rect>"
        )
        if (len(bars) - 1 - index) % label_every == 0:
            parts.append(
                f'<text class="tick x-tick" x="{x + bar_width / 2:.1f}" y="{bottom + 18}" text-anchor="middle">'
                f"{escape(bar.label)}</text>"
            )
    _line_label(parts, y_scale(line), line_label, left, right)
    entries = [("bar", "sessions"), ("met", "week reaches the line")]
    if run:
        entries.append(("run-band", "weeks in a row"))
    _legend(parts, bottom + 34, entries)
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text above went through escape()
