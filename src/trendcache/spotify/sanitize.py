"""Spotify's document rules: which keys of a fetched document are ids, links, codes, names.

Every string of every fetched document passes through `clean_document`, so both
databases store the same, and neither refuses it. Text is cleaned by `trendcache.text`
(NFC, no controls, bidi or hiding characters); on top of that, Spotify's keys:

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
from typing import Any

from trendcache.text import INVALID, clean_json, clean_link, clean_text

NAME_LIMIT = 500  # albums.name, albums.label, artists.name
TEXT_LIMIT = 1000  # any other text: copyright lines, genres; JSON only
ID_LIMIT = 64  # albums.id, artists.id, album_appearances.album_id …
NAME_KEYS = frozenset({"name", "label"})
IDENTITY_FIELDS = frozenset({"id", "url"})
# Links and how long each may be: Spotify's own URL (albums/artists.spotify_url), an
# image (albums.image), and API links kept in the cached JSON only.
LINK_LIMITS = {"spotify": 200, "url": 500, "href": 2000, "next": 2000, "previous": 2000}
LINK_LIMITS["preview_url"] = 2000
# Codes cut to their column's width; identifiers that would not fit are no identifiers.
CODE_LIMITS = {"release_date": 10, "release_date_precision": 5, "album_type": 20, "type": 20}
IDENTIFIER_LIMITS = {"upc": 20, "ean": 20, "isrc": 20}

_SPOTIFY_ID = re.compile(f"[0-9A-Za-z]{{1,{ID_LIMIT}}}")


def clean_document(document: Any) -> Any:
    """A fetched JSON document with every string cleaned (see the module's rules)."""
    return clean_json(document, _clean_string, IDENTITY_FIELDS, TEXT_LIMIT)


def _clean_string(value: str, key: str | None) -> Any:
    if key == "id":
        value = clean_text(value)
        return value if _SPOTIFY_ID.fullmatch(value) else INVALID
    if key in LINK_LIMITS:
        return clean_link(value, LINK_LIMITS[key])
    if key in CODE_LIMITS:
        return clean_text(value)[: CODE_LIMITS[key]]
    if key in IDENTIFIER_LIMITS:
        value = clean_text(value).strip()
        return value if len(value) <= IDENTIFIER_LIMITS[key] else None
    return clean_text(value, NAME_LIMIT if key in NAME_KEYS else TEXT_LIMIT)
