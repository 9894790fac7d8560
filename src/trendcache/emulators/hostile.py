"""Hostile text both emulators' ``hostile_names`` faults hand out: what real catalogs carry.

Spotify relays what labels and distributors type, and MusicBrainz what its editors do:
names can carry NUL bytes, terminal escapes, right-to-left overrides that flip the text
around them, invisible zero-width characters, decomposed accents, or run to tens of
kilobytes. Each variant spoils one name; which variant an entity gets is chosen by its
id, so every answer naming it (a listing, a search hit, its own lookup) agrees.
"""

from __future__ import annotations

import unicodedata
import zlib
from collections.abc import Callable

LONG_NAME_CHARACTERS = 20_000


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
# Variants whose text, once cleaned as the app must, is the original again.
INVISIBLE = frozenset({"nul", "controls", "right_to_left", "zero_width"})


def variant_of(entity_id: str) -> str:
    """Which hostile variant an entity gets: stable across requests and processes."""
    names = list(VARIANTS)
    return names[zlib.crc32(entity_id.encode()) % len(names)]
