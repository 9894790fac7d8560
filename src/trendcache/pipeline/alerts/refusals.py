"""When MusicBrainz last refused us (503), for TrendcacheMusicBrainzRateLimited.

The refusals are a counter every process adds to (`trendcache_musicbrainz_rate_limited_total`
in `metric_counters`), which says how many, not when. Each check compares the total with
the one it remembered in the state table (`alerts.musicbrainz_refusals`) and, when it grew,
records that moment. A total found on the very first check is history: its time is unknown,
so it does not start an alert.
"""

from __future__ import annotations

from datetime import datetime

from trendcache.db import Database
from trendcache.pipeline.counters import read_counts
from trendcache.pipeline.state import StateStore

REFUSALS_KEY = "alerts.musicbrainz_refusals"
COUNTER = "trendcache_musicbrainz_rate_limited_total"


def refusals_total(database: Database) -> float:
    """MusicBrainz's 503s (any zone) counted by every process so far."""
    return sum(count.value for count in read_counts(database) if count.name == COUNTER)


def last_refusal(state: StateStore) -> datetime | None:
    """When the total last grew, as seen by a check; None if never seen to."""
    at = (state.get(REFUSALS_KEY) or {}).get("at")
    return datetime.fromisoformat(at) if at else None


def note_refusals(state: StateStore, total: float, now: datetime) -> None:
    """Remember `total`, and `now` as the last refusal if it grew since the last check."""
    known = state.get(REFUSALS_KEY)
    if known is not None and total <= float(known.get("total", 0.0)):
        return
    state.set(REFUSALS_KEY, {"total": total, "at": now.isoformat() if known is not None else None})
