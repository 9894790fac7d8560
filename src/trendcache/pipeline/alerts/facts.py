"""What the alert conditions are decided from, read through the same domain reads the
metrics use, so an alert here and one in Prometheus see the same numbers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from trendcache.config import Settings
from trendcache.db import Database
from trendcache.pipeline.alerts.backlog import QueueSample, read_samples
from trendcache.pipeline.alerts.refusals import last_refusal
from trendcache.pipeline.cache_reads import CachedKey, cached_keys
from trendcache.pipeline.enrichment.queue_reads import QueueReading, read_queue
from trendcache.pipeline.heartbeats import read_heartbeats
from trendcache.pipeline.state import StateStore
from trendcache.pipeline.sync.run_reads import (
    BudgetUse,
    RunEnding,
    budget_use,
    last_successes,
    latest_endings,
    paused_until,
)

FAILURES_IN_A_ROW = 3  # TrendcacheSyncFailing: this many failed syncs, none ok between


@dataclass(frozen=True)
class Facts:
    now: datetime
    cache_duration_seconds: float
    cached: list[CachedKey]
    endings: dict[str, list[RunEnding]]  # each source's newest ended runs, newest first
    last_successes: dict[str, datetime]
    paused_until: dict[str, datetime | None]
    spotify_budget: BudgetUse
    queue: QueueReading
    queue_samples: list[QueueSample]  # the queue depth over the last minutes, oldest first
    newest_heartbeat: datetime | None  # None: no consumer ever beat
    # When MusicBrainz last answered 503 (any zone); None when never or not known.
    musicbrainz_last_503: datetime | None = field(default=None)


def read_facts(
    database: Database, settings: Settings, sources: Sequence[str], now: datetime
) -> Facts:
    beats = read_heartbeats(database)
    return Facts(
        now=now,
        cache_duration_seconds=settings.cache_duration_seconds,
        cached=cached_keys(database),
        endings=latest_endings(database, sources, FAILURES_IN_A_ROW),
        last_successes=last_successes(database),
        paused_until=paused_until(database, sources),
        spotify_budget=budget_use(database, "spotify", settings.spotify_daily_request_budget),
        queue=read_queue(database),
        queue_samples=read_samples(StateStore(database)),
        newest_heartbeat=max((beat.last_seen_at for beat in beats), default=None),
        musicbrainz_last_503=last_refusal(StateStore(database)),
    )
