"""How the browse page words times, counts and dates (Jinja filters and plain functions)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from jinja2 import Environment

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def parse_time(value: str | datetime | None) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(value)


def relative_age(then: datetime, now: datetime) -> str:
    """'3 minutes ago', as a person would say it."""
    seconds = max(0, int((now - then).total_seconds()))
    if seconds < 45:
        return "just now"
    unit, size = next(
        ((unit, size) for unit, size in (("day", 86400), ("hour", 3600)) if seconds >= size * 0.9),
        ("minute", 60),
    )
    count = max(1, round(seconds / size))
    return f"{count} {unit}{'s' if count != 1 else ''} ago"


def exact_time(value: str | datetime | None) -> str:
    moment = parse_time(value)
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC") if moment else ""


def clock_time(moment: datetime, now: datetime) -> str:
    """'14:05 UTC' today, '3 Mar 14:05 UTC' on another day."""
    moment = moment.astimezone(UTC)
    day = "" if moment.date() == now.astimezone(UTC).date() else f"{moment.day} {_month(moment)} "
    return f"{day}{moment:%H:%M} UTC"


def release_date(value: str, precision: str) -> str:
    """Spotify's release date at its own precision: '2026', 'Mar 2026' or '3 Mar 2026'."""
    try:
        if precision == "year":
            return value[:4]
        if precision == "month":
            parsed = date.fromisoformat(f"{value[:7]}-01")
            return f"{_month(parsed)} {parsed.year}"
        parsed = date.fromisoformat(value)
    except ValueError:
        return value
    return f"{parsed.day} {_month(parsed)} {parsed.year}"


def compact_number(value: int | None) -> str:
    if value is None:
        return ""
    for suffix, size in (("B", 1e9), ("M", 1e6), ("K", 1e3)):
        if value >= size:
            shown = f"{value / size:.1f}".removesuffix(".0")
            return f"{shown}{suffix}"
    return str(value)


def web_url(value: str | None) -> str | None:
    """Only http(s) links from upstream data make it into an href or src."""
    if value and value.lower().startswith(("https://", "http://")):
        return value
    return None


MATCH_METHODS = {
    "url": "Spotify link",
    "barcode": "barcode",
    "isrc": "track ISRCs",
    "fuzzy": "title and artist",
}


def match_title(match: dict[str, Any] | None) -> str:
    """A badge's tooltip: 'Matched by barcode, confidence 0.97'."""
    match = match or {}
    status = match.get("status")
    if status == "matched":
        method = MATCH_METHODS.get(match.get("method") or "", match.get("method") or "")
        how = f" by {method}" if method else ""
        confidence = match.get("confidence")
        sure = f", confidence {confidence:.2f}" if confidence is not None else ""
        if match.get("level") == "release_group":
            return (
                f"Release group matched{how}{sure}; this very release (pressing, country, "
                "barcode) is not on MusicBrainz or cannot be told apart from another"
            )
        return f"Matched{how}{sure}"
    if status == "needs_review":
        return "Several MusicBrainz releases fit equally well, so none was picked"
    if status == "no_match":
        return "Not found on MusicBrainz; it will be looked for again later"
    if status == "error":
        return "MusicBrainz could not be asked; it will be tried again shortly"
    return "Not looked up on MusicBrainz yet"


def _month(moment: date) -> str:
    return MONTHS[moment.month - 1]


def install(env: Environment) -> None:
    env.filters.update(
        exact_time=exact_time,
        release_date=release_date,
        compact_number=compact_number,
        web_url=web_url,
        match_title=match_title,
    )
