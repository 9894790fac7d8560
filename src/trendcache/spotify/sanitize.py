"""Upstream text made safe to store and show, before anything is validated or cached.

Spotify relays whatever labels and distributors type: names can carry NUL bytes (which
PostgreSQL refuses in text and in JSONB, while SQLite stores them), terminal escapes,
right-to-left overrides that flip the text around them, invisible zero-width characters,
decomposed accents, or run to tens of kilobytes (longer than the history's columns, which
PostgreSQL enforces and SQLite does not). Every string of every fetched document passes
through `clean_document`, so both databases store the same, and neither refuses it:

- text is NFC-normalised; C0/C1 controls and lone surrogates are removed, line breaks and
  tabs become one space (none at either end); bidi embeddings, overrides and isolates,
  zero-width spaces, word joiners and byte order marks are removed. Zero-width
  (non-)joiners are kept only between two non-ASCII characters, where scripts and emoji
  sequences need them (Persian, Indic, 👩‍💻), and removed where they only hide something
  (inside a Latin name, at either end);
- names and labels longer than `NAME_LIMIT` are cut on a character boundary with an
  ellipsis; other text at `TEXT_LIMIT`; codes (dates, album types) at their columns'
  width, identifiers (UPC, ISRC) that do not fit are dropped;
- links must be http(s) without spaces and fit their columns, else they become null;
- ids must be Spotify's base-62: an object in a list with an invalid `id` or `url` (an
  album, an artist credit, an image) is left out rather than stored.

The limits match the columns in `db/history.py` (a test checks that they agree).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

NAME_LIMIT = 500  # albums.name, albums.label, artists.name
TEXT_LIMIT = 1000  # any other text: copyright lines, genres; JSON only
ERROR_LIMIT = 1000  # an error message recorded for a run or a cache key
ID_LIMIT = 64  # albums.id, artists.id, album_appearances.album_id …
ELLIPSIS = "…"
NAME_KEYS = frozenset({"name", "label"})
IDENTITY_FIELDS = frozenset({"id", "url"})
# Links and how long each may be: Spotify's own URL (albums/artists.spotify_url), an
# image (albums.image), and API links kept in the cached JSON only.
LINK_LIMITS = {"spotify": 200, "url": 500, "href": 2000, "next": 2000, "previous": 2000}
LINK_LIMITS["preview_url"] = 2000
# Codes cut to their column's width; identifiers that would not fit are no identifiers.
CODE_LIMITS = {"release_date": 10, "release_date_precision": 5, "album_type": 20, "type": 20}
IDENTIFIER_LIMITS = {"upc": 20, "ean": 20, "isrc": 20}

_SPACE_CHARS = "\t\n\v\f\r\x1c\x1d\x1e\x1f\x85\u2028\u2029"  # line breaks, tabs, separators
_REMOVED_CHARS = (
    "\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f"  # controls that are not line breaks or tabs
    "\u202a-\u202e\u2066-\u2069\u206a-\u206f"  # bidi embeddings, overrides, isolates
    "\u200b\u2060\ufeff"  # zero-width space, word joiner, byte order mark
    "\ud800-\udfff"  # lone surrogates (no UTF-8 encoding exists for them)
)
_JOINERS = "\u200c\u200d"
_SPACES = re.compile(f"[{_SPACE_CHARS}]+")
_REMOVED = re.compile(f"[{_REMOVED_CHARS}]")
_SUSPECT = re.compile(f"[{_SPACE_CHARS}{_REMOVED_CHARS}{_JOINERS}]")
_SPOTIFY_ID = re.compile(f"[0-9A-Za-z]{{1,{ID_LIMIT}}}")
_LINK = re.compile(r'https?://[^\s"<>]+')
# What may not begin a cut: joiners, variation selectors, skin tones and emoji tags
# belong to the character before them (combining marks are found by category).
_VARIATION = re.compile("[\u200c\u200d\ufe00-\ufe0f\U0001f3fb-\U0001f3ff\U000e0020-\U000e007f]")
_INVALID = object()  # an id or link that cannot be kept


def clean_text(value: str, limit: int | None = None) -> str:
    """`value` normalised, without controls, bidi or hiding characters, within `limit`."""
    suspect = _SUSPECT.search(value) is not None
    if suspect:
        value = _SPACES.sub(" ", _REMOVED.sub("", value).strip(_SPACE_CHARS))
    value = _nfc(value)
    if suspect:  # joiners are judged by their neighbours as finally composed
        value = _nfc(_drop_lone_joiners(value))
    if limit is not None and len(value) > limit:
        value = truncate(value, limit)
    return value


def truncate(value: str, limit: int) -> str:
    """The start of `value` and an ellipsis, `limit` characters at most, never splitting
    a character from its combining marks, variation selectors or emoji modifiers."""
    cut = limit - len(ELLIPSIS)
    while cut > 0 and _continues(value, cut):
        cut -= 1
    return value[:cut].rstrip() + ELLIPSIS


def clean_document(document: Any) -> Any:
    """A fetched JSON document with every string cleaned (see the module's rules)."""
    return _clean(document, None)


def _clean(value: Any, key: str | None, *, in_list: bool = False) -> Any:
    """The cleaned value; `_INVALID` for an object in a list whose id or url is unusable."""
    if isinstance(value, str):
        cleaned = _clean_string(value, key)
        return None if cleaned is _INVALID else cleaned
    if isinstance(value, list):
        items = [_clean(item, key, in_list=True) for item in value]
        return [item for item in items if item is not _INVALID]
    if isinstance(value, dict):
        result, invalid = {}, False
        for name, item in value.items():
            cleaned = _clean_string(item, name) if isinstance(item, str) else _clean(item, name)
            if cleaned is _INVALID:
                invalid = invalid or name in IDENTITY_FIELDS
                cleaned = None
            result[clean_text(name, TEXT_LIMIT)] = cleaned
        # Left out of its list; anywhere else kept with the field null, for validation.
        return _INVALID if invalid and in_list else result
    return value


def _clean_string(value: str, key: str | None) -> Any:
    if key == "id":
        value = clean_text(value)
        return value if _SPOTIFY_ID.fullmatch(value) else _INVALID
    if key in LINK_LIMITS:
        value = clean_text(value)
        return value if len(value) <= LINK_LIMITS[key] and _LINK.fullmatch(value) else _INVALID
    if key in CODE_LIMITS:
        return clean_text(value)[: CODE_LIMITS[key]]
    if key in IDENTIFIER_LIMITS:
        value = clean_text(value).strip()
        return value if len(value) <= IDENTIFIER_LIMITS[key] else None
    return clean_text(value, NAME_LIMIT if key in NAME_KEYS else TEXT_LIMIT)


def _nfc(value: str) -> str:
    return value if unicodedata.is_normalized("NFC", value) else unicodedata.normalize("NFC", value)


def _drop_lone_joiners(value: str) -> str:
    if _JOINERS[0] not in value and _JOINERS[1] not in value:
        return value
    kept = []
    for at, char in enumerate(value):
        if char in _JOINERS:
            before = value[at - 1] if at > 0 else " "
            after = value[at + 1] if at + 1 < len(value) else " "
            if not (_joins(before) and _joins(after)):
                continue
        kept.append(char)
    return "".join(kept)


def _joins(char: str) -> bool:
    return not char.isascii() and not char.isspace() and char not in _JOINERS


def _continues(value: str, at: int) -> bool:
    """Whether `value[at]` belongs to the grapheme before it (a cut there would split it)."""
    char, before = value[at], value[at - 1]
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Mc", "Me"):
        return True
    if _VARIATION.match(char) or before in _JOINERS:
        return True
    return _regional(char) and _regional(before) and _regional_run(value, at) % 2 == 1


def _regional(char: str) -> bool:
    return "\U0001f1e6" <= char <= "\U0001f1ff"


def _regional_run(value: str, at: int) -> int:
    """How many regional indicators (flag halves) come right before `value[at]`."""
    count = 0
    while at - count - 1 >= 0 and _regional(value[at - count - 1]):
        count += 1
    return count
