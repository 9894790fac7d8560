"""Upstream text made safe to store and show: the rules every upstream package shares.

Spotify and MusicBrainz relay what people type: text can carry NUL bytes (which
PostgreSQL refuses in text and in JSONB, while SQLite stores them), terminal escapes,
right-to-left overrides that flip the text around them, invisible zero-width characters,
decomposed accents, or run to tens of kilobytes. `clean_text` makes one string safe:

- text is NFC-normalised; C0/C1 controls and lone surrogates are removed, line breaks and
  tabs become one space (none at either end); bidi embeddings, overrides and isolates,
  zero-width spaces, word joiners and byte order marks are removed. Zero-width
  (non-)joiners are kept only between two non-ASCII characters, where scripts and emoji
  sequences need them (Persian, Indic, 👩‍💻), and removed where they only hide something
  (inside a Latin name, at either end);
- text longer than its limit is cut on a character boundary with an ellipsis.

`clean_json` applies a package's own rules (which keys are ids, links, names…) to every
string of a fetched JSON document; each upstream package keeps its rules in its own
`sanitize` module. `recordable` bounds an error message that may quote upstream text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Any

ELLIPSIS = "…"
ERROR_LIMIT = 1000  # an error message recorded for a run, a cache key or an album
INVALID: Any = object()  # a rule's verdict: this id or link cannot be kept

# How a package cleans one string, given the key it is found under (its list's key for
# a list member): the cleaned text, None, or INVALID.
StringRule = Callable[[str, str | None], Any]

_SPACE_CHARS = "\t\n\v\f\r\x1c\x1d\x1e\x1f\x85\u2028\u2029"  # line breaks, tabs, separators
_REMOVED_CHARS = (
    "\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f"  # controls that are not line breaks or tabs
    "\u202a-\u202e\u2066-\u2069\u206a-\u206f"  # bidi embeddings, overrides, isolates
    "\u200b\u2060\ufeff"  # zero-width space, word joiner, byte order mark
    "\ud800-\udfff"  # lone surrogates (no UTF-8 encoding exists for them)
)
_JOINERS = "\u200c\u200d"
_SPACES = re.compile(f"[{_SPACE_CHARS}]+")
_REMOVED = re.compile(f"[{_REMOVED_CHARS}]")
_SUSPECT = re.compile(f"[{_SPACE_CHARS}{_REMOVED_CHARS}{_JOINERS}]")
_LINK = re.compile(r'https?://[^\s"<>]+')
# What may not begin a cut: joiners, variation selectors, skin tones and emoji tags
# belong to the character before them (combining marks are found by category).
_VARIATION = re.compile("[\u200c\u200d\ufe00-\ufe0f\U0001f3fb-\U0001f3ff\U000e0020-\U000e007f]")


def clean_text(value: str, limit: int | None = None) -> str:
    """`value` normalised, without controls, bidi or hiding characters, within `limit`."""
    suspect = _SUSPECT.search(value) is not None
    if suspect:
        value = _SPACES.sub(" ", _REMOVED.sub("", value).strip(_SPACE_CHARS))
    value = _nfc(value)
    if suspect:  # joiners are judged by their neighbours as finally composed
        value = _nfc(_drop_lone_joiners(value))
    if limit is not None and len(value) > limit:
        value = truncate(value, limit)
    return value


def recordable(message: str) -> str:
    """A message fit for any database and page: upstream text inside it may carry anything."""
    return clean_text(message, ERROR_LIMIT)


def clean_link(value: str, limit: int) -> Any:
    """An http(s) link without spaces that fits `limit`, cleaned; else INVALID."""
    value = clean_text(value)
    return value if len(value) <= limit and _LINK.fullmatch(value) else INVALID


def truncate(value: str, limit: int) -> str:
    """The start of `value` and an ellipsis, `limit` characters at most, never splitting
    a character from its combining marks, variation selectors or emoji modifiers."""
    cut = limit - len(ELLIPSIS)
    while cut > 0 and _continues(value, cut):
        cut -= 1
    return value[:cut].rstrip() + ELLIPSIS


def clean_json(document: Any, rule: StringRule, identity: frozenset[str], key_limit: int) -> Any:
    """`document` with every string cleaned by `rule` and every key by `clean_text`.

    A string `rule` finds INVALID becomes null, or is left out of its list. An object
    whose `identity` field is INVALID is left out of its list (it cannot be stored or
    matched); anywhere else it is kept with that field null, for validation to refuse.
    """
    return _clean(document, None, rule, identity, key_limit, in_list=False)


def _clean(
    value: Any,
    key: str | None,
    rule: StringRule,
    identity: frozenset[str],
    key_limit: int,
    *,
    in_list: bool,
) -> Any:
    if isinstance(value, str):  # a list member, or the whole document
        cleaned = rule(value, key)
        return cleaned if in_list or cleaned is not INVALID else None
    if isinstance(value, list):
        items = [_clean(item, key, rule, identity, key_limit, in_list=True) for item in value]
        return [item for item in items if item is not INVALID]
    if isinstance(value, dict):
        result, invalid = {}, False
        for name, item in value.items():
            if isinstance(item, str):
                cleaned = rule(item, name)
                if cleaned is INVALID:
                    invalid, cleaned = invalid or name in identity, None
            else:
                cleaned = _clean(item, name, rule, identity, key_limit, in_list=False)
            result[clean_text(name, key_limit)] = cleaned
        return INVALID if invalid and in_list else result
    return value


def _nfc(value: str) -> str:
    return value if unicodedata.is_normalized("NFC", value) else unicodedata.normalize("NFC", value)


def _drop_lone_joiners(value: str) -> str:
    if _JOINERS[0] not in value and _JOINERS[1] not in value:
        return value
    kept = []
    for at, char in enumerate(value):
        if char in _JOINERS:
            before = value[at - 1] if at > 0 else " "
            after = value[at + 1] if at + 1 < len(value) else " "
            if not (_joins(before) and _joins(after)):
                continue
        kept.append(char)
    return "".join(kept)


def _joins(char: str) -> bool:
    return not char.isascii() and not char.isspace() and char not in _JOINERS


def _continues(value: str, at: int) -> bool:
    """Whether `value[at]` belongs to the grapheme before it (a cut there would split it)."""
    char, before = value[at], value[at - 1]
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Mc", "Me"):
        return True
    if _VARIATION.match(char) or before in _JOINERS:
        return True
    return _regional(char) and _regional(before) and _regional_run(value, at) % 2 == 1


def _regional(char: str) -> bool:
    return "\U0001f1e6" <= char <= "\U0001f1ff"


def _regional_run(value: str, at: int) -> int:
    """How many regional indicators (flag halves) come right before `value[at]`."""
    count = 0
    while at - count - 1 >= 0 and _regional(value[at - count - 1]):
        count += 1
    return count
