"""What the browse page says about its data: how old, refreshing or not, and what went wrong."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from trendcache.web.pages.format import clock_time, parse_time, relative_age

FAST_POLL_SECONDS = 1
IDLE_POLL_SECONDS = 10


@dataclass(frozen=True)
class PageState:
    has_data: bool
    refreshing: bool  # a sync runs, or is queued and about to
    fetched_at: datetime | None
    age: str | None  # "3 minutes ago"
    notice: str | None  # plain words about an error or a pause
    poll_seconds: int

    @property
    def waiting(self) -> bool:
        return self.refreshing or not self.has_data


def wants_sync(document: dict[str, Any]) -> bool:
    """Stale or missing data, nobody syncing, no pause: the page should ask for a sync."""
    return bool(document["stale"] and not document["refreshing"] and not document["pausedUntil"])


def page_state(document: dict[str, Any], now: datetime, *, requested: bool) -> PageState:
    fetched_at = parse_time(document["fetchedAt"])
    has_data = fetched_at is not None
    # A sync asked for moments ago may still wait for a queue worker: show it as under way,
    # unless the last attempt failed (automatic retries then back off for a while).
    pending = wants_sync(document) and not document["error"]
    refreshing = bool(document["refreshing"] or requested or pending)
    age = relative_age(fetched_at, now) if fetched_at else None
    notice = _notice(document, age, now)
    fast = refreshing or not has_data or (document["stale"] and notice is None)
    return PageState(
        has_data=has_data,
        refreshing=refreshing,
        fetched_at=fetched_at,
        age=age,
        notice=notice,
        poll_seconds=FAST_POLL_SECONDS if fast else IDLE_POLL_SECONDS,
    )


def _notice(document: dict[str, Any], age: str | None, now: datetime) -> str | None:
    paused_until = parse_time(document["pausedUntil"])
    if paused_until is not None:
        reason = (document["pauseReason"] or "Spotify asked us to pause").rstrip(".")
        if "resumes" not in reason:
            reason = f"{reason}; syncing resumes at {clock_time(paused_until, now)}"
        return f"Showing data from {age}: {reason}" if age else f"No data yet: {reason}"
    error = document["error"]
    if error is None:
        return None
    if age is None:
        return f"The first sync failed: {error}. It will be tried again shortly."
    return f"Showing data from {age}: the last refresh failed ({error})"
