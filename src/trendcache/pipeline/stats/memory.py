"""What the statistics keep in memory between requests, per process.

- the albums' facts (`mirror`): statuses and credits, and coverage per scope;
- snapshots' listings by snapshot id, and the moves between two snapshots by comparison:
  a snapshot never changes once its sync committed, and the windows people ask for mostly
  end at the newest snapshots, so one request compares the same listings as the next.

Listings and moves are kept least recently used first out.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Collection, Hashable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from sqlalchemy.orm import Session

from trendcache.pipeline.stats.mirror import AlbumMirror
from trendcache.pipeline.stats.queries import Positions, listings

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
LISTINGS = 1_024  # snapshots kept: about 100k positions
MOVES = 512  # comparisons kept


class Kept(Generic[K, V]):
    """A bounded, thread-safe map: the least recently used entry leaves first."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def find(self, key: K) -> V | None:
        with self._lock:
            value = self._entries.get(key)
            if value is not None:
                self._entries.move_to_end(key)
            return value

    def keep(self, key: K, value: V) -> None:
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def get(self, key: K, make: Callable[[], V]) -> V:
        """The entry for `key`, made (outside the lock) and kept when missing."""
        value = self.find(key)
        if value is None:
            value = make()
            self.keep(key, value)
        return value


class SnapshotListings:
    """Album → position per snapshot, read from the database once per snapshot."""

    def __init__(self, size: int = LISTINGS) -> None:
        self._kept: Kept[int, dict[str, int | None]] = Kept(size)

    def get(self, session: Session, snapshot_ids: Collection[int]) -> Positions:
        found: Positions = {}
        for snapshot_id in snapshot_ids:
            kept = self._kept.find(snapshot_id)
            if kept is not None:
                found[snapshot_id] = kept
        missing = [i for i in snapshot_ids if i not in found]
        if missing:
            for snapshot_id, positions in listings(session, missing).items():
                self._kept.keep(snapshot_id, positions)
                found[snapshot_id] = positions
        return found


@dataclass
class StatsMemory:
    facts: AlbumMirror = field(default_factory=AlbumMirror)
    listings: SnapshotListings = field(default_factory=SnapshotListings)
    moves: Kept[Any, Any] = field(default_factory=lambda: Kept(MOVES))  # see stats.listing_moves
