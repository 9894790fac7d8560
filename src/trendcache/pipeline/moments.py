"""RFC 3339 dates and date-times: what `since` and `until` accept, exactly as documented.

The OpenAPI document declares these parameters as JSON Schema `format: date` or
`format: date-time` (`MOMENT_SCHEMA`), which mean RFC 3339's `full-date` (2026-11-20) and
`date-time` (2026-11-20T06:00:00Z, 2026-11-20T08:00:00.5+02:00: a time always has its offset).
`parse_moment` accepts exactly those (up to 64 characters), so a value the document calls
valid is never refused and one it calls invalid is never taken. Python's `fromisoformat`
would not do: it takes more (`20261120`, no offset, a space for the `T`) and less (year 0, a
leap second, a lower-case `t`).

A moment outside what Python can hold (year 0, or an offset that carries 0001-01-01 or
9999-12-31 past the edge) is the earliest or latest moment there is: to a window the two mean
the same. A leap second (23:59:60 UTC, the only one RFC 3339 admits) is the last microsecond
of its minute.
"""

from __future__ import annotations

import calendar
import re
from datetime import UTC, datetime, timedelta
from typing import Any

EARLIEST = datetime.min.replace(tzinfo=UTC)
LATEST = datetime.max.replace(tzinfo=UTC)
EXAMPLES = "e.g. 2026-11-20 or 2026-11-20T06:00:00Z"
MAX_LENGTH = 64
# RFC 3339 section 5.6; `T` and `Z` may be lower case (its section 5.6 note).
_DATE = r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})"
_TIME = (
    r"(?P<hour>\d{2}):(?P<minute>\d{2}):(?P<second>\d{2})(?:\.(?P<fraction>\d+))?"
    r"(?:(?P<utc>[Zz])|(?P<sign>[+-])(?P<offset_hour>\d{2}):(?P<offset_minute>\d{2}))"
)
_MOMENT = re.compile(rf"{_DATE}(?:[Tt]{_TIME})?", re.ASCII)

# The OpenAPI schema of a parameter `parse_moment` reads.
MOMENT_SCHEMA: dict[str, Any] = {
    "anyOf": [
        {"type": "string", "format": "date"},
        {"type": "string", "format": "date-time", "maxLength": MAX_LENGTH},
    ]
}


class MomentError(ValueError):
    """Not an RFC 3339 date or date-time; the message names the parameter and says why."""


def parse_moment(name: str, value: str, *, end: bool = False) -> datetime:
    """`value` as an aware UTC datetime. A date is its day's first moment, or with `end` its
    last (so `until=<date>` can include that whole day)."""
    found = _MOMENT.fullmatch(value) if len(value) <= MAX_LENGTH else None
    if found is None:
        raise MomentError(
            f"{name}: {value!r} is not an RFC 3339 date or date-time ({EXAMPLES}; "
            "a time needs its offset)"
        )
    year, month, day = int(found["year"]), int(found["month"]), int(found["day"])
    if not 1 <= month <= 12 or not 1 <= day <= _days_in(year, month):
        raise MomentError(f"{name}: {value!r} is not a day of the calendar")
    if found["hour"] is None:
        return _day_edge(year, month, day, end)
    return _shift(year, month, day, _utc_time_of_day(name, value, found))


def _utc_time_of_day(name: str, value: str, found: re.Match[str]) -> timedelta:
    """The time after the date's midnight UTC (negative or past a day with its offset)."""
    hour, minute, second = int(found["hour"]), int(found["minute"]), int(found["second"])
    offset_hour, offset_minute = int(found["offset_hour"] or 0), int(found["offset_minute"] or 0)
    if hour > 23 or minute > 59 or second > 60 or offset_hour > 23 or offset_minute > 59:
        raise MomentError(f"{name}: {value!r} is not a time of day")
    offset = timedelta(hours=offset_hour, minutes=offset_minute)
    if found["sign"] == "-":
        offset = -offset
    utc_time = timedelta(hours=hour, minutes=minute, seconds=min(second, 59)) - offset
    if second == 60:
        if utc_time % timedelta(days=1) != timedelta(hours=23, minutes=59, seconds=59):
            raise MomentError(f"{name}: {value!r} has a leap second not at 23:59:60 UTC")
        return utc_time + timedelta(microseconds=999_999)
    return utc_time + timedelta(microseconds=int((found["fraction"] or "0")[:6].ljust(6, "0")))


def _days_in(year: int, month: int) -> int:
    if month == 2:
        return 29 if calendar.isleap(year) else 28  # isleap is arithmetic: year 0 is leap
    return 30 if month in (4, 6, 9, 11) else 31


def _day_edge(year: int, month: int, day: int, end: bool) -> datetime:
    return _shift(year, month, day, timedelta(days=1, microseconds=-1) if end else timedelta())


def _shift(year: int, month: int, day: int, since_midnight: timedelta) -> datetime:
    """Midnight UTC of the day plus `since_midnight`, held at the edges of what fits."""
    if year == 0:  # not a Python date (a leap year): count back from 0001-01-01
        day_of_year = sum(_days_in(0, earlier) for earlier in range(1, month)) + day
        since_midnight -= timedelta(days=367 - day_of_year)
        year, month, day = 1, 1, 1
    try:
        return datetime(year, month, day, tzinfo=UTC) + since_midnight
    except OverflowError:
        return EARLIEST if since_midnight < timedelta() else LATEST
