"""Artists, artist credits and labels: Spotify's names as MusicBrainz editors file them.

Every Spotify artist has a MusicBrainz artist. A few canonical names drift from
Spotify's spelling (diacritics, case, "&"/"and"), as real entries do; featured artists
join the credit with " feat. ", co-credited ones with " & ". Unrelated decoy artists,
who share titles with catalog albums, are MusicBrainz-only.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Sequence

from trendcache.emulators.spotify import names
from trendcache.emulators.spotify.catalog import Catalog
from trendcache.emulators.spotify.codes import digest
from trendcache.emulators.spotify.model import Artist as SpotifyArtist

from .constants import NO_LABEL_MBID, VARIOUS_ARTISTS_MBID
from .ids import mbid
from .model import Artist, ArtistCredit, Credit, Label
from .titles import drift, sort_name

DECOY_ARTISTS = 60
_MARKETS = ("US", "GB", "DE", "SE", "FR", "JP", "BR", "MX")
# Words that name no label in particular ("Polar Records" and "Polar Music" are one name).
_LABEL_FILLER = frozenset(
    {"records", "recordings", "music", "group", "entertainment", "sounds", "ltd", "ab", "the"}
)


class People:
    def __init__(self, catalog: Catalog, seed: int) -> None:
        self.seed = seed
        self._by_spotify_id = {a.id: self._artist(a) for a in catalog.artists}
        self._spotify_ids = {a.name: a.id for a in catalog.artists}
        self._labels: dict[str, Label] = {}
        self.decoys = self._decoys({a.name for a in catalog.artists})

    def artist(self, spotify_id: str) -> Artist:
        return self._by_spotify_id[spotify_id]

    def _artist(self, spotify: SpotifyArtist) -> Artist:
        if spotify.name == "Various Artists":
            return Artist(VARIOUS_ARTISTS_MBID, "Various Artists", "Various Artists", None, None)
        name = spotify.name
        if digest(f"{self.seed}:mb:artist-drift:{spotify.id}") % 100 < 6:
            name, _ = drift(name, random.Random(f"{self.seed}:mb:artist:{spotify.id}"), 1)
        person = not spotify.is_group
        return Artist(
            id=mbid(self.seed, f"artist:{spotify.id}"),
            name=name,
            sort_name=sort_name(name, person),
            type="Person" if person else "Group",
            country=spotify.country,
        )

    def credit(self, spotify_ids: Sequence[str], featured: str | None = None) -> ArtistCredit:
        """The artist credit of a release or recording.

        ``featured`` is a guest named in the Spotify title ("(feat. X)"); MusicBrainz
        credits the guest after " feat. " instead, whether or not Spotify also listed them.
        """
        artists = [self.artist(i) for i in spotify_ids]
        guest_id = self._spotify_ids.get(featured) if featured else None
        guest = self.artist(guest_id) if guest_id else None
        main = [a for a in artists if a != guest] or artists
        guest = None if guest in main else guest
        credits = [
            Credit(a, a.name, " & " if i < len(main) - 1 else "") for i, a in enumerate(main)
        ]
        if guest is not None:
            last = credits[-1]
            credits[-1] = Credit(last.artist, last.name, " feat. ")
            credits.append(Credit(guest, guest.name))
        return tuple(credits)

    def label(self, spotify_label: str, artist_names: Sequence[str]) -> Label:
        """Distributor suffixes ("Label/FUGA") go; self-releases are "[no label]"."""
        name = spotify_label.split("/")[0].strip()
        if name in artist_names:
            return Label(NO_LABEL_MBID, "[no label]")
        return self._named(name)

    def licensee(self, key: str, country: str, spotify_texts: Iterable[str]) -> Label:
        """Another label for a twin pressing, sharing no word with what Spotify shows of the
        album (its label and copyright lines): nothing on Spotify names it."""
        rng = random.Random(f"{self.seed}:mb:licensee:{key}")
        named = set().union(*map(_label_words, spotify_texts))
        for _ in range(100):
            candidate = names.label(rng, country, None).split("/")[0].strip()
            if (found := _label_words(candidate)) and not found & named:
                return self._named(candidate)
        return self._named(f"{country} Licensing Partners")

    def _named(self, name: str) -> Label:
        if name not in self._labels:
            self._labels[name] = Label(mbid(self.seed, f"label:{name}"), name)
        return self._labels[name]

    def decoy_for(self, key: str) -> Artist:
        return self.decoys[digest(f"{self.seed}:mb:decoy-artist:{key}") % len(self.decoys)]

    def _decoys(self, taken: set[str]) -> tuple[Artist, ...]:
        decoys = []
        for n in range(DECOY_ARTISTS):
            rng = random.Random(f"{self.seed}:mb:decoy:{n}")
            country = rng.choice(_MARKETS)
            name, group = names.artist_name(rng, country)
            while name in taken:
                name, group = names.artist_name(rng, country)
            taken.add(name)
            kind = "Group" if group else "Person"
            identifier = mbid(self.seed, f"decoy-artist:{n}")
            decoys.append(Artist(identifier, name, sort_name(name, not group), kind, country))
        return tuple(decoys)


def _label_words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.casefold())) - _LABEL_FILLER
