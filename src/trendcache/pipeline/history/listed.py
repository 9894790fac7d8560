"""A listing as the history last recorded it: its newest snapshot's albums, in order.

What a feed of a source with no served view of its own (ListenBrainz's top and fresh
releases) lists: the snapshot by one probe of the snapshots' (source, market, fetched_at)
index, its appearances by their snapshot index, the albums and their credits by key.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from trendcache.db.history import Album, AlbumArtist, Artist, Snapshot
from trendcache.db.models import AlbumAppearance


@dataclass(frozen=True)
class ListedAlbum:
    id: str
    name: str
    album_type: str | None
    release_date: str | None
    image: str | None
    position: int | None
    artists: tuple[str, ...]  # names, in credit order


@dataclass(frozen=True)
class LatestListing:
    snapshot_id: int
    fetched_at: datetime
    albums: list[ListedAlbum]


def latest_snapshots(
    session: Session, source: str, market: str, count: int
) -> list[tuple[int, datetime]]:
    """The listing's `count` newest snapshots, newest first: their ids and when fetched
    (one probe of the snapshots' (source, market, fetched_at) index)."""
    rows = session.execute(
        select(Snapshot.id, Snapshot.fetched_at)
        .where(Snapshot.source == source, Snapshot.market == market)
        .order_by(Snapshot.fetched_at.desc(), Snapshot.id.desc())
        .limit(count)
    ).all()
    return [(row[0], row[1]) for row in rows]


def newest_snapshot(session: Session, source: str, market: str) -> tuple[int, datetime] | None:
    """The listing's newest snapshot: its id and when it was fetched."""
    newest = latest_snapshots(session, source, market, 1)
    return newest[0] if newest else None


def latest_listing(session: Session, source: str, market: str) -> LatestListing | None:
    """The listing's newest snapshot with its albums by position; None before the first."""
    newest = newest_snapshot(session, source, market)
    if newest is None:
        return None
    snapshot_id, fetched_at = newest
    seen = AlbumAppearance
    rows = session.execute(
        select(
            seen.album_id,
            seen.position,
            Album.name,
            Album.album_type,
            Album.release_date,
            Album.image,
        )
        .join(Album, Album.id == seen.album_id)
        .where(seen.snapshot_id == snapshot_id)
        .order_by(seen.position, seen.album_id)
    ).all()
    ids = [row[0] for row in rows]
    credits: dict[str, list[str]] = {}
    if ids:
        for album_id, name in session.execute(
            select(AlbumArtist.album_id, Artist.name)
            .join(Artist, Artist.id == AlbumArtist.artist_id)
            .where(AlbumArtist.album_id.in_(ids))
            .order_by(AlbumArtist.album_id, AlbumArtist.position)
        ):
            credits.setdefault(album_id, []).append(name)
    albums = [
        ListedAlbum(
            album_id, name, kind, released, image, position, tuple(credits.get(album_id, ()))
        )
        for album_id, position, name, kind, released, image in rows
    ]
    return LatestListing(snapshot_id, fetched_at, albums)
