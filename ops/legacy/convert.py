"""Conversions of legacy values: ids, timestamps, dates, numbers, booleans, JSON."""

import datetime
import json
import math
import uuid

# Stable ids for rows the old app had no id for (sections, links, set values, block timestamps).
LEGACY_NAMESPACE = uuid.UUID("5b0e7c1e-3f7a-4c55-9a59-0d4c1f6a2b90")


def derived_uuid(*parts):
    return uuid.uuid5(LEGACY_NAMESPACE, "/".join(str(part) for part in parts))


def as_uuid(value):
    if value is None or value == "":
        return None
    try:
        return uuid.UUID(str(value).strip())
    except (ValueError, AttributeError):
        return None


def parse_timestamp(value, naive_zone):
    """Any legacy timestamp format → aware UTC datetime (None when empty or unreadable).

    Handles ``YYYY-MM-DD HH:MM:SS[.ffffff]``, the ``T`` form, a trailing ``Z``, offsets and plain
    dates; naive values are read in ``naive_zone``.
    """
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=naive_zone)
    return moment.astimezone(datetime.UTC)


def has_zone(value):
    """Whether a legacy timestamp says its own zone (a trailing Z or an offset)."""
    text = str(value).strip()
    if text.endswith(("Z", "z")):
        return True
    time_part = text[10:]
    return "+" in time_part or (time_part.count("-") > 0)


def parse_date(value):
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    try:
        return datetime.date.fromisoformat(text[:10])
    except ValueError:
        return None


def parse_number(value):
    """A finite float from a number or numeric text; raises ValueError with a reason otherwise."""
    if value is None:
        raise ValueError("no value")
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = str(value).strip()
        if not text:
            raise ValueError('empty value ("")')
        try:
            number = float(text.replace(",", "."))
        except ValueError:
            raise ValueError(f"value {text!r} is not a number") from None
    if not math.isfinite(number) or abs(number) > 1e12:
        raise ValueError(f"value {value!r} is not a finite number")
    return number


def as_bool(value, default=False):
    if value is None or value == "":
        return default
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "on"}
    return bool(value)


def as_int(value):
    if value is None or value == "":
        return None
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return None


def load_json(value):
    """Parse a JSON column; returns (data, problem)."""
    if value is None or value == "":
        return None, None
    if isinstance(value, dict | list):
        return value, None
    try:
        return json.loads(value), None
    except (TypeError, ValueError, RecursionError) as error:
        return None, f"unreadable JSON ({str(error)[:100]})"


def text(value, limit=None):
    # NUL cannot be stored in PostgreSQL text and is never meaningful in a name or a note.
    value = "" if value is None else str(value).replace("\x00", "")
    return value[:limit] if limit else value
