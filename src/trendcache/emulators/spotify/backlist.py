"""Releases from before the current cycles: back catalog, best-ofs, remasters and
Various Artists compilations, which reuse earlier recordings (same ISRCs, new track ids).
"""

from __future__ import annotations

import bisect
import random
from datetime import date, timedelta

from . import codes, names
from .discography import HISTORY_DAYS, SCHEDULE_DAYS, Discography, friday
from .markets import GLOBAL_MARKETS
from .model import Album, AlbumType, Artist, DatePrecision
from .releases import Song, markets_for


def back_catalog(d: Discography, index: int, artist: Artist) -> None:
    rng = random.Random(f"{d.seed}:back:{index}")
    career = rng.randint(1, 12 + artist.popularity // 4)
    span = career * 365
    days = sorted(rng.randrange(span) for _ in range(min(3, 1 + career // 9)))
    label = d.label(rng, index)
    catalogue: list[Song] = []
    first: tuple[str, list[Song], int] | None = None
    for n, offset in enumerate(days):
        when = d.back_cutoff - timedelta(days=span - offset)
        kind: AlbumType = "album" if n == 0 or rng.random() < 0.6 else "single"
        size = rng.randint(8, 12) if kind == "album" else rng.randint(1, 2)
        songs = d.songs(rng, f"b{index}.{n}", artist, when.year, size)
        name = names.title(rng, artist.country) if kind == "album" else songs[0].name
        if kind == "album" and index in d.self_titling:  # several, years apart
            name = names.self_titled(artist.name, names.BACK_CATALOG_COLOURS[n])
        d.factory.release(
            f"b{index}.{n}",
            name=name,
            album_type=kind,
            artists=[artist],
            when=when,
            songs=songs,
            label=label,
            markets=markets_for(rng, artist),
            precision=_precision(rng, when),
        )
        catalogue += songs
        first = first or (name, songs, when.year)
    if career >= 10 and rng.random() < 0.6:
        start, end = d.back_cutoff.year - career, d.back_cutoff.year - 1
        best = rng.sample(catalogue, min(len(catalogue), rng.randint(10, 16)))
        d.factory.release(
            f"b{index}.best",
            name=names.compilation(rng, artist.name, start, end),
            album_type="compilation",
            artists=[artist],
            songs=best,
            label=label,
            when=d.back_cutoff - timedelta(days=rng.randrange(365)),
            markets=GLOBAL_MARKETS,
        )
    if first and career >= 16 and rng.random() < 0.5:
        name, songs, year = first
        year = min(year + rng.randint(12, 16), d.back_cutoff.year - 1)
        remastered = [
            d.factory.song(rng, f"b{index}.r{i}", artist, year, name=song.name)
            for i, song in enumerate(songs)
        ]
        d.factory.release(
            f"b{index}.r",
            name=names.remaster(rng, name, year),
            album_type="album",
            artists=[artist],
            when=date(year, rng.randint(1, 12), rng.randint(1, 28)),
            songs=remastered,
            label=label,
            markets=GLOBAL_MARKETS,
        )


def various_artists(d: Discography) -> Artist:
    various = Artist(
        id=codes.spotify_id(f"{d.seed}:artist:various"),
        name="Various Artists",
        genres=(),
        followers=0,
        popularity=0,
        country="US",
        image_key=codes.image_key(f"{d.seed}:artist:various"),
        is_group=True,
    )
    rng = random.Random(f"{d.seed}:various")
    days, recordings = _first_recordings(d.factory.albums)
    for n in range(14):
        offset = rng.randint(-HISTORY_DAYS, SCHEDULE_DAYS) if n % 2 else -rng.randint(60, 3000)
        when = friday(d.anchor + timedelta(days=offset), rng)
        pool = recordings[: bisect.bisect_left(days, when)]
        size = min(len(pool), rng.randint(60, 110) if n % 5 == 0 else rng.randint(18, 40))
        d.factory.release(
            f"v{n}",
            name=names.various(rng, when.year),
            album_type="compilation",
            artists=[various],
            when=when,
            songs=rng.sample(pool, size),
            label=names.label(rng, "", None),
            markets=GLOBAL_MARKETS,
        )
    return various


def _first_recordings(albums: list[Album]) -> tuple[list[date], list[Song]]:
    """Every recording once, ordered by the day it first came out on its artist's release."""
    earliest: dict[str, tuple[date, Song]] = {}
    for album in albums:
        if album.album_type == "compilation":
            continue
        for track in album.tracks:
            known = earliest.get(track.isrc)
            if known is None or album.release_date < known[0]:
                earliest[track.isrc] = (album.release_date, Song.of(track))
    ordered = sorted(earliest.values(), key=lambda pair: (pair[0], pair[1].isrc))
    return [day for day, _ in ordered], [song for _, song in ordered]


def _precision(rng: random.Random, when: date) -> DatePrecision:
    """Old releases often only know their month or year, as on Spotify."""
    if when.year < 2010:
        return rng.choices(("day", "month", "year"), (0.4, 0.25, 0.35))[0]
    return "day"
