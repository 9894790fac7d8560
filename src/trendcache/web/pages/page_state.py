"""What the browse page says about its data: how old, refreshing or not, what went wrong,
and how far MusicBrainz matching has got."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from trendcache.web.enrichment_view import EnrichmentActivity, enriching
from trendcache.web.pages.format import clock_time, parse_time, relative_age

# While a sync runs or is about to, or MusicBrainz matches for the page's albums may land
# (about one matching step a second, MusicBrainz's pace): the fragment is served from memory.
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


@dataclass(frozen=True)
class EnrichmentProgress:
    """The page's albums on MusicBrainz: decided (`done`) of `total`, and what is left."""

    total: int
    done: int  # matched, needs review or not in MusicBrainz
    matched: int
    group_only: int  # of the matched: the release group known, its release not
    pending: int  # not tried yet, or to be tried again after an error
    needs_review: int
    disabled: str | None  # why matching is off, in plain words
    active: bool  # matches may land soon: poll faster

    @property
    def shown(self) -> bool:
        return self.total > 0 or self.disabled is not None


def enrichment_progress(
    document: dict[str, Any], activity: EnrichmentActivity | None
) -> EnrichmentProgress:
    summary: dict[str, int] = document["enrichment"]
    return EnrichmentProgress(
        total=summary["total"],
        done=summary["matched"] + summary["needs_review"] + summary["no_match"],
        matched=summary["matched"],
        group_only=summary.get("matched_release_group", 0),
        pending=summary["pending"] + summary["error"],
        needs_review=summary["needs_review"],
        disabled=activity.disabled if activity else None,
        active=enriching(activity, summary),
    )


def page_state(
    document: dict[str, Any],
    now: datetime,
    *,
    requested: bool,
    enriching: bool = False,
    outage: str | None = None,
) -> PageState:
    """`outage`: a dependency known to be down or read-only (`Dependencies.outage()`); no
    sync can land then, so the page says why instead of showing one under way."""
    fetched_at = parse_time(document["fetchedAt"])
    has_data = fetched_at is not None
    # A sync asked for moments ago may still wait for a queue worker: show it as under way,
    # unless the last attempt failed (automatic retries then back off for a while).
    pending = wants_sync(document) and not document["error"]
    refreshing = bool(document["refreshing"] or requested or pending) and outage is None
    age = relative_age(fetched_at, now) if fetched_at else None
    notice = _outage_notice(outage, age) if outage else _notice(document, age, now)
    fast = refreshing or not has_data or (document["stale"] and notice is None)
    return PageState(
        has_data=has_data,
        refreshing=refreshing,
        fetched_at=fetched_at,
        age=age,
        notice=notice,
        poll_seconds=FAST_POLL_SECONDS if fast or enriching else IDLE_POLL_SECONDS,
    )


def _outage_notice(outage: str, age: str | None) -> str:
    cannot = "No new data can be fetched or stored until it is back"
    if age is None:
        return f"No data yet: {outage} {cannot}."
    return f"Showing data from {age}: {outage} {cannot}."


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
