"""One range and one format for every date the app accepts, from pages, the API, filters,
query parameters, imports and the models themselves.

Years outside 1900–2200 are never practice data; refusing them keeps every date arithmetic
(a day before or after, a local time zone, a timestamp) far from ``date.min``/``date.max``.
Input is ISO 8601 only (``YYYY-MM-DD``; datetimes ``YYYY-MM-DDTHH:MM[:SS][±HH:MM]``), the format
the API has always spoken, so ``12/01/2026`` is never read as December by one and refused by
the other.
"""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

MIN_YEAR = 1900
MAX_YEAR = 2200
RANGE_MESSAGE = f"Enter a date between the years {MIN_YEAR} and {MAX_YEAR}."
ISO_DATE_MESSAGE = "Enter a date as YYYY-MM-DD (for example 2026-01-31)."
ISO_DATETIME_MESSAGE = "Enter a date and time as YYYY-MM-DDTHH:MM (for example 2026-01-31T18:30)."


def is_sane(value):
    """True for a date/datetime within the accepted years (None and other values pass)."""
    if isinstance(value, datetime.datetime | datetime.date):
        return MIN_YEAR <= value.year <= MAX_YEAR
    return True


def validate_sane_date(value):
    """Django validator (models, forms, serializers): refuse dates outside the accepted years."""
    if not is_sane(value):
        raise ValidationError(RANGE_MESSAGE, code="date_out_of_range")


def shift_day(day, days):
    """``day`` moved by ``days``, clamped to the calendar's ends instead of overflowing."""
    try:
        return day + datetime.timedelta(days=days)
    except OverflowError:
        end = type(day).max if days > 0 else type(day).min
        if isinstance(day, datetime.datetime):
            end = end.replace(tzinfo=day.tzinfo)
        return end


class IsoDateField(forms.DateField):
    """A form date: ISO only, within the accepted years."""

    input_formats = ["%Y-%m-%d"]
    default_error_messages = {"invalid": ISO_DATE_MESSAGE}
    default_validators = [validate_sane_date]


class IsoDateTimeField(forms.DateTimeField):
    """A form date and time: ISO only (``T`` or a space between), within the accepted years."""

    # parse_datetime (ISO 8601) runs first; no locale formats after it.
    input_formats = []
    default_error_messages = {"invalid": ISO_DATETIME_MESSAGE}
    default_validators = [validate_sane_date]


def safe_localtime(moment, tz=None):
    """``timezone.localtime`` that keeps the stored time when the shift would leave the calendar
    (a row of year 1 shown in a zone west of UTC)."""
    try:
        return timezone.localtime(moment, tz)
    except OverflowError:
        return moment
