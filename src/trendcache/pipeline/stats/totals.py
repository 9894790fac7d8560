"""The day-granular statistics over a window that holds the whole history: read from the
all-time totals the sync keeps (`album_totals`, `artist_totals`), ranked by their indexes,
so their cost follows the number of albums shown, not the number that ever charted.

Only the coverage counts every album of the scope, from the in-memory mirror of which albums
charted there and their enrichment statuses (`mirror`).
"""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trendcache.db.history import AlbumChart, AlbumTotal, ArtistTotal
from trendcache.pipeline.history.rollup_rules import ALL
from trendcache.pipeline.stats.mirror import AlbumMirror
from trendcache.pipeline.stats.results import NOT_QUEUED, AlbumCount, ArtistCount, DaySummary
from trendcache.pipeline.stats.window import StatsWindow


def read_totals(
    session: Session, window: StatsWindow, source: str, market: str | None, facts: AlbumMirror
) -> DaySummary:
    """`source`'s all-time statistics in `market` (None: all markets)."""
    market = market or ALL
    albums = [AlbumTotal.market == market, AlbumTotal.source == source]
    artists = [ArtistTotal.market == market, ArtistTotal.source == source]
    longest = session.execute(
        select(AlbumTotal.album_id, AlbumTotal.appearances, AlbumTotal.best_position)
        .where(*albums)
        .order_by(AlbumTotal.appearances.desc(), AlbumTotal.best_position, AlbumTotal.album_id)
        .limit(window.limit)
    ).all()
    counts: Counter[str] = Counter()
    for status, count in facts.coverage(session, source, market).items():
        counts[status or NOT_QUEUED] += count
    top = session.execute(
        select(ArtistTotal.artist_id, ArtistTotal.appearances, ArtistTotal.albums)
        .where(*artists)
        .order_by(ArtistTotal.appearances.desc(), ArtistTotal.artist_id)
        .limit(window.limit)
    ).all()
    credited = session.scalar(select(func.count()).select_from(ArtistTotal).where(*artists))
    markets = _markets(session, window, source, [album_id for album_id, _, _ in longest])
    return DaySummary(
        albums=sum(counts.values()),
        longest=[AlbumCount(a, n, best, markets.get(a, 0)) for a, n, best in longest],
        artists=int(credited or 0),
        top_artists=[ArtistCount(a, n, count) for a, n, count in top],
        statuses=counts,
    )


def _markets(
    session: Session, window: StatsWindow, source: str, album_ids: list[str]
) -> dict[str, int]:
    """In how many markets each album ever charted (its charts, by primary key)."""
    if window.market:
        return dict.fromkeys(album_ids, 1)
    if not album_ids:
        return {}
    rows = session.execute(
        select(AlbumChart.album_id, func.count())
        .where(AlbumChart.album_id.in_(album_ids), AlbumChart.source == source)
        .group_by(AlbumChart.album_id)
    )
    return {album_id: int(count) for album_id, count in rows}
