"""ListenBrainz's document rules: every string of an answer made safe before it is used.

ListenBrainz relays MusicBrainz's names (what editors type) and listeners' tags, so text
is cleaned by `trendcache.text` like the other upstreams'; on top of that, its keys:

- `…_mbid` and members of `…_mbids` must be MBIDs (UUIDs, 36 characters); an item of a
  list whose `release_group_mbid` is not one is left out (it cannot be stored or joined),
  any other bad MBID becomes null for validation to judge;
- names longer than `NAME_LIMIT` are cut with an ellipsis, any other text at `TEXT_LIMIT`.
"""

from __future__ import annotations

import re
from typing import Any

from trendcache.text import INVALID, clean_json, clean_text

NAME_LIMIT = 500  # as the other upstreams' names
TEXT_LIMIT = 1000
NAME_KEYS = frozenset({"release_name", "artist_credit_name", "artist_name", "release_group_name"})
IDENTITY_FIELDS = frozenset({"release_group_mbid"})

MBID = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
_MBID = re.compile(MBID)


def clean_document(document: Any) -> Any:
    """An answer with every string cleaned (see the module's rules)."""
    return clean_json(document, _clean_string, IDENTITY_FIELDS, TEXT_LIMIT)


def _clean_string(value: str, key: str | None) -> Any:
    if key is not None and key.endswith(("_mbid", "_mbids")):
        value = clean_text(value)
        return value.lower() if _MBID.fullmatch(value) else INVALID
    return clean_text(value, NAME_LIMIT if key in NAME_KEYS else TEXT_LIMIT)
