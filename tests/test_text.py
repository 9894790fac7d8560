"""`trendcache.text`: hostile text cleaned, legitimate text of every script left exactly alone.

Each upstream package's document rules are tested beside it (`tests/spotify/`,
`tests/musicbrainz/test_sanitize.py`); these are the rules they share.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trendcache.text import (
    ELLIPSIS,
    ERROR_LIMIT,
    INVALID,
    clean_json,
    clean_link,
    clean_text,
    recordable,
)

NAME_LIMIT = 500
FORBIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200b\u2060\ufeff]")
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


def test_recorded_errors_are_clean_and_bounded() -> None:
    message = recordable("MusicBrainz answered 400: \u202ebad\x00 " + "x" * 5000)
    assert message.startswith("MusicBrainz answered 400: bad x")
    assert len(message) == ERROR_LIMIT and message.endswith(ELLIPSIS)


@pytest.mark.parametrize(
    ("link", "kept"),
    [
        ("https://open.spotify.com/album/x", True),
        ("http://example.org/a?b=c", True),
        ("\u200bhttps://open.spotify.com/album/x", True),  # cleaned first
        ("javascript:alert(1)", False),
        ("https://example.org/a b", False),
        ("https://example.org/" + "x" * 100, False),  # over its limit
    ],
)
def test_links_are_http_and_fit_or_invalid(link: str, kept: bool) -> None:
    cleaned = clean_link(link, 60)
    assert (cleaned is not INVALID) == kept
    if kept:
        assert cleaned == clean_text(link)


def _rule(value: str, key: str | None) -> Any:
    if key in ("id", "ids"):
        return value if value.isdigit() else INVALID
    return clean_text(value, 10)


def test_clean_json_leaves_out_what_cannot_be_identified_and_bounds_the_rest() -> None:
    document = {
        "items": [{"id": "1", "name": "One\x00"}, {"id": "x", "name": "Bad"}, None],
        "lone": {"id": "x", "name": "Kept"},
        "ids": ["1", "x", "2"],
        "odd\u202ekey": "y" * 50,
        "count": 3,
    }
    assert clean_json(document, _rule, frozenset({"id"}), 100) == {
        "items": [{"id": "1", "name": "One"}, None],  # the member without a usable id: out
        "lone": {"id": None, "name": "Kept"},  # alone: kept for validation to refuse
        "ids": ["1", "2"],
        "oddkey": "y" * 9 + ELLIPSIS,
        "count": 3,
    }
