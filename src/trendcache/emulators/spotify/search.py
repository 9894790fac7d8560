"""Spotify search: free text plus field filters, ranked by relevance rather than popularity.

Matching ignores case and accents ("beyonce" finds "Beyoncé"), as Spotify's does. Field
values with spaces must be quoted (``artist:"Sigur Rós"``). Filters that do not apply to
a result type (``tag:new`` on tracks, ``isrc:`` on albums) match nothing of that type.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import TypeVar

from .catalog import Catalog
from .codes import digest
from .model import Album, Artist, Track

SEARCH_TYPES = ("album", "artist", "playlist", "track", "show", "episode", "audiobook")
_TOKEN = re.compile(r'(\w+):"([^"]*)"|(\w+):(\S+)|"([^"]*)"|(\S+)')
_FIELDS = frozenset({"album", "artist", "track", "year", "upc", "isrc", "genre", "tag"})
T = TypeVar("T")
_SPECIAL = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ð": "d", "þ": "th", "ł": "l"})


def fold(text: str) -> str:
    """Lower-case, accent-free form used on both sides of every comparison."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_SPECIAL))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@dataclass(frozen=True)
class Query:
    text: str
    terms: tuple[str, ...]
    filters: dict[str, list[str]] = field(default_factory=dict)

    @property
    def tags(self) -> list[str]:
        return self.filters.get("tag", [])


def parse(q: str) -> Query:
    terms: list[str] = []
    filters: dict[str, list[str]] = {}
    for quoted_key, quoted_value, key, value, phrase, word in _TOKEN.findall(q):
        name, content = (quoted_key, quoted_value) if quoted_key else (key, value)
        if name and name.lower() in _FIELDS:
            filters.setdefault(name.lower(), []).append(fold(content))
        elif phrase or word or name:
            terms.extend(fold(phrase or word or f"{name}:{content}").split())
    return Query(text=" ".join(terms), terms=tuple(terms), filters=filters)


def _years(spec: str) -> range:
    low, _, high = spec.partition("-")
    try:
        return range(int(low), int(high or low) + 1)
    except ValueError:
        return range(0)


class SearchIndex:
    """Folded names computed once per catalog so a query is a plain scan."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self._names = {a.id: fold(a.name) for a in catalog.artists}
        self._albums = {a.id: fold(a.name) for a in catalog.albums}
        self._tracks = {t.id: fold(t.name) for t in catalog.tracks}
        self._genres = {a.id: [fold(g) for g in a.genres] for a in catalog.artists}
        ranked = sorted(a.popularity for a in catalog.albums)
        self._hipster_cutoff = ranked[len(ranked) // 10] if ranked else 0

    def albums(self, query: Query, market: str | None) -> list[Album]:
        found = [
            album
            for album in self._albums_in(market)
            if self._filters_pass(query, partial(self._album_field, album))
            and self._terms_in(query, [self._albums[album.id], *self._artists(album.artist_ids)])
        ]
        if not query.text and "new" in query.tags:
            return sorted(found, key=lambda a: (-self.catalog.editorial_score(a), a.id))
        return _rank(query, [(a, self._albums[a.id], a.id) for a in found])

    def tracks(self, query: Query, market: str | None) -> list[tuple[Track, Album]]:
        found = []
        for album in self._albums_in(market):
            for track in album.tracks:
                haystack = [self._tracks[track.id], self._albums[album.id]]
                if self._filters_pass(
                    query, partial(self._track_field, track, album)
                ) and self._terms_in(query, haystack + self._artists(track.artist_ids)):
                    found.append((track, album))
        return _rank(query, [(pair, self._tracks[pair[0].id], pair[0].id) for pair in found])

    def artists(self, query: Query) -> list[Artist]:
        found = [
            artist
            for artist in self.catalog.artists
            if self._filters_pass(query, partial(self._artist_field, artist))
            and self._terms_in(query, [self._names[artist.id]])
        ]
        return _rank(query, [(a, self._names[a.id], a.id) for a in found])

    def _albums_in(self, market: str | None) -> list[Album]:
        released = self.catalog.released_albums()
        return [a for a in released if market is None or market in a.available_markets]

    def _artists(self, ids: Sequence[str]) -> list[str]:
        return [self._names[i] for i in ids]

    def _album_field(self, album: Album, name: str, value: str) -> bool:
        if name == "album":
            return value in self._albums[album.id]
        if name == "artist":
            return any(value in n for n in self._artists(album.artist_ids))
        if name == "year":
            return album.release_date.year in _years(value)
        if name == "upc":
            return value == album.upc
        if name == "tag" and value == "new":
            return self.catalog.is_new(album)
        if name == "tag" and value == "hipster":
            return album.popularity <= self._hipster_cutoff
        return False

    def _track_field(self, track: Track, album: Album, name: str, value: str) -> bool:
        if name == "track":
            return value in self._tracks[track.id]
        if name == "isrc":
            return value == fold(track.isrc)
        if name == "genre":
            return any(value in g for i in track.artist_ids for g in self._genres[i])
        if name == "artist":
            return any(value in n for n in self._artists(track.artist_ids))
        return name in ("album", "year") and self._album_field(album, name, value)

    def _artist_field(self, artist: Artist, name: str, value: str) -> bool:
        if name == "artist":
            return value in self._names[artist.id]
        if name == "genre":
            return any(value in g for g in self._genres[artist.id])
        return False

    @staticmethod
    def _filters_pass(query: Query, check: Callable[[str, str], bool]) -> bool:
        return all(check(name, v) for name, values in query.filters.items() for v in values)

    @staticmethod
    def _terms_in(query: Query, haystack: list[str]) -> bool:
        return all(any(term in text for text in haystack) for term in query.terms)


def _rank(query: Query, found: list[tuple[T, str, str]]) -> list[T]:
    """Exact name, then name prefix, then the rest; ties in a stable per-query order."""

    def key(entry: tuple[T, str, str]) -> tuple[int, int]:
        _, name, item_id = entry
        closeness = 0 if name == query.text else 1 if name.startswith(query.text) else 2
        return closeness, digest(f"{query.text}:{item_id}") % 1_000_003

    return [item for item, _, _ in sorted(found, key=key)]
