"""Calendar periods in the user's zone: days, weeks (from the user's first weekday) and months.

Shared by the figures, the bucketing of long series and the chart axes, so that a week or a
month means the same thing on every chart, in the API and in the CSV files.
"""

import datetime

UTC = datetime.UTC
DAY, WEEK, MONTH = "day", "week", "month"
PERIODS = (DAY, WEEK, MONTH)


def local_day(moment, tz=None):
    return moment.astimezone(tz or UTC).date()


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
    return month_of(day)


def period_after(start, period):
    if period == DAY:
        return start + datetime.timedelta(days=1)
    if period == WEEK:
        return start + datetime.timedelta(days=7)
    return next_month(start)


def periods_between(first, last, period, week_start=0):
    """Every period start from the one holding ``first`` to the one holding ``last``."""
    current = period_start(first, period, week_start)
    result = []
    while current <= last:
        result.append(current)
        current = period_after(current, period)
    return result


def period_for_span(first, last, max_count):
    """The finest of day, week and month giving at most ``max_count`` periods over the span."""
    days = (last - first).days + 1
    if days <= max_count:
        return DAY
    if days / 7 <= max_count - 1:
        return WEEK
    return MONTH


def period_label(start, period):
    if period == MONTH:
        return f"{start:%b %Y}"
    return f"{start:%d %b %Y}"


def short_label(start, period, spans_years):
    """Tick text for a bar: the year only when the bars cross years."""
    if period == MONTH:
        return f"{start:%b %y}" if spans_years else f"{start:%b}"
    return f"{start:%d %b %y}" if spans_years else f"{start:%d %b}"
