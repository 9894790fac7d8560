"""Turning songs into releases: track numbering, ids, codes and market lists.

A ``Song`` is a recording; the same song may be released several times (single, album,
deluxe edition, best-of, a Various Artists compilation), each time as a new track id with
the same ISRC, which is what lets a matcher link them.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from . import codes, names
from .markets import GLOBAL_MARKETS, HOME_MARKETS, REGIONAL_SHARE, REGIONS
from .model import Album, AlbumType, Artist, DatePrecision, Track

_RAP_GENRES = frozenset(
    {"hip hop", "trap", "grime", "uk drill", "deutschrap", "rap français", "svensk hip hop"}
    | {"funk carioca", "corridos tumbados", "canadian hip hop"}
)
_ISRC_PREFIXES = {"US": ("US", "QM", "QZ"), "GB": ("GB", "GB", "UK")}


@dataclass(frozen=True, slots=True)
class Song:
    name: str
    isrc: str
    artist_ids: tuple[str, ...]
    explicit: bool
    duration_ms: int
    popularity_bias: int

    @classmethod
    def of(cls, track: Track) -> Song:
        return cls(track.name, track.isrc, track.artist_ids, track.explicit, track.duration_ms, 0)


class ReleaseFactory:
    """Collects albums; every id and code is derived from the release's stable key."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.albums: list[Album] = []

    def song(
        self,
        rng: random.Random,
        key: str,
        artist: Artist,
        year: int,
        *,
        name: str | None = None,
        guest: Artist | None = None,
    ) -> Song:
        title = name or names.title(rng, artist.country)
        artist_ids: tuple[str, ...] = (artist.id,)
        if guest is not None:
            artist_ids = (artist.id, guest.id)
            if rng.random() < 0.7:
                title = names.featuring(rng, title, guest.name)
        rap = not _RAP_GENRES.isdisjoint(artist.genres)
        prefix = rng.choice(_ISRC_PREFIXES.get(artist.country, (artist.country,)))
        return Song(
            name=title,
            isrc=codes.isrc(prefix, year, f"{self.seed}:{key}"),
            artist_ids=artist_ids,
            explicit=rng.random() < (0.4 if rap else 0.07),
            duration_ms=min(480_000, max(92_000, int(rng.gauss(198_000, 42_000)))),
            popularity_bias=rng.randint(-14, 6),
        )

    def release(
        self,
        key: str,
        *,
        name: str,
        album_type: AlbumType,
        artists: Sequence[Artist],
        when: date,
        songs: Sequence[Song],
        label: str,
        markets: tuple[str, ...],
        precision: DatePrecision = "day",
        disc_sizes: Sequence[int] = (),
    ) -> Album:
        rng = random.Random(f"{self.seed}:release:{key}")  # never disturbs the caller's draws
        album_id = codes.spotify_id(f"{self.seed}:album:{key}")
        popularity = _clamp(max(a.popularity for a in artists) + rng.randint(-18, 8))
        sizes = list(disc_sizes) or [len(songs)]
        tracks = []
        position = 0
        for disc, size in enumerate(sizes, start=1):
            for number, song in enumerate(songs[position : position + size], start=1):
                tracks.append(
                    Track(
                        id=codes.spotify_id(f"{self.seed}:track:{key}:{disc}:{number}"),
                        album_id=album_id,
                        name=song.name,
                        artist_ids=song.artist_ids,
                        duration_ms=song.duration_ms,
                        track_number=number,
                        disc_number=disc,
                        explicit=song.explicit,
                        isrc=song.isrc,
                        popularity=_clamp(popularity + song.popularity_bias),
                    )
                )
            position += size
        if precision == "month":
            when = when.replace(day=1)
        elif precision == "year":
            when = when.replace(month=1, day=1)
        album = Album(
            id=album_id,
            name=name,
            album_type=album_type,
            artist_ids=tuple(a.id for a in artists),
            release_date=when,
            release_date_precision=precision,
            tracks=tuple(tracks),
            upc=codes.upc(f"{self.seed}:{key}"),
            label=label,
            copyrights=names.copyrights(rng, when.year, label, artists[0].name),
            popularity=popularity,
            available_markets=markets,
            image_key=codes.image_key(f"{self.seed}:{key}"),
        )
        self.albums.append(album)
        return album


def markets_for(rng: random.Random, artist: Artist) -> tuple[str, ...]:
    """Mostly worldwide; some stay regional, a few worldwide ones miss a market or two."""
    if rng.random() < REGIONAL_SHARE.get(artist.country, 0.0):
        return REGIONS[artist.country]
    if rng.random() < 0.08:
        missing = set(rng.sample(HOME_MARKETS, rng.randint(1, 2))) - {artist.country}
        return tuple(m for m in GLOBAL_MARKETS if m not in missing)
    return GLOBAL_MARKETS


def _clamp(value: int) -> int:
    return min(100, max(0, value))
