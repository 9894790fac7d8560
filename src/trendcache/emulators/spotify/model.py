"""Plain typed catalog records, shared by the Spotify emulator and anything built on its data.

They carry no Spotify JSON concerns (see ``render``), so a MusicBrainz emulator can be
built from the very same releases, artists and recordings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

AlbumType = Literal["album", "single", "compilation"]
DatePrecision = Literal["day", "month", "year"]


@dataclass(frozen=True, slots=True)
class Artist:
    """A performer; ``country`` is the home market, which decides regional releases."""

    id: str
    name: str
    genres: tuple[str, ...]
    followers: int
    popularity: int
    country: str
    image_key: str
    is_group: bool


@dataclass(frozen=True, slots=True)
class Track:
    """One track on one album.

    A song that appears on a single, its album and a deluxe edition is three ``Track``
    records with different ids but the same ISRC, exactly as on Spotify.
    """

    id: str
    album_id: str
    name: str
    artist_ids: tuple[str, ...]
    duration_ms: int
    track_number: int
    disc_number: int
    explicit: bool
    isrc: str
    popularity: int


@dataclass(frozen=True, slots=True)
class Copyright:
    text: str
    type: Literal["C", "P"]


@dataclass(frozen=True, slots=True)
class Album:
    """A release as Spotify lists it (album, single/EP or compilation)."""

    id: str
    name: str
    album_type: AlbumType
    artist_ids: tuple[str, ...]
    release_date: date
    release_date_precision: DatePrecision
    tracks: tuple[Track, ...]
    upc: str
    label: str
    copyrights: tuple[Copyright, ...]
    popularity: int
    available_markets: tuple[str, ...]
    image_key: str

    @property
    def total_tracks(self) -> int:
        return len(self.tracks)

    @property
    def release_date_text(self) -> str:
        """The date string Spotify sends, cut to the precision it actually knows."""
        iso = self.release_date.isoformat()
        return {"day": iso, "month": iso[:7], "year": iso[:4]}[self.release_date_precision]
