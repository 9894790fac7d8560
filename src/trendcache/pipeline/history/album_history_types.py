"""What `album_history.read_album_history` returns: an album, and per listing its figures,
its series of positions and the gaps in it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from trendcache.db.history import Album

Listing = tuple[str, str]  # (source, market)


class Point(NamedTuple):  # a tuple: thousands are made per request
    seen_at: datetime
    position: int | None  # None only on appearances recorded before positions were
    snapshot_id: int | None  # None only on appearances recorded before snapshots were


@dataclass(frozen=True)
class Gap:
    """Consecutive snapshots of the listing that did not list the album."""

    first_missed_at: datetime
    last_missed_at: datetime
    snapshots: int


@dataclass(frozen=True)
class ChartHistory:
    """The album in one listing. The figures cover the whole history; `points` and `gaps`
    only the requested window."""

    source: str
    market: str
    first_seen_at: datetime
    last_seen_at: datetime
    last_position: int
    peak_position: int
    peak_at: datetime  # when it first reached its peak
    snapshots: int  # snapshots of the listing that had it
    listed: bool  # in the listing's latest snapshot
    current_streak: int  # its streak while `listed`; 0 once it has dropped out
    reentries: int
    points: list[Point]  # oldest first; the latest `max_points` in the window
    truncated: bool  # older points in the window were left out
    gaps: list[Gap]  # between the first and the last of `points`, oldest first


@dataclass(frozen=True)
class Credit:
    id: str
    name: str
    spotify_url: str | None


@dataclass(frozen=True)
class AlbumHistory:
    album: Album
    artists: list[Credit]
    musicbrainz: dict[str, Any] | None  # `match_summary`; None while never tried
    charts: list[ChartHistory]  # by source, then market

    @property
    def first_seen_at(self) -> datetime:
        """From the charts, which a backfill keeps true to the appearances; the album row
        only knows when a sync first wrote it."""
        return min((c.first_seen_at for c in self.charts), default=self.album.first_seen_at)

    @property
    def last_seen_at(self) -> datetime:
        return max((c.last_seen_at for c in self.charts), default=self.album.last_seen_at)
