"""Deterministic catalog generation from a seed and a "today": artists, then their releases.

Every random draw comes from a ``random.Random`` seeded with a string naming the seed and
the thing being drawn, so adding a release to one artist never reshuffles another.
"""

from __future__ import annotations

import random
from datetime import date

from . import codes, names
from .backlist import back_catalog, various_artists
from .catalog import Catalog
from .discography import Discography, generation_anchor
from .markets import HOME_MARKETS
from .model import Artist
from .words import GENRES

ARTIST_COUNT = 300
_HOME_WEIGHTS = (20, 12, 9, 7, 8, 12, 9, 9, 7, 7)


def build_catalog(seed: int = 2026, today: date | None = None) -> Catalog:
    """Build the whole catalog; the same ``seed`` and ``today`` always give the same data.

    Days within the same two-week period give the same data too, differing only in which
    releases are out yet; ids depend on the seed alone.
    """
    day = today or date.today()
    artists = _artists(seed)
    discography = Discography(seed, generation_anchor(day), artists)
    for index, artist in enumerate(artists):
        back_catalog(discography, index, artist)
        discography.cycles(index, artist)
    various = various_artists(discography)
    albums = discography.factory.albums
    return Catalog(seed=seed, today=day, artists=(*artists, various), albums=albums)


def _artists(seed: int) -> list[Artist]:
    used: set[str] = set()
    artists = []
    for index in range(ARTIST_COUNT):
        rng = random.Random(f"{seed}:artist:{index}")
        country = rng.choices(HOME_MARKETS, _HOME_WEIGHTS)[0]
        name, group = names.artist_name(rng, country)
        while name in used:
            name, group = names.artist_name(rng, country)
        used.add(name)
        popularity = round(rng.betavariate(1.6, 2.6) * 100)
        if rng.random() < 0.05:
            popularity = rng.randint(82, 97)
        genre_count = rng.randint(0 if popularity < 20 else 1, 3)
        artists.append(
            Artist(
                id=codes.spotify_id(f"{seed}:artist:{index}"),
                name=name,
                genres=tuple(rng.sample(GENRES[country], genre_count)),
                followers=int(10 ** (1.5 + popularity / 100 * 6) * rng.uniform(0.6, 1.6)),
                popularity=popularity,
                country=country,
                image_key=codes.image_key(f"{seed}:artist:{index}"),
                is_group=group,
            )
        )
    return artists
