"""MusicBrainz's document rules: every string of a ws/2 answer made safe before it is used.

MusicBrainz serves what its editors type, so a title, an artist credit, a label or a
disambiguation can carry NUL bytes (which PostgreSQL refuses in JSONB, where the
response cache and the decisions' candidates keep them), controls, bidi overrides,
zero-width characters, decomposed accents or kilobytes of text. `clean_document` runs
on every answer before it is cached or validated, so both databases store the same and
matching compares the text a person would read. Text is cleaned by `trendcache.text`;
on top of that, ws/2's keys:

- titles, names, sort names and disambiguations longer than `NAME_LIMIT` are cut on a
  character boundary with an ellipsis, any other text at `TEXT_LIMIT`;
- `id` and every `…-id` must be an MBID (a UUID, 36 characters: the width of
  `enrichment_state.release_mbid`), members of `…-ids` lists too;
- `resource` (a URL entity's address, how answers are matched to our questions) must be
  an http(s) link that fits `LINK_LIMIT`;
- an object in a list whose `id` or `resource` is unusable (a search hit, a URL of a
  batch lookup, a credited artist) is left out; anywhere else the field becomes null and
  validation refuses the answer as malformed.
"""

from __future__ import annotations

import re
from typing import Any

from trendcache.text import INVALID, clean_json, clean_link, clean_text

NAME_LIMIT = 500  # as Spotify's names: bounded on every page that shows them
TEXT_LIMIT = 1000  # any other text: dates, barcodes, ISRCs, types; JSON only
MBID_LIMIT = 36  # enrichment_state.release_mbid, release_group_mbid
LINK_LIMIT = 2000
NAME_KEYS = frozenset({"title", "name", "sort-name", "disambiguation"})
IDENTITY_FIELDS = frozenset({"id", "resource"})

_MBID = re.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def clean_document(document: Any) -> Any:
    """A ws/2 JSON answer with every string cleaned (see the module's rules)."""
    return clean_json(document, _clean_string, IDENTITY_FIELDS, TEXT_LIMIT)


def _clean_string(value: str, key: str | None) -> Any:
    if key is not None and (key == "id" or key.endswith(("-id", "-ids"))):
        value = clean_text(value)
        return value if _MBID.fullmatch(value) else INVALID
    if key == "resource":
        return clean_link(value, LINK_LIMIT)
    return clean_text(value, NAME_LIMIT if key in NAME_KEYS else TEXT_LIMIT)
