"""The day-granular statistics over a window that holds the whole history: read from the
all-time totals the sync keeps (`album_totals`, `artist_totals`), ranked by their indexes,
so their cost follows the number of albums shown, not the number that ever charted.

Only the coverage reads every album of the scope (their enrichment status changes on its
own schedule), joined in the database.
"""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trendcache.db.history import AlbumChart, AlbumTotal, ArtistTotal
from trendcache.db.models import EnrichmentState
from trendcache.pipeline.charting import ALL
from trendcache.pipeline.stats_types import NOT_QUEUED, AlbumCount, ArtistCount, DaySummary
from trendcache.pipeline.stats_window import StatsWindow


def read_totals(session: Session, window: StatsWindow, source: str) -> DaySummary:
    market = window.market or ALL
    albums = [AlbumTotal.market == market, AlbumTotal.source == source]
    artists = [ArtistTotal.market == market, ArtistTotal.source == source]
    longest = session.execute(
        select(AlbumTotal.album_id, AlbumTotal.appearances, AlbumTotal.best_position)
        .where(*albums)
        .order_by(AlbumTotal.appearances.desc(), AlbumTotal.best_position, AlbumTotal.album_id)
        .limit(window.limit)
    ).all()
    status = func.coalesce(EnrichmentState.status, NOT_QUEUED)
    statuses = session.execute(
        select(status, func.count())
        .select_from(AlbumTotal)
        .outerjoin(EnrichmentState, EnrichmentState.album_id == AlbumTotal.album_id)
        .where(*albums)
        .group_by(status)
    ).all()
    top = session.execute(
        select(ArtistTotal.artist_id, ArtistTotal.appearances, ArtistTotal.albums)
        .where(*artists)
        .order_by(ArtistTotal.appearances.desc(), ArtistTotal.artist_id)
        .limit(window.limit)
    ).all()
    credited = session.scalar(select(func.count()).select_from(ArtistTotal).where(*artists))
    markets = _markets(session, window, source, [album_id for album_id, _, _ in longest])
    counts = Counter({name: int(count) for name, count in statuses})
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
