"""The statements behind the trending statistics.

Each reads an index range of a derived table (`album_charts` by `first_seen_at`; for
`album_days` by `day` see `stats_days`), the window's snapshots (by `fetched_at`), or rows
found by primary key or by snapshot id for a bounded set of albums and snapshots. None reads the
appearances' history, so the cost follows the window's size, never the history's.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, literal_column, select
from sqlalchemy.orm import Session, aliased

from trendcache.db.history import Album, AlbumArtist, AlbumChart, Artist, Snapshot
from trendcache.db.models import AlbumAppearance, EnrichmentState
from trendcache.pipeline.stats_types import AlbumLabel, ArtistLabel
from trendcache.pipeline.stats_window import StatsWindow

Stamp = tuple[int | None, datetime | None]


@dataclass(frozen=True)
class Debut:
    album_id: str
    source: str
    market: str
    position: int | None
    first_seen_at: datetime

    @property
    def order(self) -> tuple[bool, int, str, str]:
        return (self.position is None, self.position or 0, self.market, self.source)


@dataclass(frozen=True)
class WindowSnapshot:
    id: int
    source: str
    market: str
    fetched_at: datetime
    rank: int  # 1: the listing's latest in the window, 2: the one before


def scope(model: Any, window: StatsWindow, *, market: bool = True) -> list[ColumnElement[bool]]:
    """The source and market filters, written `column || '' = ?` so that no index can serve
    them and every read stays on its window's time range. Otherwise an equality on `source`
    alone looks like the best index to SQLite's planner (which has no statistics) and to
    PostgreSQL's generic plans (prepared statements), and they walk that source's whole
    history; the time range is always the narrower bound."""

    def column(name: str) -> Any:
        return getattr(model, name).op("||")(literal_column("''"))

    where: list[ColumnElement[bool]] = []
    if window.source:
        where.append(column("source") == window.source)
    if market and window.market:
        where.append(column("market") == window.market)
    return where


def read_stamp(session: Session) -> Stamp:
    """The newest snapshot and the last enrichment change: two index probes that tell
    whether anything the statistics read can have changed."""
    snapshot = select(func.max(Snapshot.id)).scalar_subquery()
    enrichment = select(func.max(EnrichmentState.updated_at)).scalar_subquery()
    row = session.execute(select(snapshot, enrichment)).one()
    return row[0], row[1]


def new_entries(session: Session, window: StatsWindow) -> tuple[int, list[Debut]]:
    """Albums first seen in the window (in scope), newest first, with where they debuted."""
    chart = AlbumChart
    first = func.min(chart.first_seen_at).label("first_at")
    where = [
        chart.first_seen_at >= window.since,
        chart.first_seen_at <= window.until,
        *scope(chart, window),
    ]
    if not (window.source and window.market):  # else one chart row per album: no earlier one
        prior = aliased(AlbumChart)
        where.append(
            ~exists().where(
                prior.album_id == chart.album_id,
                prior.first_seen_at < window.since,
                *scope(prior, window),
            )
        )
    rows = session.execute(
        select(chart.album_id, first, func.count().over())
        .where(*where)
        .group_by(chart.album_id)
        .order_by(first.desc(), chart.album_id)
        .limit(window.limit)
    ).all()
    if not rows:
        return 0, []
    firsts: dict[str, datetime] = {album_id: at for album_id, at, _ in rows}
    seen = AlbumAppearance
    candidates = session.execute(
        select(chart.album_id, chart.source, chart.market, chart.first_seen_at, seen.position)
        .outerjoin(
            seen,
            and_(
                seen.album_id == chart.album_id,
                seen.seen_at == chart.first_seen_at,
                seen.source == chart.source,
                seen.market == chart.market,
            ),
        )
        .where(chart.album_id.in_(firsts), *scope(chart, window))
    ).all()
    debuts: dict[str, Debut] = {}
    for album_id, source, market, at, position in candidates:
        if at != firsts[album_id]:
            continue
        debut = Debut(album_id, source, market, position, at)
        if album_id not in debuts or debut.order < debuts[album_id].order:
            debuts[album_id] = debut
    return int(rows[0][2]), [debuts[album_id] for album_id in firsts if album_id in debuts]


def window_snapshots(session: Session, window: StatsWindow) -> list[WindowSnapshot]:
    """Each listing's last two snapshots in the window, in every market of the source scope
    (the overlap compares markets even when one is picked)."""
    rank = (
        func.row_number()
        .over(
            partition_by=(Snapshot.source, Snapshot.market),
            order_by=(Snapshot.fetched_at.desc(), Snapshot.id.desc()),
        )
        .label("rank")
    )
    ranked = (
        select(Snapshot.id, Snapshot.source, Snapshot.market, Snapshot.fetched_at, rank)
        .where(
            Snapshot.fetched_at >= window.since,
            Snapshot.fetched_at <= window.until,
            *scope(Snapshot, window, market=False),
        )
        .subquery()
    )
    rows = session.connection().execute(select(ranked).where(ranked.c.rank <= 2)).all()
    return [WindowSnapshot(*row) for row in rows]


def listings(session: Session, snapshot_ids: Collection[int]) -> dict[int, dict[str, int | None]]:
    """Album → position in each snapshot (by the appearances' snapshot index)."""
    found: dict[int, dict[str, int | None]] = {snapshot_id: {} for snapshot_id in snapshot_ids}
    if not snapshot_ids:
        return found
    seen = AlbumAppearance
    rows = session.connection().execute(  # Core rows: no ORM processing per row
        select(seen.snapshot_id, seen.album_id, seen.position).where(
            seen.snapshot_id.in_(snapshot_ids)
        )
    )
    for snapshot_id, album_id, position in rows:
        found[snapshot_id or 0].setdefault(album_id, position)  # never None: filtered by id
    return found


def album_labels(session: Session, album_ids: Collection[str]) -> dict[str, AlbumLabel]:
    """Names and credited artists of the albums shown, in one statement (by primary keys)."""
    if not album_ids:
        return {}
    rows = session.connection().execute(
        select(Album.id, Album.name, Artist.id, Artist.name)
        .outerjoin(AlbumArtist, AlbumArtist.album_id == Album.id)
        .outerjoin(Artist, Artist.id == AlbumArtist.artist_id)
        .where(Album.id.in_(album_ids))
        .order_by(Album.id, AlbumArtist.position)
    )
    names: dict[str, str] = {}
    credits: dict[str, list[ArtistLabel]] = {}
    for album_id, name, artist_id, artist_name in rows:
        names[album_id] = name
        if artist_id is not None:
            credits.setdefault(album_id, []).append(ArtistLabel(artist_id, artist_name))
    return {a: AlbumLabel(a, names.get(a, a), tuple(credits.get(a, ()))) for a in album_ids}


def artist_labels(session: Session, artist_ids: Collection[str]) -> dict[str, ArtistLabel]:
    if not artist_ids:
        return {}
    rows = session.execute(select(Artist.id, Artist.name).where(Artist.id.in_(artist_ids)))
    names = dict(rows.all())
    return {a: ArtistLabel(a, names.get(a, a)) for a in artist_ids}
