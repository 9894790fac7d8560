"""Pressing comments: how editors tell pressings of one edition apart in a disambiguation.

They describe the object, not the music: who pressed the disc, how it looks, the club
that sold it, the resolution of a download, a clean version of explicit lyrics. Unlike
"deluxe edition" or "2011 remaster" they do not make another edition, and a matcher
must not read them as one, even when they hold the word "edition" ("club edition") or
follow an edition in the same comment ("deluxe edition, 24bit/96kHz").
"""

from __future__ import annotations

from trendcache.emulators.spotify.codes import digest

PHYSICAL = (
    "JVC Pressing",
    "silver faced",
    "club edition",
    "Disctronics pressing",
    "PDO pressing",
    "made in Germany",
)
DIGITAL = ("24bit/96kHz", "24bit/44.1kHz", "hi-res")
CLEAN = "clean"  # only on an album without explicit tracks: it is the same content
PHYSICAL_SHARE, DIGITAL_SHARE = 35, 8  # percent of releases


def pressing(seed: int, key: str, *, physical: bool, explicit: bool) -> str:
    """The release's pressing comment, or "" (most releases have none)."""
    draw = digest(f"{seed}:mb:pressing:{key}")
    if draw % 100 >= (PHYSICAL_SHARE if physical else DIGITAL_SHARE):
        return ""
    choices = PHYSICAL if physical else DIGITAL if explicit else (*DIGITAL, CLEAN)
    return choices[draw // 100 % len(choices)]


def comment(*parts: str) -> str:
    """One disambiguation from its parts, as editors join them: "blue album, JVC Pressing"."""
    return ", ".join(part for part in parts if part)


def described(disambiguation: str) -> bool:
    """Whether a disambiguation holds a pressing comment."""
    return any(part in (*PHYSICAL, *DIGITAL, CLEAN) for part in disambiguation.split(", "))
