"""Computed trending statistics kept in memory, per process.

The statistics change only when a snapshot lands (a sync) or an enrichment decision does,
so each request first reads both stamps (two index probes: the newest snapshot id and the
latest enrichment update) and, while they are unchanged, answers from memory. A changed
stamp empties the cache.

A window ending "now" moves with the clock even when no data lands (its start slides, so
old albums leave it), so such entries also expire after `relative_ttl` seconds.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from sqlalchemy.exc import SQLAlchemyError

from trendcache.db import Database
from trendcache.pipeline.stats.compute import compute_stats
from trendcache.pipeline.stats.memory import StatsMemory
from trendcache.pipeline.stats.queries import Stamp, read_stamp
from trendcache.pipeline.stats.results import TrendingStats
from trendcache.pipeline.stats.window import StatsWindow, make_window

DEFAULT_SIZE = 64
RELATIVE_TTL_SECONDS = 60.0

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Entry:
    stats: TrendingStats
    expires: float | None  # monotonic seconds; None: until the stamp moves


class StatsCache:
    """Statistics by window, valid while the data's stamp stays the same (LRU, bounded)."""

    def __init__(
        self,
        database: Database,
        *,
        size: int = DEFAULT_SIZE,
        relative_ttl: float = RELATIVE_TTL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.database = database
        self.size = size
        self.relative_ttl = relative_ttl
        self.clock = clock
        self.computed = 0  # how many times statistics were computed (not served from memory)
        self.memory = StatsMemory()  # kept between computations
        self._lock = threading.Lock()
        self._stamp: Stamp | None = None
        self._entries: OrderedDict[Hashable, _Entry] = OrderedDict()

    def warm(self) -> None:
        """Mirror every album's facts, and compute the default window once (its statements
        compiled, the newest listings kept), so that no request waits for either (a server
        calls this as it starts)."""
        started = time.perf_counter()
        try:
            with self.database.session() as session:
                albums = self.memory.facts.load_all(session)
            self.get(make_window())
        except SQLAlchemyError:  # requests will load what they need
            log.exception("statistics: could not warm up")
            return
        log.info("statistics: %s albums mirrored in %.2f s", albums, time.perf_counter() - started)

    def forget(self) -> None:
        """Drop every entry: something changed that the stamp may not show (a `backfill`
        rebuilding charts without a new snapshot, say); announced by `Services`."""
        with self._lock:
            self._entries.clear()
            self._stamp = None

    def get(self, window: StatsWindow) -> TrendingStats:
        """The statistics for `window`: from memory, or computed (and kept) now."""
        with self.database.session() as session:
            stamp = read_stamp(session)
        cached = self._lookup(stamp, window.key)
        if cached is not None:
            return cached
        stats = compute_stats(self.database, window, self.memory)
        self._keep(stamp, window, stats)
        return stats

    def _lookup(self, stamp: Stamp, key: Hashable) -> TrendingStats | None:
        with self._lock:
            if stamp != self._stamp:
                self._entries.clear()
                self._stamp = stamp
                return None
            entry = self._entries.get(key)
            if entry is None:
                return None
            if entry.expires is not None and self.clock() >= entry.expires:
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return entry.stats

    def _keep(self, stamp: Stamp, window: StatsWindow, stats: TrendingStats) -> None:
        expires = self.clock() + self.relative_ttl if window.relative else None
        with self._lock:
            self.computed += 1
            if stamp != self._stamp:  # something landed meanwhile: this may be outdated
                return
            self._entries[window.key] = _Entry(stats, expires)
            self._entries.move_to_end(window.key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
