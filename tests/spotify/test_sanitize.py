"""`spotify.sanitize`: Spotify's documents cleaned key by key, recorded ones left alone.

The text rules it shares with MusicBrainz are tested in `tests/test_text.py`.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tests.fixtures.spotify import SpotifyReference
from trendcache.db.history import Album, Artist
from trendcache.db.models import AlbumAppearance, SpotifyTrack
from trendcache.emulators.spotify import SpotifyEmulator
from trendcache.spotify.models import AlbumListing
from trendcache.spotify.sanitize import (
    CODE_LIMITS,
    ID_LIMIT,
    IDENTIFIER_LIMITS,
    LINK_LIMITS,
    NAME_LIMIT,
    TEXT_LIMIT,
    clean_document,
)
from trendcache.text import clean_text

RECORDINGS = [
    "new_releases",
    "album_full",
    "several_albums",
    "several_artists",
    "search_tracks",
    "error_429_rate_limit",
]


@pytest.mark.parametrize("name", RECORDINGS)
def test_recorded_responses_pass_unchanged(spotify_reference: SpotifyReference, name: str) -> None:
    document = spotify_reference.fixture(name)
    assert clean_document(copy.deepcopy(document)) == document


def test_every_emulator_name_passes_unchanged(spotify_emulator: SpotifyEmulator) -> None:
    catalog = spotify_emulator.catalog
    names = [a.name for a in catalog.artists] + [a.label for a in catalog.albums]
    names += [a.name for a in catalog.albums] + [t.name for t in catalog.tracks]
    changed = [name for name in names if clean_text(name, NAME_LIMIT) != name]
    assert changed == []


def album(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": "4aawyAB9vmqN3uQ7FjRGTy",
        "name": "Global Warming",
        "album_type": "album",
        "artists": [{"id": "0TnOYISbd1XYRBk9myaseg", "name": "Pitbull"}],
        "images": [{"url": "https://i.scdn.co/image/ab67616d0000b273", "height": 640}],
        "release_date": "2012-11-16",
        "release_date_precision": "day",
        "total_tracks": 18,
        "uri": "spotify:album:4aawyAB9vmqN3uQ7FjRGTy",
        "external_urls": {"spotify": "https://open.spotify.com/album/4aawyAB9vmqN3uQ7FjRGTy"},
    }
    return {**base, **changes}


def listing(*items: dict[str, Any]) -> dict[str, Any]:
    page = {"href": None, "items": list(items), "limit": 20, "next": None, "offset": 0}
    return {"albums": {**page, "total": len(items)}}


def test_documents_keep_links_ids_and_codes_within_their_columns() -> None:
    long_url = "https://open.spotify.com/album/4aawyAB9vmqN3uQ7FjRGTy?si=" + "x" * 300
    dirty = album(
        name="\u202eGlobal\x00 Warming",
        external_urls={"spotify": long_url},
        images=[
            {"url": "javascript:alert(1)", "height": 640},
            {"url": "https://i.scdn.co/image/ok", "height": 300},
        ],
        artists=[
            {"id": "../../etc/passwd", "name": "Nobody"},
            {"id": "0TnOYISbd1XYRBk9myaseg", "name": "Pitbull\u200b"},
        ],
        release_date="2012-11-16T00:00:00Z",
        external_ids={"upc": "0" * 40},
    )
    clean = clean_document(listing(dirty, album(id="x" * 65), album(id="bad id")))
    items = clean["albums"]["items"]
    assert len(items) == 1  # albums without a usable id cannot be stored: left out
    (item,) = items
    assert item["name"] == "Global Warming"
    assert item["external_urls"] == {"spotify": None}
    assert item["images"] == [{"url": "https://i.scdn.co/image/ok", "height": 300}]
    assert item["artists"] == [{"id": "0TnOYISbd1XYRBk9myaseg", "name": "Pitbull"}]
    assert item["release_date"] == "2012-11-16"
    assert item["external_ids"] == {"upc": None}
    AlbumListing.model_validate(clean)


def test_documents_keep_nulls_and_clean_keys() -> None:
    document = {"albums": [None, album(), None], "odd\x00key": "value\x1b"}
    clean = clean_document(document)
    assert clean["albums"] == [None, album(), None]
    assert clean["oddkey"] == "value"


def test_a_lone_object_with_a_bad_id_is_kept_for_validation_to_refuse() -> None:
    assert clean_document(album(id="x" * 65))["id"] is None


def test_other_text_is_bounded_too() -> None:
    document = {"copyrights": [{"text": "© " + "x" * 5000, "type": "C"}], "genres": ["y" * 5000]}
    clean = clean_document(document)
    assert len(clean["copyrights"][0]["text"]) == TEXT_LIMIT
    assert len(clean["genres"][0]) == TEXT_LIMIT


def test_limits_fit_the_columns_they_end_up_in() -> None:
    """Both databases must accept what the sanitiser lets through (PostgreSQL enforces
    the widths that SQLite ignores)."""

    def width(column: Any) -> int:
        return int(column.type.length)

    for column in (Album.name, Album.label, Artist.name):
        assert width(column) >= NAME_LIMIT
    for column in (Album.spotify_url, Artist.spotify_url):
        assert width(column) >= LINK_LIMITS["spotify"]
    assert width(Album.image) >= LINK_LIMITS["url"]
    for column in (Album.id, Artist.id, AlbumAppearance.album_id, SpotifyTrack.album_id):
        assert width(column) >= ID_LIMIT
    assert width(Album.upc) >= IDENTIFIER_LIMITS["upc"]
    assert width(SpotifyTrack.isrc) >= IDENTIFIER_LIMITS["isrc"]
    for key, column in (
        ("release_date", Album.release_date),
        ("release_date_precision", Album.release_date_precision),
        ("album_type", Album.album_type),
    ):
        assert width(column) >= CODE_LIMITS[key]
