"""What MusicBrainz can be asked about an album: from the stored Spotify details.

ISRCs are not in an album's (simplified) tracks; they cost a Spotify request for full
tracks, so they are fetched only for albums that reach the ISRC step, at most two tracks
an album, kept for good, and counted against the daily budget like every Spotify request.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from trendcache.config import AccessTier
from trendcache.db import Database
from trendcache.db.models import SpotifyAlbum, SpotifyTrack
from trendcache.db.upsert import upsert
from trendcache.musicbrainz.scoring import AlbumFacts
from trendcache.spotify.client import SpotifyClient
from trendcache.spotify.errors import SpotifyError, SpotifyForbidden

log = logging.getLogger(__name__)
# ISRCs of the first tracks; development mode pays a request per track, so it asks for one.
TRACKS_PER_ALBUM = {"batched": 2, "single": 1}


def album_facts(database: Database, album_ids: list[str]) -> dict[str, AlbumFacts]:
    """Facts for the albums whose full details we hold (the others cannot be matched yet)."""
    with database.session() as session:
        rows = session.execute(
            select(SpotifyAlbum.id, SpotifyAlbum.data).where(SpotifyAlbum.id.in_(album_ids))
        ).all()
    return {album_id: _facts(data) for album_id, data in rows}


def _facts(album: dict[str, Any]) -> AlbumFacts:
    return AlbumFacts(
        id=album["id"],
        name=album["name"],
        artists=tuple(artist["name"] for artist in album["artists"]),
        total_tracks=album["total_tracks"],
        release_date=album["release_date"],
        upc=(album.get("external_ids") or {}).get("upc"),
        label=album.get("label") or None,
        copyrights=tuple(c.get("text") or "" for c in album.get("copyrights") or []),
    )


class TrackIsrcs:
    """The matcher's `IsrcSource`: ISRCs of an album's first tracks, fetched once."""

    def __init__(
        self, database: Database, client: Callable[[], SpotifyClient | None], tier: str
    ) -> None:
        self.database = database
        self.client = client
        self.batched = tier != AccessTier.DEVELOPMENT
        self.problems: list[str] = []

    def __call__(self, albums: list[AlbumFacts]) -> dict[str, tuple[str, ...]]:
        per_album = TRACKS_PER_ALBUM["batched" if self.batched else "single"]
        wanted = self._first_tracks([album.id for album in albums], per_album)
        known = self._known([t for ids in wanted.values() for t in ids])
        missing = [t for ids in wanted.values() for t in ids if t not in known]
        if missing:
            known.update(self._fetch(missing))
        return {
            album_id: tuple(isrc for t in track_ids if (isrc := known.get(t)))
            for album_id, track_ids in wanted.items()
        }

    def _first_tracks(self, album_ids: list[str], per_album: int) -> dict[str, list[str]]:
        with self.database.session() as session:
            rows = session.execute(
                select(SpotifyAlbum.id, SpotifyAlbum.data).where(SpotifyAlbum.id.in_(album_ids))
            ).all()
        return {
            album_id: [t["id"] for t in data["tracks"]["items"][:per_album] if t.get("id")]
            for album_id, data in rows
        }

    def _known(self, track_ids: list[str]) -> dict[str, str | None]:
        with self.database.session() as session:
            rows = session.execute(
                select(SpotifyTrack.id, SpotifyTrack.isrc).where(SpotifyTrack.id.in_(track_ids))
            ).all()
        return dict(rows)

    def _fetch(self, track_ids: list[str]) -> dict[str, str | None]:
        client = self.client()
        if client is None:
            return {}
        try:
            try:
                tracks = client.tracks(track_ids, None) if self.batched else {}
            except SpotifyForbidden:
                self.batched = False
            if not self.batched:
                tracks = client.track_each(track_ids, None)
        except SpotifyError as exc:
            self.problems.append(f"track ISRCs unavailable: {exc}")
            log.warning("track ISRCs unavailable: %s", exc)
            return {}
        finally:
            client.close()
        rows = [
            {
                "id": track_id,
                "album_id": track["album"]["id"],
                "isrc": (track.get("external_ids") or {}).get("isrc"),
                "data": track,
            }
            for track_id, track in tracks.items()
        ]
        with self.database.writer() as session:
            upsert(session, SpotifyTrack, rows, ["id"], ("isrc", "data", "album_id"))
        return {row["id"]: row["isrc"] for row in rows}
