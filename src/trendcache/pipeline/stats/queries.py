"""The statements behind the trending statistics.

Each reads an index range of a derived table (`album_debuts` by scope and `first_seen_at`;
for the spans see `stats_days`), two snapshots from the end of each listing's range (by
source, market and `fetched_at`), or rows found by primary key or by snapshot id for a
bounded set of albums and snapshots. None reads the appearances' history, so the cost
follows the window's size, never the history's.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import CompoundSelect, bindparam, cast, func, literal, select, union_all
from sqlalchemy.orm import Session

from trendcache.db.history import Album, AlbumArtist, AlbumDebut, Artist, Snapshot
from trendcache.db.models import AlbumAppearance, EnrichmentState
from trendcache.pipeline.history.rollup_rules import ALL
from trendcache.pipeline.stats.results import AlbumLabel, ArtistLabel
from trendcache.pipeline.stats.window import StatsWindow

Stamp = tuple[int | None, datetime | None]
Positions = dict[int, dict[str, int | None]]  # snapshot id → album id → position


@dataclass(frozen=True)
class Debut:
    album_id: str
    source: str
    market: str
    position: int
    first_seen_at: datetime


@dataclass(frozen=True)
class WindowSnapshot:
    id: int
    source: str
    market: str
    fetched_at: datetime
    rank: int  # 1: the listing's latest in the window, 2: the one before


def read_stamp(session: Session) -> Stamp:
    """The newest snapshot and the last enrichment change: two index probes that tell
    whether anything the statistics read can have changed."""
    snapshot = select(func.max(Snapshot.id)).scalar_subquery()
    enrichment = select(func.max(EnrichmentState.updated_at)).scalar_subquery()
    row = session.execute(select(snapshot, enrichment)).one()
    return row[0], row[1]


def new_entries(session: Session, window: StatsWindow) -> tuple[int, list[Debut]]:
    """Albums first seen in the window (in scope), newest first, with where they debuted:
    an index range of the scope's debuts, counted, and its newest `limit` rows. A market
    with the worldwide listings is two scopes, which share no album (`StatsWindow`): their
    counts add up, and each one's newest rows are merged."""
    debut = AlbumDebut
    markets = window.markets or (ALL,)
    source = debut.source == (window.source or ALL)
    moments = (debut.first_seen_at >= window.since, debut.first_seen_at <= window.until)
    counted = select(func.count()).select_from(debut).where(source, *moments)
    count = session.scalar(counted.where(debut.market.in_(markets))) or 0
    if not count:
        return 0, []
    columns = (
        debut.album_id,
        debut.debut_source,
        debut.debut_market,
        debut.debut_position,
        debut.first_seen_at,
    )
    newest = [
        select(*columns)
        .where(source, debut.market == market, *moments)
        .order_by(debut.first_seen_at.desc(), debut.album_id)
        .limit(window.limit)
        for market in markets
    ]
    if len(newest) == 1:
        rows = session.execute(newest[0]).all()
    else:
        merged = union_all(*(select(read.subquery()) for read in newest)).subquery()
        rows = session.execute(
            select(merged)
            .order_by(merged.c.first_seen_at.desc(), merged.c.album_id)
            .limit(window.limit)
        ).all()
    return count, [Debut(*row) for row in rows]


def window_snapshots(session: Session, window: StatsWindow) -> list[WindowSnapshot]:
    """Each listing's last two snapshots in the window, in every market of the source scope
    (the overlap compares markets even when one is picked): per listing, two rows from the
    end of its index range."""
    found = _listings(session, window)
    if not found:
        return []
    values: dict[str, Any] = {"since": window.since, "until": window.until}
    for index, (source, market) in enumerate(found):
        values[f"source_{index}"], values[f"market_{index}"] = source, market
    rows = session.connection().execute(_last_two(len(found)), values).all()
    snapshots: list[WindowSnapshot] = []
    for source, market, listed in _by_listing(rows):
        for rank, (snapshot_id, at) in enumerate(listed, start=1):
            snapshots.append(WindowSnapshot(snapshot_id, source, market, at, rank))
    return snapshots


@cache
def _last_two(listings: int) -> CompoundSelect[Any]:
    """The statement for that many listings, built once: its values are bound parameters."""
    reads = []
    for index in range(listings):
        last = (
            select(Snapshot.id, Snapshot.source, Snapshot.market, Snapshot.fetched_at)
            .where(
                Snapshot.source == bindparam(f"source_{index}"),
                Snapshot.market == bindparam(f"market_{index}"),
                Snapshot.fetched_at >= bindparam("since", type_=Snapshot.fetched_at.type),
                Snapshot.fetched_at <= bindparam("until", type_=Snapshot.fetched_at.type),
            )
            .order_by(Snapshot.fetched_at.desc(), Snapshot.id.desc())
            .limit(2)
            .subquery()
        )
        reads.append(select(last))
    return union_all(*reads)


def _by_listing(
    rows: Iterable[Any],
) -> Iterator[tuple[str, str, list[tuple[int, datetime]]]]:
    listings: dict[tuple[str, str], list[tuple[int, datetime]]] = {}
    for snapshot_id, source, market, at in rows:
        listings.setdefault((source, market), []).append((snapshot_id, at))
    for (source, market), found in listings.items():
        found.sort(key=lambda row: (row[1], row[0]), reverse=True)
        yield source, market, found


def _listings(session: Session, window: StatsWindow) -> list[tuple[str, str]]:
    """The (source, market) listings with any snapshot: per source, its markets found by
    skipping through the snapshots' (source, market, …) index, one probe per market; every
    source's walk in one statement."""
    walks = []
    for index, source in enumerate(window.sources):
        start = cast(literal(""), Snapshot.market.type).label("market")
        markets = select(start).cte(f"markets_{index}", recursive=True)
        following = (
            select(Snapshot.market)
            .where(Snapshot.source == source, Snapshot.market > markets.c.market)
            .order_by(Snapshot.market)
            .limit(1)
            .scalar_subquery()
        )
        markets = markets.union_all(select(following).where(markets.c.market.is_not(None)))
        walks.append(
            select(literal(source).label("source"), markets.c.market).where(
                markets.c.market.is_not(None), markets.c.market != ""
            )
        )
    rows = session.execute(walks[0] if len(walks) == 1 else union_all(*walks))
    return [(source, market) for source, market in rows]


def listings(session: Session, snapshot_ids: Collection[int]) -> Positions:
    """Album → position in each snapshot (by the appearances' snapshot index)."""
    found: Positions = {snapshot_id: {} for snapshot_id in snapshot_ids}
    if not snapshot_ids:
        return found
    seen = AlbumAppearance
    rows = session.connection().execute(  # Core rows: no ORM processing per row
        select(seen.snapshot_id, seen.album_id, seen.position).where(
            seen.snapshot_id.in_(snapshot_ids)
        )
    )
    for (
        snapshot_id,
        album_id,
        position,
    ) in rows.all():  # fetched at once: faster than a row at a time
        found[snapshot_id or 0].setdefault(album_id, position)  # never None: filtered by id
    return found


def album_labels(session: Session, album_ids: Collection[str]) -> dict[str, AlbumLabel]:
    """Names, covers and credited artists of the albums shown, in one statement (by primary
    keys)."""
    if not album_ids:
        return {}
    rows = session.connection().execute(
        select(Album.id, Album.name, Album.image, Artist.id, Artist.name)
        .outerjoin(AlbumArtist, AlbumArtist.album_id == Album.id)
        .outerjoin(Artist, Artist.id == AlbumArtist.artist_id)
        .where(Album.id.in_(album_ids))
        .order_by(Album.id, AlbumArtist.position)
    )
    names: dict[str, tuple[str, str | None]] = {}
    credits: dict[str, list[ArtistLabel]] = {}
    for album_id, name, image, artist_id, artist_name in rows:
        names[album_id] = (name, image)
        if artist_id is not None:
            credits.setdefault(album_id, []).append(ArtistLabel(artist_id, artist_name))
    found = {}
    for album_id in album_ids:
        name, image = names.get(album_id, (album_id, None))
        found[album_id] = AlbumLabel(album_id, name, tuple(credits.get(album_id, ())), image)
    return found


def artist_labels(session: Session, artist_ids: Collection[str]) -> dict[str, ArtistLabel]:
    if not artist_ids:
        return {}
    rows = session.execute(select(Artist.id, Artist.name).where(Artist.id.in_(artist_ids)))
    names = dict(rows.all())
    return {a: ArtistLabel(a, names.get(a, a)) for a in artist_ids}
