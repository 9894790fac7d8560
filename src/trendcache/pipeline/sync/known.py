"""What we already hold, so a repeat sync only asks Spotify for what is new."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from trendcache.db import Database
from trendcache.db.models import SpotifyAlbum, SpotifyArtist


def unknown_albums(database: Database, ids: list[str]) -> list[str]:
    """`ids` (order kept) whose full album details we have never fetched."""
    with database.session() as session:
        known = set(session.scalars(select(SpotifyAlbum.id).where(SpotifyAlbum.id.in_(ids))))
    return [album_id for album_id in ids if album_id not in known]


def stale_artists(database: Database, ids: list[str], since: datetime) -> list[str]:
    """`ids` whose artist details are missing or were fetched before `since`."""
    with database.session() as session:
        fresh = set(
            session.scalars(
                select(SpotifyArtist.id).where(
                    SpotifyArtist.id.in_(ids), SpotifyArtist.fetched_at >= since
                )
            )
        )
    return [artist_id for artist_id in ids if artist_id not in fresh]
