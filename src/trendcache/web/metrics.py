"""Prometheus metrics: read from the database at scrape time, so every process agrees.

Each app has its own registry (no module globals), and nothing is counted per request on
the hot read path: cache ages and sync outcomes come from the tables when scraped.
"""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client import CollectorRegistry, Counter, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

from trendcache.clock import utcnow
from trendcache.db import Database
from trendcache.pipeline.cache_reads import cached_keys, syncs_by_outcome


class CacheCollector(Collector):
    def __init__(self, database: Database) -> None:
        self.database = database

    def collect(self) -> Iterator[GaugeMetricFamily | CounterMetricFamily]:
        keys = cached_keys(self.database)
        runs = syncs_by_outcome(self.database)
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
        syncs = CounterMetricFamily(
            "trendcache_syncs",
            "Syncs recorded, by source and outcome.",
            labels=["source", "status"],
        )
        for (source, status), count in runs.items():
            syncs.add_metric([source, status], count)
        yield from (age, stale, failing, syncs)


class WebMetrics:
    def __init__(self, database: Database) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.registry.register(CacheCollector(database))
        self.snapshot_rebuilds = Counter(
            "trendcache_snapshot_rebuilds",
            "Rebuilds of the in-memory trending snapshots, by reason.",
            ["reason"],
            registry=self.registry,
        )
        self.rate_limited = Counter(
            "trendcache_api_rate_limited",
            "Requests to /api/spotify/trending refused with 429.",
            registry=self.registry,
        )

    def rebuilt(self, reason: str) -> None:
        self.snapshot_rebuilds.labels(reason).inc()

    def render(self) -> bytes:
        """The exposition text (blocking: reads the database)."""
        return generate_latest(self.registry)
