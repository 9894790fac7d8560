"""What the trending statistics are made of: plain, frozen values the API, the CSV export
and the page all render from (and the in-process cache can hand out to many threads)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Generic, TypeVar

from trendcache.pipeline.history.lead import short_lead
from trendcache.pipeline.keys import LISTENBRAINZ_TOP, NEW_RELEASES
from trendcache.pipeline.stats.window import SOURCE_NAMES, StatsWindow

T = TypeVar("T")
NOT_QUEUED = "not_queued"  # appeared, but has no enrichment state (yet, or any more)


@dataclass(frozen=True)
class ArtistLabel:
    id: str
    name: str


@dataclass(frozen=True)
class AlbumLabel:
    id: str  # a Spotify id, or `mb-<release group MBID>` for an album known by MBID only
    name: str
    artists: tuple[ArtistLabel, ...]
    image: str | None = None  # Spotify's cover, or the Cover Art Archive's for `mb-` albums


@dataclass(frozen=True)
class Counted(Generic[T]):
    """The first items of a ranking, and how many there were in all."""

    count: int
    items: tuple[T, ...]


@dataclass(frozen=True)
class NewEntry:
    album: AlbumLabel
    source: str
    market: str
    position: int | None  # None only for appearances written before positions were kept
    first_seen_at: datetime


@dataclass(frozen=True)
class Move:
    """An album between a listing's two last snapshots of the window (either may be None:
    it entered, or it left)."""

    album: AlbumLabel
    source: str
    market: str
    previous_position: int | None
    position: int | None

    @property
    def change(self) -> int | None:
        """Places gained: positive climbed, negative fell."""
        if self.previous_position is None or self.position is None:
            return None
        return self.previous_position - self.position


@dataclass(frozen=True)
class Comparison:
    """The two snapshots of one listing that climbers and fallers compare."""

    source: str
    market: str
    previous_id: int
    previous_at: datetime
    latest_id: int
    latest_at: datetime


@dataclass(frozen=True)
class LongRunner:
    album: AlbumLabel
    appearances: int
    best_position: int
    markets: int


@dataclass(frozen=True)
class ArtistRun:
    artist: ArtistLabel
    appearances: int
    albums: int


@dataclass(frozen=True)
class MarketOverlap:
    source: str
    market_a: str
    market_b: str
    albums_a: int
    albums_b: int
    shared: int

    @property
    def jaccard(self) -> float:
        union = self.albums_a + self.albums_b - self.shared
        return self.shared / union if union else 0.0


@dataclass(frozen=True)
class Coverage:
    # Every coverage status (matched_release, matched_release_group, needs_review, ...)
    # and NOT_QUEUED.
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def matched(self) -> int:
        """Matched at either level: the release, or only its release group."""
        return self.counts["matched_release"] + self.counts["matched_release_group"]

    @property
    def matched_share(self) -> float | None:
        return self.matched / self.total if self.total else None

    @property
    def release_share(self) -> float | None:
        return self.counts["matched_release"] / self.total if self.total else None


@dataclass(frozen=True)
class OnBoth:
    """An album that charted in Spotify's new releases and the ListenBrainz top in the
    window (the same album through its MusicBrainz release group), with when each first
    listed it."""

    album: AlbumLabel  # the Spotify album
    release_group_album: AlbumLabel  # the same album as ListenBrainz lists it: `mb-…`
    spotify_first_seen_at: datetime
    listenbrainz_first_seen_at: datetime

    @property
    def lead(self) -> timedelta:
        """How long before the ListenBrainz top Spotify listed it (negative: after)."""
        return self.listenbrainz_first_seen_at - self.spotify_first_seen_at

    @property
    def lead_sentence(self) -> str:
        """ "Spotify new releases 3 weeks earlier"."""
        names = SOURCE_NAMES[NEW_RELEASES], SOURCE_NAMES[LISTENBRAINZ_TOP]
        return short_lead(*names, self.lead)


@dataclass(frozen=True)
class TrendingStats:
    window: StatsWindow
    latest_snapshot_id: int | None
    computed_at: datetime
    new_entries: Counted[NewEntry]
    comparisons: tuple[Comparison, ...]
    climbers: Counted[Move]
    fallers: Counted[Move]
    entered: Counted[Move]
    left: Counted[Move]
    longest_running: Counted[LongRunner]
    artists: Counted[ArtistRun]
    overlap: tuple[MarketOverlap, ...]
    enrichment: Coverage
    on_both: Counted[OnBoth] = Counted(0, ())


@dataclass(frozen=True)
class AlbumCount:
    album_id: str
    appearances: int
    best_position: int
    markets: int = 0


@dataclass(frozen=True)
class ArtistCount:
    artist_id: str
    appearances: int
    albums: int


@dataclass(frozen=True)
class DaySummary:
    albums: int  # that appeared at all
    longest: list[AlbumCount]  # most appearances first, then best position, then id
    artists: int  # credited on an album that appeared
    top_artists: list[ArtistCount]  # most appearances first, then id
    statuses: Counter[str]  # albums by enrichment status, NOT_QUEUED without one
