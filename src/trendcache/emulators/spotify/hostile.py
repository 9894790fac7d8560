"""Hostile names for the ``hostile_names`` fault: text a real catalog can hand out.

Spotify relays what labels and distributors type (the variants are in
``emulators.hostile``, shared with the MusicBrainz emulator). With the switch on, every
album object served (listed, searched, in a batch, alone, or inside a track) gets one of
these in its name, its artists' names and its label, chosen by the album's id so that a
listing and the album's details agree. The long variant also carries an over-long
Spotify URL.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import Response

from trendcache.emulators.hostile import VARIANTS, variant_of

from .errors import SpotifyJSON

LONG_URL_PADDING = 300


def _poison_album(album: dict[str, Any]) -> None:
    variant = variant_of(str(album.get("id", "")))
    spoil = VARIANTS[variant]
    if isinstance(album.get("name"), str):
        album["name"] = spoil(album["name"])
    if isinstance(album.get("label"), str):
        album["label"] = spoil(album["label"])
    for artist in album.get("artists") or []:
        if isinstance(artist, dict) and isinstance(artist.get("name"), str):
            artist["name"] = spoil(artist["name"])
    urls = album.get("external_urls")
    if variant == "long" and isinstance(urls, dict) and isinstance(urls.get("spotify"), str):
        urls["spotify"] = f"{urls['spotify']}?si={'x' * LONG_URL_PADDING}"


def _walk(value: Any) -> None:
    if isinstance(value, list):
        for item in value:
            _walk(item)
    elif isinstance(value, dict):
        for item in value.values():
            _walk(item)
        if value.get("type") == "album":
            _poison_album(value)


def poison(response: Response) -> Response:
    """The same answer with every album object's names made hostile."""
    if response.status_code != 200:
        return response
    document = json.loads(bytes(response.body))
    _walk(document)
    return SpotifyJSON(document)
