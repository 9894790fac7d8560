"""Snapshots' albums and positions, kept in memory by snapshot id for the statistics.

A snapshot never changes once its sync committed, and the windows people ask for mostly end
at the newest snapshots, so the comparisons and overlaps of one request read the same few
dozen listings as the next. Kept per process, least recently used first out.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Collection

from sqlalchemy.orm import Session

from trendcache.pipeline.stats_queries import Positions, listings

DEFAULT_SIZE = 1_024  # snapshots: about 100k positions


class SnapshotListings:
    def __init__(self, size: int = DEFAULT_SIZE) -> None:
        self.size = size
        self._kept: OrderedDict[int, dict[str, int | None]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, session: Session, snapshot_ids: Collection[int]) -> Positions:
        """Album → position for each of `snapshot_ids`, read from the database when new."""
        with self._lock:
            found = {i: self._kept[i] for i in snapshot_ids if i in self._kept}
            for snapshot_id in found:
                self._kept.move_to_end(snapshot_id)
        missing = [i for i in snapshot_ids if i not in found]
        if missing:
            read = listings(session, missing)
            found.update(read)
            with self._lock:
                self._kept.update(read)
                while len(self._kept) > self.size:
                    self._kept.popitem(last=False)
        return found
