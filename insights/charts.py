"""Server-side SVG charts: series in, a self-contained ``<svg>`` out (no script, no network).

Two kinds are enough for the analytics page: a line chart over time (points with tooltips) and
a bar chart over labelled categories. Every text that reaches the SVG is escaped here.
"""

import datetime
import math
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import mark_safe

from goals.dates import shift_day

WIDTH = 720
HEIGHT = 280
MARGIN_LEFT = 64
MARGIN_RIGHT = 16
MARGIN_TOP = 16
MARGIN_BOTTOM = 40


@dataclass(frozen=True)
class Point:
    x: datetime.datetime
    y: float
    tooltip: str = ""


@dataclass
class Series:
    name: str
    points: list = field(default_factory=list)
    css_class: str = "series-1"


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    tooltip: str = ""


# --- scales and ticks ----------------------------------------------------------------------


def format_number(value):
    """Short, locale-neutral number text: 80, 7.5, 1,250, 0.33."""
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def nice_step(span, count):
    """A round step (1, 2, 2.5 or 5 × 10^n) giving about ``count`` intervals over ``span``."""
    raw = span / max(count, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def nice_ticks(low, high, count=5):
    """Round tick values covering [low, high]; the axis starts at zero for non-negative data."""
    if low >= 0:
        low = 0.0
    if high <= low:
        high = low + 1
    step = nice_step(high - low, count)
    start = math.floor(low / step) * step
    ticks = []
    value = start
    while True:
        ticks.append(round(value, 10))
        if value >= high - step * 1e-9:  # tolerate float drift in the running sum
            return ticks
        value += step


class LinearScale:
    def __init__(self, low, high, start, end):
        self.low, self.high, self.start, self.end = low, high, start, end

    def __call__(self, value):
        if self.high == self.low:
            return (self.start + self.end) / 2
        return self.start + (value - self.low) / (self.high - self.low) * (self.end - self.start)


def _date_ticks(first, last, count=6):
    """Evenly spaced datetimes between ``first`` and ``last`` (inclusive)."""
    if first == last:
        return [first]
    step = (last - first) / (count - 1)
    return [first + step * index for index in range(count)]


def _date_label(moment, span_days):
    return moment.strftime("%b %Y") if span_days > 366 else moment.strftime("%d %b")


# --- drawing -------------------------------------------------------------------------------


def _svg_open(title, css_class, width=WIDTH, height=HEIGHT):
    return [
        f'<svg class="chart {css_class}" viewBox="0 0 {width} {height}" role="img" '
        f'xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMidYMid meet">',
        f"<title>{escape(title)}</title>",
    ]


def _y_axis(parts, scale, ticks, unit, left, right):
    for tick in ticks:
        y = scale(tick)
        parts.append(f'<line class="grid" x1="{left}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}"/>')
        parts.append(
            f'<text class="tick y-tick" x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">'
            f"{escape(format_number(tick))}</text>"
        )
    parts.append(f'<line class="axis" x1="{left}" y1="{scale(ticks[0]):.1f}" x2="{left}" y2="{scale(ticks[-1]):.1f}"/>')
    if unit:
        parts.append(
            f'<text class="unit" x="12" y="{(scale(ticks[0]) + scale(ticks[-1])) / 2:.1f}" '
            f'transform="rotate(-90 12 {(scale(ticks[0]) + scale(ticks[-1])) / 2:.1f})" text-anchor="middle">'
            f"{escape(unit)}</text>"
        )


def _empty(title, css_class, message, width):
    parts = _svg_open(title, f"{css_class} chart-empty", width=width, height=80)
    parts.append(f'<text class="empty" x="{width / 2}" y="44" text-anchor="middle">{escape(message)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text above went through escape()


def line_chart(series, *, title, unit="", empty_message="No values recorded yet.", width=WIDTH, height=HEIGHT):
    """Lines over time with a marker and a tooltip per point; x values are datetimes."""
    series = [item for item in series if item.points]
    if not series:
        return _empty(title, "line-chart", empty_message, width)
    xs = [point.x for item in series for point in item.points]
    ys = [point.y for item in series for point in item.points]
    first, last = min(xs), max(xs)
    if first == last:
        first, last = shift_day(first, -1), shift_day(last, 1)
    ticks = nice_ticks(min(ys), max(ys))
    left, right = MARGIN_LEFT, width - MARGIN_RIGHT
    top, bottom = MARGIN_TOP, height - MARGIN_BOTTOM
    x_scale = LinearScale(first.timestamp(), last.timestamp(), left + 8, right - 8)
    y_scale = LinearScale(ticks[0], ticks[-1], bottom, top)

    parts = _svg_open(title, "line-chart", width, height)
    _y_axis(parts, y_scale, ticks, unit, left, right)
    parts.append(f'<line class="axis" x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}"/>')
    span_days = (last - first).days
    for moment in _date_ticks(first, last):
        x = x_scale(moment.timestamp())
        parts.append(f'<line class="tick-mark" x1="{x:.1f}" y1="{bottom}" x2="{x:.1f}" y2="{bottom + 4}"/>')
        parts.append(
            f'<text class="tick x-tick" x="{x:.1f}" y="{bottom + 18}" text-anchor="middle">'
            f"{escape(_date_label(moment, span_days))}</text>"
        )
    for item in series:
        css = escape(item.css_class)
        coordinates = [(x_scale(point.x.timestamp()), y_scale(point.y), point) for point in item.points]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _ in coordinates)
        parts.append(f'<g class="series {css}" data-series="{escape(item.name)}">')
        parts.append(f'<polyline class="line" points="{path}"/>')
        for x, y, point in coordinates:
            tooltip = point.tooltip or f"{item.name}: {format_number(point.y)} {unit}".strip()
            parts.append(
                f'<circle class="point" cx="{x:.1f}" cy="{y:.1f}" r="4"><title>{escape(tooltip)}</title></circle>'
            )
        parts.append("</g>")
    parts.append(_legend(series, bottom + 34))
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text above went through escape()


def _legend(series, y):
    parts = ['<g class="legend">']
    x = MARGIN_LEFT
    for item in series:
        css = escape(item.css_class)
        parts.append(f'<g class="series {css}"><rect x="{x}" y="{y - 9}" width="10" height="10"/></g>')
        parts.append(f'<text class="legend-label" x="{x + 14}" y="{y}">{escape(item.name)}</text>')
        x += 24 + 8 * len(item.name)
    parts.append("</g>")
    return "".join(parts)


def bar_chart(bars, *, title, unit="", empty_message="Nothing to show yet.", width=WIDTH, height=HEIGHT):
    """One bar per labelled category, value labels in tooltips."""
    if not bars:
        return _empty(title, "bar-chart", empty_message, width)
    ticks = nice_ticks(min(bar.value for bar in bars), max(bar.value for bar in bars))
    left, right = MARGIN_LEFT, width - MARGIN_RIGHT
    top, bottom = MARGIN_TOP, height - MARGIN_BOTTOM
    y_scale = LinearScale(ticks[0], ticks[-1], bottom, top)
    slot = (right - left) / len(bars)
    bar_width = max(2.0, slot * 0.7)
    label_every = max(1, math.ceil(52 / slot))  # leave each tick label about 52 units

    parts = _svg_open(title, "bar-chart", width, height)
    _y_axis(parts, y_scale, ticks, unit, left, right)
    parts.append(f'<line class="axis" x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}"/>')
    for index, bar in enumerate(bars):
        x = left + slot * index + (slot - bar_width) / 2
        y = y_scale(max(bar.value, 0))
        bar_height = max(0.0, bottom - y)
        tooltip = bar.tooltip or f"{bar.label}: {format_number(bar.value)} {unit}".strip()
        parts.append(
            f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{bar_width:.1f}" height="{bar_height:.1f}">'
            f"<title>{escape(tooltip)}</title></rect>"
        )
        if (len(bars) - 1 - index) % label_every == 0:  # the latest category always gets its label
            parts.append(
                f'<text class="tick x-tick" x="{x + bar_width / 2:.1f}" y="{bottom + 18}" text-anchor="middle">'
                f"{escape(bar.label)}</text>"
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text above went through escape()
