"""Server-side SVG charts: series in, a self-contained ``<svg>`` out (no script, no network).

A line chart over time (points with tooltips), a step chart of records over time, bar charts
over labelled categories and a calendar heatmap. Every text that reaches the SVG is escaped here.
"""

import datetime
import math
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import mark_safe

from goals.dates import safe_localtime, shift_day

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


def _calendar_steps():
    """Candidate tick steps, finest first: (kind, size) in days or months."""
    return [
        ("day", 1),
        ("day", 2),
        ("day", 7),
        ("day", 14),
        ("month", 1),
        ("month", 2),
        ("month", 3),
        ("month", 6),
        ("month", 12),
        ("month", 24),
        ("month", 60),
        ("month", 120),
    ]


def time_ticks(first, last, tz=None, max_ticks=7):
    """Ticks on calendar boundaries (local midnights, first days of months or years) between
    ``first`` and ``last``, and a label format fit for the span, so no two labels repeat.

    Returns ``[(moment, label), ...]``; a span within one day gets that day alone.
    """
    tz = tz or datetime.UTC
    first_day = safe_localtime(first, tz).date()
    last_day = safe_localtime(last, tz).date()
    if first_day == last_day:
        return [(first + (last - first) / 2, f"{first_day:%d %b %Y}")]
    spans_years = first_day.year != last_day.year
    for kind, size in _calendar_steps():
        if kind == "day":
            if (last_day - first_day).days / size > max_ticks:
                continue
            count = (last_day - first_day).days
            days = [first_day + datetime.timedelta(days=offset) for offset in range(1, count + 1, size)]
            if not days:
                continue
            fmt = "%d %b %y" if spans_years else "%d %b"
        else:
            months = (last_day.year - first_day.year) * 12 + last_day.month - first_day.month
            if months / size > max_ticks:
                continue
            days = []
            year, month = first_day.year, first_day.month
            while True:
                month += 1
                if month > 12:
                    year, month = year + 1, 1
                candidate = datetime.date(year, month, 1)
                if candidate > last_day:
                    break
                if ((year * 12 + month - 1) % size) == 0:
                    days.append(candidate)
            if not days:
                continue
            if size >= 12:
                fmt = "%Y"
            else:
                fmt = "%b %Y" if spans_years else "%b"
        moments = [datetime.datetime.combine(day, datetime.time.min, tzinfo=tz) for day in days]
        return [(moment, moment.strftime(fmt)) for moment in moments if first <= moment <= last]
    return [(first, f"{first_day:%Y}"), (last, f"{last_day:%Y}")]


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


def _time_axis(parts, x_scale, first, last, tz, left, right, bottom):
    """The x axis of a chart over time: its line, and calendar ticks in the user's zone."""
    parts.append(f'<line class="axis" x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}"/>')
    for moment, label in time_ticks(first, last, tz):
        x = x_scale(moment.timestamp())
        parts.append(f'<line class="tick-mark" x1="{x:.1f}" y1="{bottom}" x2="{x:.1f}" y2="{bottom + 4}"/>')
        parts.append(
            f'<text class="tick x-tick" x="{x:.1f}" y="{bottom + 18}" text-anchor="middle">{escape(label)}</text>'
        )


def _empty(title, css_class, message, width):
    parts = _svg_open(title, f"{css_class} chart-empty", width=width, height=80)
    parts.append(f'<text class="empty" x="{width / 2}" y="44" text-anchor="middle">{escape(message)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text above went through escape()


def line_chart(series, *, title, unit="", empty_message="No values recorded yet.", width=WIDTH, height=HEIGHT, tz=None):
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
    _time_axis(parts, x_scale, first, last, tz, left, right, bottom)
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


def step_chart(
    series, *, title, unit="", empty_message="No records yet.", width=WIDTH, height=HEIGHT, tz=None, until=None
):
    """A record over time: each series holds its value until the next point raises (or lowers)
    it, drawn as steps; every point is marked (the first, the baseline, hollow) with a tooltip,
    and the last value runs on to ``until`` (e.g. now) when that is later."""
    series = [item for item in series if item.points]
    if not series:
        return _empty(title, "step-chart", empty_message, width)
    xs = [point.x for item in series for point in item.points]
    ys = [point.y for item in series for point in item.points]
    first, last = min(xs), max(xs + ([until] if until is not None else []))
    if first == last:
        first, last = shift_day(first, -1), shift_day(last, 1)
    ticks = nice_ticks(min(ys), max(ys))
    left, right = MARGIN_LEFT, width - MARGIN_RIGHT
    top, bottom = MARGIN_TOP, height - MARGIN_BOTTOM
    x_scale = LinearScale(first.timestamp(), last.timestamp(), left + 8, right - 8)
    y_scale = LinearScale(ticks[0], ticks[-1], bottom, top)

    parts = _svg_open(title, "step-chart", width, height)
    _y_axis(parts, y_scale, ticks, unit, left, right)
    _time_axis(parts, x_scale, first, last, tz, left, right, bottom)
    for item in series:
        css = escape(item.css_class)
        coordinates = [(x_scale(point.x.timestamp()), y_scale(point.y), point) for point in item.points]
        path = []
        for index, (x, y, _) in enumerate(coordinates):
            if index:
                path.append(f"{x:.1f},{coordinates[index - 1][1]:.1f}")  # held until this record
            path.append(f"{x:.1f},{y:.1f}")
        end_x = x_scale(last.timestamp())
        if end_x > coordinates[-1][0]:
            path.append(f"{end_x:.1f},{coordinates[-1][1]:.1f}")
        parts.append(f'<g class="series {css}" data-series="{escape(item.name)}">')
        parts.append(f'<polyline class="line step" points="{" ".join(path)}"/>')
        for index, (x, y, point) in enumerate(coordinates):
            tooltip = point.tooltip or f"{item.name}: {format_number(point.y)} {unit}".strip()
            kind = "point baseline" if index == 0 else "point record"
            parts.append(
                f'<circle class="{kind}" cx="{x:.1f}" cy="{y:.1f}" r="4"><title>{escape(tooltip)}</title></circle>'
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


def hbar_chart(bars, *, title, unit="", empty_message="Nothing to show yet.", width=WIDTH, indent=None):
    """Horizontal bars, one row per labelled category (long names fit); ``indent`` gives each
    bar's depth for a tree (time per goal)."""
    if not bars:
        return _empty(title, "hbar-chart", empty_message, width)
    row, label_width = 22, 250
    height = MARGIN_TOP + row * len(bars) + 8
    high = max(bar.value for bar in bars) or 1
    left, right = label_width + 8, width - 90
    parts = _svg_open(title, "hbar-chart", width, height)
    for index, bar in enumerate(bars):
        y = MARGIN_TOP + row * index
        depth = indent[index] if indent else 0
        label = bar.label if len(bar.label) <= 34 - 2 * depth else bar.label[: 33 - 2 * depth] + "…"
        length = max(1.0, (right - left) * max(bar.value, 0) / high) if bar.value else 0.0
        tooltip = bar.tooltip or f"{bar.label}: {format_number(bar.value)} {unit}".strip()
        parts.append(
            f'<text class="tick" x="{8 + 12 * depth}" y="{y + 14}">{escape(label)}'
            f"<title>{escape(bar.label)}</title></text>"
            f'<rect class="bar" x="{left}" y="{y + 3}" width="{length:.1f}" height="{row - 6}">'
            f"<title>{escape(tooltip)}</title></rect>"
            f'<text class="tick value" x="{left + length + 6:.1f}" y="{y + 14}">'
            f"{escape(format_number(bar.value))} {escape(unit)}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text above went through escape()


HEAT_CELL = 13


def heatmap_chart(calendar, *, title, link_for, week_start=0):
    """A practice calendar: one column per week, one row per weekday (row 0 is the user's first
    weekday), a cell per day shaded by minutes; a day with practice links to its sessions, so the
    calendar works without JavaScript."""
    days = calendar["days"]
    first = calendar["first_day"]
    columns = (len(days) + 6) // 7
    left, top = 30, 18
    width = left + columns * HEAT_CELL + 4
    height = top + 7 * HEAT_CELL + 28
    busiest = max((day["seconds"] for day in days), default=0)
    parts = _svg_open(title, "heatmap", width, height)
    for row in (1, 3, 5):
        weekday = (first + datetime.timedelta(days=row)).strftime("%a")
        parts.append(f'<text class="tick" x="0" y="{top + row * HEAT_CELL + 10}">{weekday}</text>')
    previous_month = None
    for day in days:
        offset = (day["date"] - first).days
        column, row = divmod(offset, 7)
        x, y = left + column * HEAT_CELL, top + row * HEAT_CELL
        if row == 0 or day["date"].day == 1:
            month = (day["date"].year, day["date"].month)
            if month != previous_month and day["date"].day <= 7 and column < columns - 1:
                fmt = "%b %y" if previous_month is None or day["date"].month == 1 else "%b"
                parts.append(f'<text class="tick" x="{x}" y="{top - 6}">{day["date"]:{fmt}}</text>')
            previous_month = month
        level = 0 if not day["seconds"] else max(1, math.ceil(4 * day["seconds"] / busiest))
        cell = f'<rect class="h{level}" x="{x}" y="{y}" width="11" height="11" data-date="{day["date"]:%Y-%m-%d}"'
        if day["sessions"]:
            tooltip = f"{day['date']:%a %d %b %Y}: {format_number(day['minutes'])} min, {day['sessions']} session(s)"
            parts.append(
                f'<a href="{escape(link_for(day["date"]))}">{cell}><title>{escape(tooltip)}</title></rect></a>'
            )
        else:
            parts.append(f"{cell}/>")  # an empty day: its date is in data-date, no tooltip to send
    legend_y = top + 7 * HEAT_CELL + 10
    parts.append(f'<text class="tick" x="{left}" y="{legend_y + 10}">Less</text>')
    for level in range(5):
        parts.append(
            f'<rect class="h{level}" x="{left + 30 + level * HEAT_CELL}" y="{legend_y}" width="11" height="11"/>'
        )
    parts.append(f'<text class="tick" x="{left + 34 + 5 * HEAT_CELL}" y="{legend_y + 10}">More</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text above went through escape() or is a date
