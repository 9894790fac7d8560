"""How a Spotify title becomes a MusicBrainz title, and how editors' spellings drift.

MusicBrainz style differs from distributor feeds in systematic ways: featured artists
live in the artist credit, not the title ("Song (feat. X)" by A is "Song" by "A feat.
X"); feed suffixes such as " - Single" and " - EP" are dropped; edition markers such as
"(Deluxe Edition)" move to the disambiguation comment (or stay, lower-cased, when
printed on the cover). On top of that, titles entered by hand drift in case, diacritics,
typography and "&" versus "and". A matcher has to survive all of it.

Self-titled albums are the exception to "the title is the title": Spotify names them by
their nickname ("Weezer (Blue Album)"), MusicBrainz prints the sleeve ("Weezer") and keeps
the nickname in the comments ("blue album" on the release, "Blue Album" on the group).
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

_FEED_SUFFIX = re.compile(r"\s+-\s+(?:Single|EP)$")
_FEATURING = re.compile(r"\s+\((?:feat\.|ft\.|with)\s+(?P<who>[^)]+)\)$")
_EDITIONS = (
    (re.compile(r"\s+\((?P<e>Deluxe Edition|Deluxe|Expanded Edition|Deluxe Version)\)$"), "{e}"),
    (re.compile(r"\s+\(Remastered (?P<y>\d{4})\)$"), "{y} remaster"),
    (re.compile(r"\s+-\s+Remastered (?P<y>\d{4})$"), "{y} remaster"),
    (re.compile(r"\s+\((?P<y>\d{4}) Remaster\)$"), "{y} remaster"),
)
_NICKNAME = re.compile(r"\s+\((?P<n>[A-Z][a-z]+ Album)\)$")


@dataclass(frozen=True, slots=True)
class Styled:
    """A Spotify title split the MusicBrainz way.

    ``base`` is the title without feed suffix, guests or edition, as Spotify prints it on
    every edition of the album; ``edition`` the lower-cased edition ("deluxe edition",
    "2011 remaster") or ""; ``marker`` the edition as Spotify printed it, for releases
    that keep it in the title; ``nickname`` a self-titled album's "Blue Album" or "".
    """

    base: str
    featured: str | None
    edition: str
    marker: str
    nickname: str = ""

    @property
    def bare(self) -> str:
        """The title MusicBrainz prints: the base without the nickname."""
        found = _NICKNAME.search(self.base)
        return self.base[: found.start()] if found else self.base


def split_featuring(name: str) -> tuple[str, str | None]:
    """``("Song", "X")`` for ``"Song (feat. X)"``; the guest moves to the artist credit."""
    if found := _FEATURING.search(name):
        return name[: found.start()], found["who"]
    return name, None


def styled(name: str) -> Styled:
    title, featured = split_featuring(_FEED_SUFFIX.sub("", name))
    edition = marker = ""
    for pattern, template in _EDITIONS:
        if found := pattern.search(title):
            marker = title[found.start() :].strip(" -()")
            edition = template.format(**found.groupdict()).lower()
            title = title[: found.start()]
            break
    nickname = found["n"] if (found := _NICKNAME.search(title)) else ""
    return Styled(title, featured, edition, marker, nickname)


def fold(text: str) -> str:
    """Without diacritics (``"Déjà-vu"`` -> ``"Deja-vu"``), keeping the case."""
    decomposed = unicodedata.normalize("NFKD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not _combining(c)))


def _combining(char: str) -> bool:
    return unicodedata.combining(char) != 0


def _casing(text: str, rng: random.Random) -> str:
    words = " ".join(w[:1].upper() + w[1:].lower() for w in text.split(" "))
    return rng.choice([text.lower(), words, text.upper()])


def _typography(text: str, rng: random.Random) -> str:
    """Editors type curly apostrophes, real ellipses and Unicode hyphens, or drop "!"."""
    return (
        text.replace("'", "\N{RIGHT SINGLE QUOTATION MARK}")
        .replace("...", "\N{HORIZONTAL ELLIPSIS}")
        .replace("-", "\N{HYPHEN}")
        .replace("!", "")
    )


def _ampersand(text: str, rng: random.Random) -> str:
    if " & " in text:
        return text.replace(" & ", " and ")
    return re.sub(r" and ", " & ", text, flags=re.IGNORECASE)


def _diacritics(text: str, rng: random.Random) -> str:
    return fold(text)


VARIATIONS: dict[str, Callable[[str, random.Random], str]] = {
    "casing": _casing,
    "typography": _typography,
    "ampersand": _ampersand,
    "diacritics": _diacritics,
}


def drift(text: str, rng: random.Random, most: int = 2) -> tuple[str, tuple[str, ...]]:
    """``text`` with up to ``most`` applicable spelling variations, and their names.

    Only variations that change the text count, so a title without diacritics never
    claims a diacritics variation. Titles in scripts without case may stay as they are.
    """
    applied: list[str] = []
    for name in rng.sample(sorted(VARIATIONS), len(VARIATIONS)):
        varied = VARIATIONS[name](text, rng)
        if varied != text and len(applied) < most:
            text = varied
            applied.append(name)
    return text, tuple(applied)


def sort_name(name: str, person: bool) -> str:
    """MusicBrainz sort names: "Carter, Maya" for people, "Golden Tides, The" for bands."""
    if name.startswith("The "):
        return f"{name[4:]}, The"
    parts = name.split(" ")
    if person and len(parts) == 2 and parts[0] not in ("DJ", "MC", "Lil", "Young"):
        return f"{parts[1]}, {parts[0]}"
    return name
