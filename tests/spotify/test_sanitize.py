"""`sanitize`: hostile text cleaned, legitimate text of every script left exactly alone."""

from __future__ import annotations

import copy
import re
import unicodedata
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.fixtures.spotify import SpotifyReference
from trendcache.db.history import Album, Artist
from trendcache.db.models import AlbumAppearance, SpotifyTrack
from trendcache.emulators.spotify import SpotifyEmulator
from trendcache.spotify.models import AlbumListing
from trendcache.spotify.sanitize import (
    CODE_LIMITS,
    ELLIPSIS,
    ID_LIMIT,
    IDENTIFIER_LIMITS,
    LINK_LIMITS,
    NAME_LIMIT,
    TEXT_LIMIT,
    clean_document,
    clean_text,
)

FORBIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200b\u2060\ufeff]")
RECORDINGS = [
    "new_releases",
    "album_full",
    "several_albums",
    "several_artists",
    "search_tracks",
    "error_429_rate_limit",
]
LEGITIMATE = [
    "Sigur Rós",
    "Mötley Crüe",
    "東京事変",
    "BTS (방탄소년단)",
    "فيروز",
    "שלמה ארצי",
    "दिल से",  # Devanagari: vowel signs and a virama are combining marks
    "می‌خواهم",  # Persian: the zero-width non-joiner is part of the spelling
    "Family 👨‍👩‍👧 Time",  # an emoji ZWJ sequence
    "Flags 🇺🇸🇬🇧",
    "Thumbs 👍🏽",
    "Ζωή",
    "Straße",
    "ØCULIST",
    "A  B",  # ordinary spaces, even two, are kept
    "Nº 5 (Live at the Palladium) [2024 Remaster] - Single",
]


@pytest.mark.parametrize("text", LEGITIMATE)
def test_legitimate_names_survive_unchanged(text: str) -> None:
    assert clean_text(text, NAME_LIMIT) == text


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


@pytest.mark.parametrize(
    ("hostile", "clean"),
    [
        ("Null\x00Byte", "NullByte"),
        ("Bell\x07 Esc\x1b[31m C1\x85\x9f", "Bell Esc[31m C1"),
        ("Line\nbreak\r\n\ttab\n", "Line break tab"),
        ("\u202eevil\u202c txt.exe", "evil txt.exe"),
        ("\u2067isolated\u2069 \u202aembedded\u202c", "isolated embedded"),
        ("\u200bZero\u200dWidth\u2060\ufeff", "ZeroWidth"),  # the joiner hides, between ASCII
        ("\u200dمی‌خواهم\u200d", "می‌خواهم"),  # joiners at the ends go, inside stay
        ("Cafe\u0301", "Café"),  # decomposed accents are composed
        ("\u212b", "Å"),  # the Ångström sign is the letter
        ("Lone \ud800 surrogate", "Lone  surrogate"),
    ],
)
def test_hostile_characters_are_removed(hostile: str, clean: str) -> None:
    assert clean_text(hostile) == clean


def test_long_names_are_cut_with_an_ellipsis() -> None:
    name = clean_text("Long " + "W" * 20_000, NAME_LIMIT)
    assert len(name) == NAME_LIMIT
    assert name == ("Long " + "W" * 20_000)[: NAME_LIMIT - 1] + ELLIPSIS


@pytest.mark.parametrize(
    "tail",
    [
        "q\u0307",  # no precomposed form: the mark stays with its letter
        "👨‍👩‍👧",
        "👍🏽",
        "🇺🇸",
        "\u2764\ufe0f",  # a variation selector stays with its heart
    ],
)
def test_cuts_never_split_a_character(tail: str) -> None:
    for start in range(NAME_LIMIT - 8, NAME_LIMIT):
        text = "x" * start + tail * 30
        cut = clean_text(text, NAME_LIMIT)
        assert len(cut) <= NAME_LIMIT and cut.endswith(ELLIPSIS)
        kept = cut.removesuffix(ELLIPSIS).lstrip("x")
        assert kept == tail * (len(kept) // len(tail)), (start, kept)


HOSTILE_CHARACTERS = st.sampled_from(
    [
        *"\x00\x07\x1b\x85\x9f\t\n\u202a\u202e\u2066\u2069\u200b\u200c\u200d\u2060\ufeff",
        *("\u0301", "\u212a", "\ufe0f", "\U0001f3fd", "\U0001f1fa", "\ud800", " ", "a", "é", "ک"),
    ]
)


@given(st.text(st.one_of(st.characters(), HOSTILE_CHARACTERS), max_size=600))
def test_clean_text_is_safe_bounded_and_idempotent(text: str) -> None:
    clean = clean_text(text, NAME_LIMIT)
    assert not FORBIDDEN.search(clean)
    assert len(clean) <= NAME_LIMIT
    clean.encode("utf-8")  # no lone surrogates
    assert unicodedata.is_normalized("NFC", clean)
    assert clean_text(clean, NAME_LIMIT) == clean


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
