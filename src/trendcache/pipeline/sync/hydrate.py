"""Full album and artist details, fetched while the listing is still being paged.

Each listing page hands its albums over as soon as it arrives, so details are on their way
while the next page loads. Only albums never seen before are asked for, best-placed first,
and never with requests the rest of the listing still needs. A failure here does not fail
the sync: the listing is still worth caching, and what was not fetched stays unknown until
the next sync.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from trendcache.pipeline.budget import DailyBudget
from trendcache.spotify.client import ALBUMS_BATCH, ARTISTS_BATCH, SpotifyClient
from trendcache.spotify.errors import SpotifyError, SpotifyForbidden, SpotifyQuotaExceeded

log = logging.getLogger(__name__)
Documents = dict[str, dict[str, Any]]


@dataclass
class Hydrated:
    albums: Documents = field(default_factory=dict)
    artists: Documents = field(default_factory=dict)
    wanted: int = 0
    problems: list[str] = field(default_factory=list)
    quota_until: datetime | None = None

    @property
    def deferred(self) -> int:
        return self.wanted - len(self.albums)


class Hydrator:
    def __init__(
        self,
        client: SpotifyClient,
        budget: DailyBudget,
        market: str,
        *,
        batched: bool,
        unknown_albums: Callable[[list[str]], list[str]],
        stale_artists: Callable[[list[str]], list[str]],
        concurrency: int = 8,
    ) -> None:
        self.client = client
        self.budget = budget
        self.market = market
        self.batched = batched
        self.unknown_albums = unknown_albums
        self.stale_artists = stale_artists
        self.reserved = 0  # requests the listing still needs; hydration must leave them
        self._pool = ThreadPoolExecutor(concurrency, thread_name_prefix="hydrate")
        self._futures: list[Future[None]] = []
        self._seen: set[str] = set()
        self._waiting: list[str] = []
        self._seen_artists: set[str] = set()
        self._waiting_artists: list[str] = []
        self._lock = threading.Lock()
        self._stopped = False
        self._pending = 0  # submitted requests not yet sent
        self.result = Hydrated()

    def add_albums(self, album_ids: list[str], *, last: bool = False) -> None:
        """Queue albums for details; batches fill up across calls until `last`."""
        fresh = [a for a in dict.fromkeys(album_ids) if a not in self._seen]
        self._seen.update(fresh)
        wanted = self.unknown_albums(fresh)
        self.result.wanted += len(wanted)
        self._waiting.extend(wanted)
        size = ALBUMS_BATCH if self.batched else 1
        while len(self._waiting) >= size or (last and self._waiting):
            part, self._waiting = self._waiting[:size], self._waiting[size:]
            if not self._affordable():
                self._problem("request budget left no room for more album details")
                self._waiting = []
                return
            self._futures.append(self._pool.submit(self._counted, self._albums, part))

    def add_artists(self, artist_ids: list[str], *, last: bool = False) -> None:
        """Queue artists for details (extended tier); batches fill up across calls."""
        fresh = [a for a in dict.fromkeys(artist_ids) if a not in self._seen_artists]
        self._seen_artists.update(fresh)
        self._waiting_artists.extend(self.stale_artists(fresh) if fresh else [])
        while len(self._waiting_artists) >= ARTISTS_BATCH or (last and self._waiting_artists):
            part = self._waiting_artists[:ARTISTS_BATCH]
            self._waiting_artists = self._waiting_artists[ARTISTS_BATCH:]
            if not self._affordable():
                self._waiting_artists = []
                return
            self._futures.append(self._pool.submit(self._counted, self._artists, part))

    def finish(self) -> Hydrated:
        self.add_albums([], last=True)
        self.add_artists([], last=True)
        for future in self._futures:
            future.result()
        self._pool.shutdown()
        return self.result

    def _affordable(self) -> bool:
        """Room for one more request after the listing's and the queued ones; reserves it."""
        with self._lock:
            # Read under the lock: a finished request is recorded before its `_pending`
            # is released (under this lock), so it is counted once, never zero times.
            remaining = self.budget.remaining()
            if self._stopped or remaining - self.reserved - self._pending < 1:
                return False
            self._pending += 1
            return True

    def _counted(self, work: Callable[[list[str]], None], part: list[str]) -> None:
        try:
            work(part)
        finally:
            with self._lock:
                self._pending -= 1

    def _albums(self, part: list[str]) -> None:
        if self._stopped:
            return
        try:
            if self.batched:
                try:
                    documents = self.client.albums(part, self.market)
                except SpotifyForbidden:
                    log.info("albums batch refused (403): fetching albums one by one")
                    self.batched = False
                    documents = self.client.album_each(part, self.market)
            else:
                documents = self.client.album_each(part, self.market)
        except SpotifyError as exc:
            self._fail(exc)
            return
        with self._lock:
            self.result.albums.update(documents)

    def _artists(self, part: list[str]) -> None:
        if self._stopped:
            return
        try:
            documents = self.client.artists(part)
        except SpotifyForbidden:
            log.info("artists batch refused (403): no artist popularity this time")
            return
        except SpotifyError as exc:
            self._fail(exc)
            return
        with self._lock:
            self.result.artists.update(documents)

    def _fail(self, exc: SpotifyError) -> None:
        with self._lock:
            if self._stopped:
                return
            self._stopped = True
            if isinstance(exc, SpotifyQuotaExceeded):
                self.result.quota_until = exc.until
                self.result.problems.append(str(exc))
            else:
                self.result.problems.append(f"some album details deferred: {exc}")

    def _problem(self, message: str) -> None:
        with self._lock:
            if message not in self.result.problems:
                self.result.problems.append(message)
