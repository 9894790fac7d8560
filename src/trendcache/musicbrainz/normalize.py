"""Turning Spotify's and MusicBrainz's spellings of one album into comparable strings.

Distributor feeds and MusicBrainz editors write the same release differently: feeds add
" - Single" and "(feat. X)", MusicBrainz moves guests into the artist credit and editions
into the disambiguation; editors vary case, diacritics, typography and "&"/"and". And
barcodes: MusicBrainz stores whatever digits editors typed, so a UPC-A may be stored with
a leading zero (EAN-13) or padded further.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_FEED_SUFFIX = re.compile(r"\s+-\s+(single|ep)\s*$", re.IGNORECASE)
_GUESTS = re.compile(
    r"\s*[\(\[](?:feat\.?|ft\.?|featuring|with)\s+(?P<who>[^)\]]+)[\)\]]", re.IGNORECASE
)
_EDITION_WORDS = (
    "deluxe|expanded|remaster(?:ed)?|anniversary|edition|version|special|super|bonus|"
    "extended|live|acoustic|remix(?:es)?|instrumental|explicit|clean|mono|stereo"
)
_EDITION = re.compile(
    rf"\s*(?:[\(\[](?P<p>[^)\]]*\b(?:{_EDITION_WORDS})\b[^)\]]*)[\)\]]"
    rf"|\s+-\s+(?P<d>[^-]*\b(?:{_EDITION_WORDS})\b.*))\s*$",
    re.IGNORECASE,
)
_NAME_PART = re.compile(r"\s*[\(\[](?P<part>[^)\]]+)[\)\]]\s*$")
_EDITION_WORD = re.compile(rf"\b(?:{_EDITION_WORDS})\b", re.IGNORECASE)
_TYPOGRAPHY = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2010": "-",
        "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2026": "...",
    }
)  # fmt: skip
_NOT_WORD = re.compile(r"[^\w]+", re.UNICODE)
_SEPARATORS = re.compile(r"\s*(?:,|&|\band\b|\+|/)\s*", re.IGNORECASE)


@dataclass(frozen=True)
class Title:
    """An album title split into the part every spelling shares and the decorations."""

    base: str
    guests: tuple[str, ...]
    edition: str  # comparable edition words, "" for the plain release

    @property
    def bare(self) -> str:
        """The base without a closing parenthetical that is part of the name, not an edition:
        Spotify's "Weezer (Blue Album)" is MusicBrainz's "Weezer" ("blue album" its comment)."""
        part = _NAME_PART.search(self.base)
        return (self.base[: part.start()].strip() if part else "") or self.base


def split_title(name: str) -> Title:
    title = _FEED_SUFFIX.sub("", name.strip())
    guests: list[str] = []
    for guest in _GUESTS.finditer(title):
        guests.extend(part for part in _SEPARATORS.split(guest["who"]) if part)
    title = _GUESTS.sub("", title)
    edition = ""
    while marker := _EDITION.search(title):
        words = comparable(marker["p"] or marker["d"] or "")
        edition = " ".join(filter(None, [words, edition]))
        title = title[: marker.start()]
    return Title(title.strip() or name.strip(), tuple(guests), edition)


_REMARKS = re.compile(r"\s*[,;]\s*")


def edition_remarks(comment: str) -> str:
    """The remarks of a disambiguation that name an edition, without those about the
    pressing: "deluxe, 24bit/96kHz" -> "deluxe"; "2025 remaster, JVC Pressing" -> "2025
    remaster"."""
    return ", ".join(part for part in _REMARKS.split(comment) if _EDITION_WORD.search(part))


def edition_words(text: str) -> set[str]:
    """Only the edition words in a text: "clean/edited" -> {"clean"}; a pressing has none."""
    found = {_EDITION_SYNONYMS.get(w.casefold(), w.casefold()) for w in _EDITION_WORD.findall(text)}
    return found - _EDITION_FILLER


# Variants of the same content: a clean and an explicit pressing hold the same album.
_VARIANT_WORDS = {"clean", "explicit", "mono", "stereo"}


def content_words(found: set[str]) -> set[str]:
    """The edition words that mean other content (remaster, live, deluxe...), not a variant."""
    return found - _VARIANT_WORDS


# Edition words that name another work (its own release group), not another edition of it.
_OTHER_WORK_WORDS = {"live", "acoustic", "remix", "instrumental"}


def other_work_words(found: set[str]) -> set[str]:
    """The edition words that make another work: "live", "remix"..., not "remaster"."""
    return found & _OTHER_WORK_WORDS


_EDITION_SYNONYMS = {"remastered": "remaster", "remasters": "remaster", "remixes": "remix"}
_EDITION_FILLER = {"edition", "version", "the", "and"}


def edition_key(text: str) -> str:
    """Edition words in a canonical order: "Remastered 2025" and "2025 remaster" agree."""
    found = {_EDITION_SYNONYMS.get(word, word) for word in comparable(text).split()}
    return " ".join(sorted(found - _EDITION_FILLER))


def fold(text: str) -> str:
    """Without diacritics or typographic variants, case-folded."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_TYPOGRAPHY))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFKC", stripped).casefold()


def comparable(text: str) -> str:
    """Folded words only: "Déjà Vu & Co." and "deja vu and co" compare equal."""
    words = _NOT_WORD.sub(" ", fold(text).replace("&", " and ")).split()
    return " ".join(words)


def words(text: str) -> list[str]:
    """Search terms: comparable words without "and" (MusicBrainz may spell it "&")."""
    return [word for word in comparable(text).split() if word != "and"]


def barcode_key(barcode: str | None) -> str | None:
    """The digits without leading zeros: how barcodes must be compared."""
    if not barcode:
        return None
    digits = re.sub(r"\D", "", barcode).lstrip("0")
    return digits or None


def barcode_spellings(barcode: str | None) -> list[str]:
    """Every way MusicBrainz may store this barcode: no leading zeros up to 14 digits."""
    key = barcode_key(barcode)
    if key is None:
        return []
    return list(dict.fromkeys([key, *(key.zfill(width) for width in range(11, 15))]))
