"""The seam every trending source plugs into: what the `Syncer` asks of it, and what it returns.

A source (Spotify today) publishes listings: per market, albums in its order. The syncer
owns everything around a fetch, per source: the lease (one fetch at a time across
processes), the run record, the failure backoff, the quota pause and the cache's error
flags, and it writes every listing the same way (its cache row, a history snapshot and
its appearances). The source fetches within a request budget and writes only what is its
own (full album documents, the views it serves), in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, TypeVar

from sqlalchemy.orm import Session

from trendcache.pipeline.budget import DailyBudget


@dataclass
class Listing:
    """One market's albums from one source, in its order, and the document cached for them.

    `name` is the listing's family: the cache key's prefix and history's `source`, e.g.
    `spotify_new_releases`. Each item is an album with at least `id`, `name` and `artists`
    (each with `id` and `name`): Spotify's simplified album, the shape history records.
    """

    name: str
    market: str
    items: list[dict[str, Any]]
    document: dict[str, Any]  # cached under `key` as the upstream sent it

    @property
    def key(self) -> str:
        return f"{self.name}:{self.market}"

    @property
    def album_ids(self) -> list[str]:
        return [item["id"] for item in self.items]


@dataclass
class Fetched:
    """What one sync got from a source: its listings, and how it went."""

    listings: list[Listing]
    tier: str | None = None  # the access tier it worked in, where the source has tiers
    problems: list[str] = field(default_factory=list)  # what it could not get (a partial sync)
    pause_until: datetime | None = None  # the source asked not to be called before then

    @property
    def hydrated(self) -> int:
        """How many full album documents came with the listings."""
        return 0


class FetchFailed(Exception):
    """A source could not deliver its listings; nothing of this sync is written."""

    def __init__(self, message: str, pause_until: datetime | None = None) -> None:
        super().__init__(message)
        self.pause_until = pause_until  # a quota, or a Retry-After longer than we wait


FetchedT = TypeVar("FetchedT", bound=Fetched)


class ListingSource(Protocol[FetchedT]):
    @property
    def name(self) -> str:
        """Short and stable (`spotify`): sync runs, its request budget and its state use it."""

    @property
    def lease_key(self) -> str:
        """The lock one fetch from this source holds, across every process."""

    @property
    def daily_request_budget(self) -> int:
        """Requests it may send in any 24 hours, shared with every other user of them."""

    @property
    def cache_seconds(self) -> float:
        """How long what it fetched stays fresh: no sync is due before."""

    def listing_keys(self) -> list[str]:
        """The cache keys one sync refreshes; while all are fresh, no sync is due."""

    def served_keys(self) -> list[str]:
        """Every key the read path serves from this source, flagged when a sync fails."""

    def only(self, markets: list[str]) -> ListingSource[FetchedT]:
        """This source narrowed to `markets` (a subset of its own), for a sync of just
        those: the same name, lease and budget; what it serves across markets is rebuilt
        from every market's stored listing."""

    def fetch(self, budget: DailyBudget) -> FetchedT:
        """Its listings, within `budget`; raises `FetchFailed` when it cannot deliver."""

    def store(
        self, session: Session, fetched: FetchedT, now: datetime, expires: datetime
    ) -> list[str]:
        """Write its own part of a sync (the listings are written already); the album ids
        it queued for enrichment."""
