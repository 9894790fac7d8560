"""A user's album collection: albums trendcache knows, kept with a snapshot of each.

A Spotify album's snapshot comes from its full album object; an album known only from
ListenBrainz (`mb-<release group>`) has none, so its comes from the history's album row and
credits, which its listing wrote.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, delete, select
from sqlalchemy.orm import Session

from trendcache.clock import utcnow
from trendcache.db import Database
from trendcache.db.accounts import CollectionItem
from trendcache.db.history import Album, AlbumArtist, Artist
from trendcache.db.models import SpotifyAlbum, new_id
from trendcache.db.upsert import upsert
from trendcache.pipeline.views import pick_image


class UnknownAlbum(LookupError):
    """Not an album trendcache has synced: only those can be collected."""


@dataclass(frozen=True)
class Item:
    album_id: str
    album: dict[str, Any]  # see `album_snapshot`
    added_at: datetime


def album_snapshot(data: dict[str, Any]) -> dict[str, Any]:
    """What a collection shows of an album, from Spotify's album object."""
    return {
        "name": data["name"],
        "artists": [
            {
                "id": artist["id"],
                "name": artist["name"],
                "spotifyUrl": (artist.get("external_urls") or {}).get("spotify"),
            }
            for artist in data.get("artists") or []
        ],
        "image": pick_image(data.get("images") or []),
        "spotifyUrl": (data.get("external_urls") or {}).get("spotify"),
        "releaseDate": data.get("release_date"),
    }


def listed_album_snapshot(session: Session, album_id: str) -> dict[str, Any] | None:
    """`album_snapshot`'s shape from the history (a ListenBrainz album); None if unknown."""
    album = session.get(Album, album_id)
    if album is None:
        return None
    credits = session.execute(
        select(Artist.id, Artist.name, Artist.spotify_url)
        .join(AlbumArtist, AlbumArtist.artist_id == Artist.id)
        .where(AlbumArtist.album_id == album_id)
        .order_by(AlbumArtist.position)
    )
    return {
        "name": album.name,
        "artists": [{"id": i, "name": name, "spotifyUrl": url} for i, name, url in credits],
        "image": album.image,
        "spotifyUrl": album.spotify_url,
        "releaseDate": album.release_date,
    }


def add_album(database: Database, user_id: str, album_id: str) -> tuple[Item, bool]:
    """Add a known album; the item, and whether it is new (False: it was there already)."""
    with database.writer() as session:
        existing = session.scalar(_item(user_id, album_id))
        if existing is not None:
            return _as_item(existing), False
        album = session.get(SpotifyAlbum, album_id)
        snapshot = album_snapshot(album.data) if album else listed_album_snapshot(session, album_id)
        if snapshot is None:
            raise UnknownAlbum(album_id)
        row = {
            "id": new_id(),
            "user_id": user_id,
            "album_id": album_id,
            "album": snapshot,
            "added_at": utcnow(),
        }
        # PostgreSQL runs two simultaneous adds side by side: the second one skips.
        upsert(session, CollectionItem, [row], conflict=["user_id", "album_id"])
        stored = session.scalars(_item(user_id, album_id)).one()
        return _as_item(stored), stored.id == row["id"]


def list_items(database: Database, user_id: str) -> list[Item]:
    """Newest first."""
    query = (
        select(CollectionItem)
        .where(CollectionItem.user_id == user_id)
        .order_by(CollectionItem.added_at.desc(), CollectionItem.id.desc())
    )
    with database.session() as session:
        return [_as_item(row) for row in session.scalars(query)]


def collected_ids(database: Database, user_id: str) -> set[str]:
    query = select(CollectionItem.album_id).where(CollectionItem.user_id == user_id)
    with database.session() as session:
        return set(session.scalars(query))


def remove_album(database: Database, user_id: str, album_id: str) -> bool:
    """Remove from this user's collection; False if it was not in it."""
    with database.writer() as session:
        result = session.execute(
            delete(CollectionItem).where(
                CollectionItem.user_id == user_id, CollectionItem.album_id == album_id
            )
        )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def _item(user_id: str, album_id: str) -> Select[CollectionItem]:
    return select(CollectionItem).where(
        CollectionItem.user_id == user_id, CollectionItem.album_id == album_id
    )


def _as_item(row: CollectionItem) -> Item:
    return Item(album_id=row.album_id, album=row.album, added_at=row.added_at)
