"""The catalog as data plus the one thing that changes over time: which day it is.

Releases dated after ``today`` exist in the data (they are scheduled) but are invisible
through the API until ``today`` reaches them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from .codes import digest
from .model import Album, Artist, Track

NEW_RELEASE_DAYS = 14


class Catalog:
    """Artists, albums and tracks with id lookups and the day-dependent views."""

    def __init__(
        self, *, seed: int, today: date, artists: Iterable[Artist], albums: Iterable[Album]
    ) -> None:
        self.seed = seed
        self.today = today
        self.artists: tuple[Artist, ...] = tuple(artists)
        self.albums: tuple[Album, ...] = tuple(
            sorted(albums, key=lambda a: (a.release_date, a.id), reverse=True)
        )
        self.tracks: tuple[Track, ...] = tuple(t for a in self.albums for t in a.tracks)
        self._artists = {a.id: a for a in self.artists}
        self._albums = {a.id: a for a in self.albums}
        self._tracks = {t.id: t for t in self.tracks}
        self._by_artist: dict[str, list[Album]] = {}
        for album in self.albums:
            for artist_id in album.artist_ids:
                self._by_artist.setdefault(artist_id, []).append(album)

    def artist(self, artist_id: str) -> Artist | None:
        return self._artists.get(artist_id)

    def album(self, album_id: str) -> Album | None:
        """Any album, released or scheduled; check ``is_released`` before serving it."""
        return self._albums.get(album_id)

    def track(self, track_id: str) -> Track | None:
        return self._tracks.get(track_id)

    def artists_of(self, ids: Iterable[str]) -> list[Artist]:
        return [self._artists[i] for i in ids]

    def albums_by(self, artist_id: str) -> list[Album]:
        """Released albums crediting the artist, newest first."""
        return [a for a in self._by_artist.get(artist_id, []) if self.is_released(a)]

    def is_released(self, album: Album) -> bool:
        return album.release_date <= self.today

    def released_albums(self) -> list[Album]:
        return [a for a in self.albums if self.is_released(a)]

    def is_new(self, album: Album) -> bool:
        """Released within the last two weeks, today included (Spotify's ``tag:new``)."""
        return self.today - timedelta(days=NEW_RELEASE_DAYS - 1) <= album.release_date <= self.today

    def new_releases(self, market: str | None = None) -> list[Album]:
        """The market's albums from the last two weeks in editorial order."""
        fresh = [
            a
            for a in self.albums
            if self.is_new(a) and (market is None or market in a.available_markets)
        ]
        return sorted(fresh, key=lambda a: (-self.editorial_score(a), a.id))

    def editorial_score(self, album: Album) -> float:
        """Mix of recency and artist prominence, nudged per day so positions move like a chart.

        The artist term is why obscure releases sink in ``tag:new`` results, as users have
        long reported (spotify/web-api#862).
        """
        age = (self.today - album.release_date).days
        recency = max(0.0, 1 - age / NEW_RELEASE_DAYS)
        prominence = max((self._artists[i].popularity for i in album.artist_ids), default=0)
        jitter = digest(f"{album.id}:{self.today.isoformat()}") % 1000 / 1000
        full_album = 0.05 if album.album_type == "album" else 0.0
        return 0.45 * recency + 0.4 * prominence / 100 + 0.15 * jitter + full_album
