"""Hostile names for the ``hostile_names`` fault: text a real catalog can hand out.

Spotify relays what labels and distributors type, so names can carry NUL bytes, terminal
escapes, right-to-left overrides that flip the text around them, invisible zero-width
characters, decomposed accents, or run to tens of kilobytes. With the switch on, every
album object served (listed, searched, in a batch, alone, or inside a track) gets one of
these in its name, its artists' names and its label, chosen by the album's id so that a
listing and the album's details agree. The long variant also carries an over-long
Spotify URL.
"""

from __future__ import annotations

import json
import unicodedata
import zlib
from collections.abc import Callable
from typing import Any

from starlette.responses import Response

from .errors import SpotifyJSON

LONG_NAME_CHARACTERS = 20_000
LONG_URL_PADDING = 300


def _nul(name: str) -> str:
    return f"{name[:1]}\x00{name[1:]}"


def _controls(name: str) -> str:
    return f"{name}\x07\x1b\x85\x9f"


def _right_to_left(name: str) -> str:
    return f"\u202e{name}\u202c\u2067\u2069"


def _zero_width(name: str) -> str:
    return f"\u200b\u200d{name}\u2060\ufeff"


def _decomposed(name: str) -> str:
    return unicodedata.normalize("NFD", f"{name} Café")


def _long(name: str) -> str:
    return f"{name} {'W' * LONG_NAME_CHARACTERS}"


VARIANTS: dict[str, Callable[[str], str]] = {
    "nul": _nul,
    "controls": _controls,
    "right_to_left": _right_to_left,
    "zero_width": _zero_width,
    "decomposed": _decomposed,
    "long": _long,
}


def variant_of(album_id: str) -> str:
    """Which hostile variant an album gets: stable across requests and processes."""
    names = list(VARIANTS)
    return names[zlib.crc32(album_id.encode()) % len(names)]


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
