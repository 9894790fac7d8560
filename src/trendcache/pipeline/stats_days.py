"""The day-granular statistics, ranked from one read of the window's days.

`day_rows` reads the window's `album_days` once, summed per album, with each
album's enrichment status and artists; longest running, top artists and enrichment
coverage are all ranked here from those rows. One pass over the index range instead of one
per statistic: the range is the costly part, and it grows with the window.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from trendcache.db.history import AlbumArtist, AlbumDay
from trendcache.db.models import EnrichmentState
from trendcache.pipeline.stats_queries import scope
from trendcache.pipeline.stats_types import NOT_QUEUED
from trendcache.pipeline.stats_window import StatsWindow

# An album over the window's days: album id, appearances, best position, markets, its
# enrichment status (None: no state) and its artists' ids joined by ARTIST_SEPARATOR (None:
# no credits). Spotify ids are base-62, so the separator never occurs in one.
DayRow = tuple[str, int, int, int, str | None, str | None]
ARTIST_SEPARATOR = ","


def _days(window: StatsWindow) -> list[ColumnElement[bool]]:
    return [
        AlbumDay.day >= window.first_day,
        AlbumDay.day <= window.last_day,
        *scope(AlbumDay, window),
    ]


def day_rows(session: Session, window: StatsWindow) -> Sequence[DayRow]:
    """Each album of the window's days with its totals, enrichment status and artists.

    One pass over the days' index range, grouped by album and market and then by album
    (two hashable groupings: `count(DISTINCT …)` would force PostgreSQL to sort the range),
    then per album two key lookups, written as correlated subqueries so that no planner
    estimate can turn them into scans of `enrichment_state` or `album_artists`.
    """
    per_market = (
        select(
            AlbumDay.album_id,
            func.sum(AlbumDay.appearances).label("runs"),
            func.min(AlbumDay.best_position).label("best"),
        )
        .where(*_days(window))
        .group_by(AlbumDay.album_id, AlbumDay.market)
        .subquery()
    )
    per_album = (
        select(
            per_market.c.album_id,
            func.sum(per_market.c.runs).label("runs"),
            func.min(per_market.c.best).label("best"),
            func.count().label("markets"),
        )
        .group_by(per_market.c.album_id)
        .subquery()
    )
    status = (
        select(EnrichmentState.status)
        .where(EnrichmentState.album_id == per_album.c.album_id)
        .scalar_subquery()
    )
    artists = (
        select(func.aggregate_strings(AlbumArtist.artist_id, ARTIST_SEPARATOR))
        .where(AlbumArtist.album_id == per_album.c.album_id)
        .scalar_subquery()
    )
    rows = session.connection().execute(  # Core rows: no ORM processing per row
        select(
            per_album.c.album_id,
            per_album.c.runs,
            per_album.c.best,
            per_album.c.markets,
            status,
            artists,
        )
    )
    return rows.all()  # the columns above: a DayRow each


@dataclass(frozen=True)
class AlbumTotal:
    album_id: str
    appearances: int
    best_position: int
    markets: int


@dataclass(frozen=True)
class ArtistTotal:
    artist_id: str
    appearances: int
    albums: int


@dataclass(frozen=True)
class DaySummary:
    albums: int  # that appeared at all
    longest: list[AlbumTotal]  # most appearances first, then best position, then id
    artists: int  # credited on an album that appeared
    top_artists: list[ArtistTotal]  # most appearances first, then id
    statuses: Counter[str]  # albums by enrichment status, NOT_QUEUED without one


def summarise_days(rows: Iterable[DayRow], limit: int) -> DaySummary:
    """One pass over the albums; only the first `limit` of each ranking are sorted."""
    totals: dict[str, tuple[int, int, int]] = {}  # album: appearances, best, markets
    statuses: Counter[str] = Counter()
    artist_runs: dict[str, int] = {}
    artist_albums: dict[str, int] = {}
    for album_id, appearances, best, markets, status, artist_ids in rows:
        totals[album_id] = (appearances, best, markets)
        statuses[status or NOT_QUEUED] += 1
        for artist_id in set(artist_ids.split(ARTIST_SEPARATOR)) if artist_ids else ():
            artist_runs[artist_id] = artist_runs.get(artist_id, 0) + appearances
            artist_albums[artist_id] = artist_albums.get(artist_id, 0) + 1
    longest = heapq.nsmallest(limit, totals.items(), key=lambda kv: (-kv[1][0], kv[1][1], kv[0]))
    artists = heapq.nsmallest(limit, artist_runs.items(), key=lambda kv: (-kv[1], kv[0]))
    return DaySummary(
        albums=len(totals),
        longest=[AlbumTotal(a, int(n), int(best), int(m)) for a, (n, best, m) in longest],
        artists=len(artist_runs),
        top_artists=[ArtistTotal(a, int(n), artist_albums[a]) for a, n in artists],
        statuses=statuses,
    )
