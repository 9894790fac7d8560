"""Prometheus metrics: read from the database at scrape time, so every process agrees.

Each app has its own registry (no module globals). Cache ages, sync runs, pauses, the
budget, the enrichment queue, heartbeats and snapshot ages come from the tables when
scraped. What is counted as it happens (upstream requests, enrichment decisions, web
requests) each process adds up in its `Tally` and flushes into `metric_counters` every few
seconds; the scrape reads the sums of every process and host (`StoredCountsCollector`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from itertools import accumulate, product
from typing import get_args

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.registry import Collector

from trendcache.clock import utcnow
from trendcache.db import Database
from trendcache.health import Dependencies
from trendcache.pipeline.cache_reads import cached_keys
from trendcache.pipeline.counters import read_counts, snapshot_ages
from trendcache.pipeline.enrichment.queue_reads import read_queue
from trendcache.pipeline.enrichment.store import DECISIONS
from trendcache.pipeline.heartbeats import read_heartbeats
from trendcache.pipeline.sync.run_reads import (
    ENDED,
    active_pauses,
    budget_use,
    last_successes,
    run_durations,
    runs_by_outcome,
)
from trendcache.pipeline.sync.syncer import Trigger
from trendcache.tally import CounterDef, HistogramDef, Labels, Tally
from trendcache.upstream_metrics import DEFINITIONS as UPSTREAM
from trendcache.web.request_metrics import DEFINITIONS as HTTP
from trendcache.web.request_metrics import RATE_LIMITED, SNAPSHOT_REBUILDS

# Sync durations, in seconds: a healthy sync of a few markets takes seconds to a minute;
# the long tail is a sync waiting out Retry-After or the rate limit.
SYNC_DURATION_BUCKETS = (1.0, 5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0)


class CacheCollector(Collector):
    def __init__(self, database: Database) -> None:
        self.database = database

    def collect(self) -> Iterator[Metric]:
        keys = cached_keys(self.database)
        now = utcnow()
        age = GaugeMetricFamily(
            "trendcache_cache_age_seconds", "Seconds since a cache key was fetched.", labels=["key"]
        )
        stale = GaugeMetricFamily(
            "trendcache_cache_stale", "1 if a cache key is past its expiry.", labels=["key"]
        )
        failing = GaugeMetricFamily(
            "trendcache_cache_refresh_failing",
            "1 if the last refresh of a cache key failed and older data is served.",
            labels=["key"],
        )
        for cached in keys:
            age.add_metric([cached.key], (now - cached.fetched_at).total_seconds())
            stale.add_metric([cached.key], float(now >= cached.expires))
            failing.add_metric([cached.key], float(cached.failing))
        yield from (age, stale, failing)


class SyncCollector(Collector):
    """Sync runs, durations, last successes, pauses and the Spotify budget, per source."""

    def __init__(self, database: Database, sources: Sequence[str], spotify_budget: int) -> None:
        self.database = database
        self.sources = sources
        self.spotify_budget = spotify_budget

    def collect(self) -> Iterator[Metric]:
        runs = CounterMetricFamily(
            "trendcache_sync_runs",
            "Syncs that ended, by source, trigger and outcome.",
            labels=["source", "trigger", "status"],
        )
        # Every source, trigger and ending from 0, so a series exists before its first
        # run: Prometheus's increase() cannot see the first value of a new series, and the
        # first failure of an outage (or the first ok after it) would go unnoticed.
        counts = dict.fromkeys(product(self.sources, get_args(Trigger), ENDED), 0)
        counts.update(runs_by_outcome(self.database))
        for (source, trigger, status), count in sorted(counts.items()):
            runs.add_metric([source, trigger, status], count)
        last = GaugeMetricFamily(
            "trendcache_sync_last_success_timestamp_seconds",
            "When each source's newest fully successful sync finished (Unix time).",
            labels=["source"],
        )
        for source, finished in last_successes(self.database).items():
            last.add_metric([source], finished.timestamp())
        durations = HistogramMetricFamily(
            "trendcache_sync_duration_seconds",
            "How long finished syncs took, from start to their recorded outcome.",
            labels=["source"],
        )
        for source, summary in run_durations(self.database, SYNC_DURATION_BUCKETS).items():
            buckets = [(str(bound), float(n)) for bound, n in summary.within.items()]
            buckets.append(("+Inf", float(summary.count)))
            durations.add_metric([source], buckets, sum_value=summary.total)
        paused = GaugeMetricFamily(
            "trendcache_sync_paused_until_timestamp_seconds",
            "Until when no sync may call the source (quota, long Retry-After); 0 if not paused.",
            labels=["source"],
        )
        why = GaugeMetricFamily(
            "trendcache_sync_pause_info",
            "1 for each source paused now, with why (quota, retry_after or other).",
            labels=["source", "reason"],
        )
        for source, pause in active_pauses(self.database, self.sources).items():
            paused.add_metric([source], pause.until.timestamp() if pause else 0.0)
            if pause is not None:
                why.add_metric([source, pause.reason], 1.0)
        use = budget_use(self.database, "spotify", self.spotify_budget)
        budget = GaugeMetricFamily(
            "trendcache_spotify_budget_requests",
            "Spotify requests in the rolling 24 hours: used, and left of "
            "SPOTIFY_DAILY_REQUEST_BUDGET.",
            labels=["state"],
        )
        budget.add_metric(["used"], use.used)
        budget.add_metric(["left"], use.left)
        yield from (runs, last, durations, paused, why, budget)


class EnrichmentCollector(Collector):
    """The enrichment queue: albums by status and level, what is due, the oldest wait."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def collect(self) -> Iterator[Metric]:
        queue = read_queue(self.database)
        albums = GaugeMetricFamily(
            "trendcache_enrichment_albums",
            "Albums by enrichment status, and level where matched (release, release_group).",
            labels=["status", "level"],
        )
        for (status, level), count in sorted(queue.albums.items()):
            albums.add_metric([status, level], count)
        yield albums
        yield GaugeMetricFamily(
            "trendcache_enrichment_due_albums",
            "Albums due for a MusicBrainz lookup now (the queue depth).",
            value=queue.due,
        )
        yield GaugeMetricFamily(
            "trendcache_enrichment_oldest_due_seconds",
            "How long the longest-waiting due album has been due; 0 when none is.",
            value=queue.oldest_due_seconds(utcnow()),
        )


class HeartbeatCollector(Collector):
    """When each queue consumer (`trendcache worker`, or inside `serve`) last beat."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def collect(self) -> Iterator[Metric]:
        seen = GaugeMetricFamily(
            "trendcache_worker_last_seen_timestamp_seconds",
            "When each queue consumer last recorded its heartbeat (Unix time).",
            labels=["worker", "role"],
        )
        for beat in read_heartbeats(self.database):
            seen.add_metric([beat.worker, beat.role], beat.last_seen_at.timestamp())
        yield seen


STORED: tuple[CounterDef | HistogramDef, ...] = (*UPSTREAM, DECISIONS, *HTTP)


class StoredCountsCollector(Collector):
    """The counters every process flushes into `metric_counters`, summed, as families."""

    def __init__(
        self, database: Database, definitions: Sequence[CounterDef | HistogramDef] = STORED
    ) -> None:
        self.database = database
        self.definitions = definitions

    def collect(self) -> Iterator[Metric]:
        stored: dict[str, dict[Labels, float]] = {}
        for count in read_counts(self.database):
            stored.setdefault(count.name, {})[count.labels] = count.value
        for definition in self.definitions:
            if isinstance(definition, CounterDef):
                yield _counter(definition, stored.get(definition.name, {}))
            else:
                yield _histogram(definition, stored)


def _counter(definition: CounterDef, values: dict[Labels, float]) -> Metric:
    family = CounterMetricFamily(
        definition.name.removesuffix("_total"), definition.help, labels=definition.labels
    )
    shown = {
        tuple(v for _, v in labels): value
        for labels, value in values.items()
        if _names(labels) == definition.labels  # rows of another version's labels: skipped
    }
    for initial in definition.initial:
        shown.setdefault(initial, 0.0)
    for label_values, value in sorted(shown.items()):
        family.add_metric(list(label_values), value)
    return family


def _histogram(definition: HistogramDef, stored: dict[str, dict[Labels, float]]) -> Metric:
    """Cumulative buckets from the per-bucket counts, every bound shown."""
    family = HistogramMetricFamily(definition.name, definition.help, labels=definition.labels)
    sums = stored.get(f"{definition.name}_sum", {})
    per_bucket: dict[Labels, dict[str, float]] = {}
    for labels, value in stored.get(f"{definition.name}_bucket", {}).items():
        series, (le, bound) = labels[:-1], labels[-1]  # `le` is the last label
        if le == "le" and _names(series) == definition.labels:
            per_bucket.setdefault(series, {})[bound] = value
    for series, counts in sorted(per_bucket.items()):
        cumulative = accumulate(counts.get(bound, 0.0) for bound in definition.bounds)
        buckets = list(zip(definition.bounds, cumulative, strict=True))
        family.add_metric([v for _, v in series], buckets, sum_value=sums.get(series, 0.0))
    return family


def _names(labels: Labels) -> tuple[str, ...]:
    return tuple(name for name, _ in labels)


class SnapshotCollector(Collector):
    """How old each live web process's in-memory snapshots are (`web_snapshots`)."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def collect(self) -> Iterator[Metric]:
        age = GaugeMetricFamily(
            "trendcache_snapshot_age_seconds",
            "Seconds since a web process's in-memory trending snapshots were last known "
            "current (rebuilt, or checked unchanged against the database).",
            labels=["process"],
        )
        for process, seconds in snapshot_ages(self.database).items():
            age.add_metric([process], seconds)
        yield age


class HealthCollector(Collector):
    """What `/healthz` checks, as seen by the scraped process: 1 well, 0 failing."""

    def __init__(self, health: Dependencies, snapshots_built: Callable[[], bool]) -> None:
        self.health = health
        self.snapshots_built = snapshots_built

    def describe(self) -> Iterator[Metric]:
        """What `collect` yields, without checking anything (the registry asks at start)."""
        yield self._family()

    def _family(self) -> GaugeMetricFamily:
        return GaugeMetricFamily(
            "trendcache_health_ok",
            "1 while a dependency /healthz checks is well (database, redis, queue, the "
            "snapshots built), 0 while it fails.",
            labels=["dependency"],
        )

    def collect(self) -> Iterator[Metric]:
        ok = self._family()
        for name, check in self.health.check().items():
            ok.add_metric([name], float(check.ok))
        ok.add_metric(["snapshots"], float(self.snapshots_built()))
        yield ok


class WebMetrics:
    def __init__(
        self,
        database: Database,
        *,
        sources: Sequence[str] = (),
        spotify_budget: int = 0,
        health: Dependencies | None = None,
        snapshots_built: Callable[[], bool] = lambda: True,
        tally: Tally | None = None,
    ) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.registry.register(CacheCollector(database))
        self.registry.register(SyncCollector(database, sources, spotify_budget))
        self.registry.register(EnrichmentCollector(database))
        self.registry.register(HeartbeatCollector(database))
        self.registry.register(StoredCountsCollector(database))
        self.registry.register(SnapshotCollector(database))
        if health is not None:
            self.registry.register(HealthCollector(health, snapshots_built))
        self.tally = tally or Tally()  # counts into the shared table once flushed

    def rebuilt(self, reason: str) -> None:
        self.tally.inc(SNAPSHOT_REBUILDS, reason)

    def rate_limited(self) -> None:
        self.tally.inc(RATE_LIMITED)

    def render(self) -> bytes:
        """The exposition text (blocking: reads the database)."""
        return generate_latest(self.registry)
