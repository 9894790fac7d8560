"""Hostile names for the ``hostile_names`` fault: text MusicBrainz editors can type.

With the switch on, every entity in a 200 answer (a release, recording, release group,
track, artist, label or area, wherever it is nested) has its ``title``, ``name``,
``sort-name`` and non-empty ``disambiguation`` spoiled by one of the shared variants
(``emulators.hostile``), chosen by the entity's MBID so that a search hit and a lookup
of the same release agree. An artist-credit entry, which has no id of its own, shares
the variant of the release (or recording, or group) it credits. Ids, URLs, dates and
codes are left alone: the answer still names the same things.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import Response

from trendcache.emulators.hostile import VARIANTS, variant_of

from .errors import MusicBrainzJSON

SPOILED_KEYS = ("title", "name", "sort-name", "disambiguation")


def _walk(value: Any, owner: str) -> None:
    if isinstance(value, list):
        for item in value:
            _walk(item, owner)
        return
    if not isinstance(value, dict):
        return
    entity = value.get("id")
    owner = entity if isinstance(entity, str) and entity else owner
    spoil = VARIANTS[variant_of(owner)]
    for key in SPOILED_KEYS:
        text = value.get(key)
        if isinstance(text, str) and text:
            value[key] = spoil(text)
    for key, item in value.items():
        if key not in SPOILED_KEYS:
            _walk(item, owner)


def poison(response: Response) -> Response:
    """The same answer with every entity's names made hostile; refusals pass as they are."""
    if response.status_code != 200:
        return response
    document = json.loads(bytes(response.body))
    _walk(document, "")
    return MusicBrainzJSON(document)
