"""Calendar periods in the user's zone: days, weeks (from the user's first weekday) and months.

Shared by the figures, the bucketing of long series and the chart axes, so that a week or a
month means the same thing on every chart, in the API and in the CSV files.
"""

import datetime

from goals.dates import safe_localtime

UTC = datetime.UTC
DAY, WEEK, MONTH, QUARTER, YEAR = "day", "week", "month", "quarter", "year"
PERIODS = (DAY, WEEK, MONTH, QUARTER, YEAR)


def local_day(moment, tz=None):
    return safe_localtime(moment, tz or UTC).date()


def day_start(day, tz=None):
    """The aware moment a local calendar day begins (zoneinfo gives that midnight's own offset)."""
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=tz or UTC)


def week_of(day, week_start=0):
    return day - datetime.timedelta(days=(day.weekday() - week_start) % 7)


def month_of(day):
    return day.replace(day=1)


def next_month(day):
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def period_start(day, period, week_start=0):
    if period == DAY:
        return day
    if period == WEEK:
        return week_of(day, week_start)
    if period == QUARTER:
        return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
    if period == YEAR:
        return day.replace(month=1, day=1)
    return month_of(day)


def period_after(start, period):
    if period == DAY:
        return start + datetime.timedelta(days=1)
    if period == WEEK:
        return start + datetime.timedelta(days=7)
    if period == QUARTER:
        return next_month(next_month(next_month(start)))
    if period == YEAR:
        return start.replace(year=start.year + 1)
    return next_month(start)


def periods_between(first, last, period, week_start=0):
    """Every period start from the one holding ``first`` to the one holding ``last``."""
    current = period_start(first, period, week_start)
    result = []
    while current <= last:
        result.append(current)
        current = period_after(current, period)
    return result


def period_for_span(first, last, max_count, finest=DAY):
    """The finest of day, week, month, quarter and year (from ``finest`` up) giving at most
    ``max_count`` periods over the span."""
    days = (last - first).days + 1
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    counts = {DAY: days, WEEK: days / 7 + 1, MONTH: months, QUARTER: months / 3 + 1, YEAR: last.year - first.year + 1}
    candidates = PERIODS[PERIODS.index(finest) :]
    return next((period for period in candidates if counts[period] <= max_count), YEAR)


def period_label(start, period):
    if period == YEAR:
        return f"{start:%Y}"
    if period == QUARTER:
        return f"Q{(start.month - 1) // 3 + 1} {start:%Y}"
    if period == MONTH:
        return f"{start:%b %Y}"
    return f"{start:%d %b %Y}"


def short_label(start, period, spans_years):
    """Tick text for a bar: the year only when the bars cross years."""
    if period in (YEAR, QUARTER):
        return period_label(start, period)
    if period == MONTH:
        return f"{start:%b %y}" if spans_years else f"{start:%b}"
    return f"{start:%d %b %y}" if spans_years else f"{start:%d %b}"
