"""Identifier formats: MBIDs derived from hashes, and barcodes as editors type them.

An MBID is a random (version 4) UUID. Deriving each one from a hash of (seed, what)
keeps every id stable when unrelated parts of the generator change, exactly like the
Spotify emulator's ids.
"""

from __future__ import annotations

import hashlib
import re

_MBID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def mbid(seed: int, key: str) -> str:
    """A version-4-shaped UUID that depends only on ``seed`` and ``key``."""
    raw = bytearray(hashlib.blake2b(f"{seed}:{key}".encode(), digest_size=16).digest())
    raw[6] = raw[6] & 0x0F | 0x40  # version 4
    raw[8] = raw[8] & 0x3F | 0x80  # RFC 4122 variant
    h = raw.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def is_mbid(text: str) -> bool:
    """MusicBrainz accepts any lower- or upper-case UUID; it answers lower case."""
    return _MBID.fullmatch(text.lower()) is not None


def retyped_barcode(upc: str, style: int) -> str:
    """The UPC as a MusicBrainz editor might have typed it off the sleeve.

    ``style`` 0 keeps it; 1 drops a leading zero (EAN-13 ``0720642442524`` typed as the
    UPC-A ``720642442524``; a UPC with two leading zeros becomes 11 digits, like the
    recorded ``07599251581``) or, with none to drop, adds one (UPC-A to EAN-13); 2 pads a
    12-digit UPC to the 14-digit GTIN form (``00602435640105`` in the recorded search).
    A matcher must therefore try every zero-padding of the digits, up to 14 long.
    """
    if style == 1:
        return upc[1:] if upc.startswith("0") else "0" + upc
    if style == 2 and len(upc) == 12:
        return "00" + upc
    return upc


def catalog_number(seed: int, key: str, label: str) -> str:
    """A label-style catalogue number such as ``"NBE-4821"``."""
    letters = "".join(w[0] for w in re.findall(r"[A-Za-z]+", label))[:4].upper() or "CAT"
    number = int.from_bytes(hashlib.blake2b(f"{seed}:{key}".encode(), digest_size=4).digest())
    return f"{letters}-{number % 9000 + 1000}"
