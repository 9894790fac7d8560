"""Pages rendered once and kept prepared (every encoding, its ETags) while what they show
stays the same: the stats page per window, the album pages per album.

An entry is a `Prepared` page and the version of the data it was rendered from (the
`TrendingStats` the stats cache returned, the data's stamp); a request whose data has
another version renders again. Versions are compared with `==`: the same object matches at
once, and an equal one would render the same page anyway. The cache is bounded by the
bytes it holds (identity and compressed bodies together), least recently used out first,
so any number of distinct albums or windows costs a fixed amount of memory.

`forget` (called on every change announced, this process's or another's) empties it and
moves `generation` on: a request that read its version before the change and rendered
after it passes the generation it started with to `keep`, which then keeps nothing, so a
page built from data read across a change is served once and never again.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Generic, TypeVar

from trendcache.web.prepared import Prepared

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class _Page:
    version: object
    prepared: Prepared
    size: int


def size_of(prepared: Prepared) -> int:
    """The bytes a prepared page holds: its body in every encoding."""
    return sum(len(variant.body) for variant in prepared.variants.values())


class PreparedPages(Generic[K]):
    """Prepared pages by key, each valid for one version of its data (LRU, bounded in
    bytes). Thread-safe: routes read it on the event loop, `forget` comes from the threads
    that hear of changes."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.rendered = 0  # pages kept since start: how often a render was worth keeping
        self._lock = threading.Lock()
        self._pages: OrderedDict[K, _Page] = OrderedDict()
        self._bytes = 0
        self._generation = 0

    @property
    def generation(self) -> int:
        """Read it before reading the data's version; hand it to `keep`."""
        return self._generation

    @property
    def held_bytes(self) -> int:
        return self._bytes

    def __len__(self) -> int:
        return len(self._pages)

    def get(self, key: K, version: object) -> Prepared | None:
        """The page for `key` if it was rendered from this version of the data."""
        with self._lock:
            page = self._pages.get(key)
            if page is None or page.version != version:
                return None
            self._pages.move_to_end(key)
            return page.prepared

    def keep(self, key: K, version: object, prepared: Prepared, generation: int) -> None:
        """Keep `prepared`, rendered from `version`, unless a change was announced since
        `generation` was read (the data may have moved under it) or it alone would not fit."""
        size = size_of(prepared)
        with self._lock:
            if generation != self._generation or size > self.max_bytes:
                return
            old = self._pages.pop(key, None)
            if old is not None:
                self._bytes -= old.size
            self._pages[key] = _Page(version, prepared, size)
            self._bytes += size
            self.rendered += 1
            while self._bytes > self.max_bytes:
                _, evicted = self._pages.popitem(last=False)
                self._bytes -= evicted.size

    def forget(self) -> None:
        """Drop every page: something changed (announced by `Services`)."""
        with self._lock:
            self._pages.clear()
            self._bytes = 0
            self._generation += 1
