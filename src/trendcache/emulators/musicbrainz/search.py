"""An inverted index answering parsed Lucene queries with MusicBrainz-style 0-100 scores.

Text fields are analysed the way MusicBrainz's search analysers roughly do: case and
diacritics folded, split on anything that is not a letter or digit, CJK characters one
token each. Keyword fields (ids, barcode, date, ...) match the stored string exactly,
ignoring case only; in particular ``barcode:720642442524`` does not find a release
stored as ``0720642442524``, as on MusicBrainz, so matchers must query each zero-padded
form they accept.

Scoring is tf-idf-like: each matching term adds its inverse document frequency, scaled
down by the length of the field it matched in, so an exact title beats the same title
with "(Deluxe Edition)" added. Scores are then normalised so the best hit is 100, as
MusicBrainz reports them; equal documents tie (all 100 in a search for a common title).
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from .lucene import Clause, Not, Query

_CJK = "\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff"
_TOKEN = re.compile(f"[{_CJK}]|[^\\W_{_CJK}]+")
_SPECIAL = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ð": "d", "þ": "th", "ł": "l"})
_KEYWORD_WEIGHT = 4.0

# A document: field name -> its values (a release has one title but several artist names).
Document = Mapping[str, Sequence[str]]


@functools.lru_cache(maxsize=1 << 16)
def analyse(text: str) -> tuple[str, ...]:
    """Search tokens; cached, as artist names and titles recur across thousands of docs."""
    if text.isascii():
        return tuple(_TOKEN.findall(text.lower()))
    folded = unicodedata.normalize("NFKD", text.casefold().translate(_SPECIAL))
    return tuple(_TOKEN.findall("".join(c for c in folded if not unicodedata.combining(c))))


@dataclass(frozen=True, slots=True)
class Hit:
    doc: int
    score: int


class Index:
    """Documents with named text and keyword fields, searchable by ``lucene`` trees."""

    def __init__(
        self,
        documents: Sequence[Document],
        *,
        text_fields: Iterable[str],
        keyword_fields: Iterable[str],
        default_field: str,
        ids: Sequence[str],
    ) -> None:
        self.default_field = default_field
        self._ids = ids
        self._text = frozenset(text_fields)
        self._keyword = frozenset(keyword_fields)
        postings: defaultdict[tuple[str, str], set[int]] = defaultdict(set)
        self._values: list[dict[str, list[tuple[str, ...]]]] = []
        for n, document in enumerate(documents):
            values: dict[str, list[tuple[str, ...]]] = {}
            for name, raw in document.items():
                if name in self._keyword:
                    for value in raw:
                        postings[name, value.lower()].add(n)
                elif name in self._text:
                    values[name] = [analyse(value) for value in raw]
                    for tokens in values[name]:
                        for token in tokens:
                            postings[name, token].add(n)
            self._values.append(values)
        self._postings = dict(postings)
        self._count = len(self._values)

    def search(self, query: Query) -> list[Hit]:
        """Matching documents, best first; equal scores in id order, not by relevance."""
        scores = self._evaluate(query) or {}
        best = max(scores.values(), default=0.0)
        hits = [Hit(n, round(100 * s / best) if best > 0 else 100) for n, s in scores.items()]
        return sorted(hits, key=lambda h: (-h.score, self._ids[h.doc]))

    def _evaluate(self, query: Query, within: set[int] | None = None) -> dict[int, float] | None:
        """Scores of matching documents (only those ``within``, if given); None for a
        clause that analyses to nothing, which Lucene drops from the query."""
        if isinstance(query, Clause):
            return self._clause(query, within)
        if isinstance(query, Not):
            excluded = self._evaluate(query.child, within) or {}
            universe = within if within is not None else range(self._count)
            return {n: 0.0 for n in universe if n not in excluded}
        if query.op == "OR":
            parts = [self._evaluate(c, within) for c in query.children]
            merged: dict[int, float] = {}
            for part in filter(None, parts):
                for n, score in part.items():
                    merged[n] = merged.get(n, 0.0) + score
            return merged if any(p is not None for p in parts) else None
        totals: dict[int, float] | None = None
        for child in sorted(query.children, key=self._estimate):  # most selective first
            scores = self._evaluate(child, within if totals is None else set(totals))
            if scores is not None:
                totals = scores if totals is None else {n: totals[n] + s for n, s in scores.items()}
        return totals

    def _estimate(self, query: Query) -> int:
        """An upper bound on matches, to evaluate the most selective clause of an AND first."""
        if isinstance(query, Clause):
            field = query.field or self.default_field
            keys = [query.text.strip().lower()] if field in self._keyword else analyse(query.text)
            return min((len(self._postings.get((field, k), ())) for k in keys), default=0)
        return self._count

    def _clause(self, clause: Clause, within: set[int] | None) -> dict[int, float] | None:
        field = clause.field or self.default_field
        if field in self._keyword:
            found = self._postings.get((field, clause.text.strip().lower()), set())
            return dict.fromkeys(found if within is None else found & within, _KEYWORD_WEIGHT)
        if field not in self._text:
            return {}  # Lucene: a field no document has matches nothing
        tokens = analyse(clause.text)
        if not tokens:
            return None
        postings = sorted((self._postings.get((field, t), set()) for t in tokens), key=len)
        candidates = set.intersection(*postings, *([within] if within is not None else []))
        weight = sum(self._idf(field, t) for t in tokens)
        scores = {}
        for n in candidates:
            length = _match_length(self._values[n][field], tokens, adjacent=len(tokens) > 1)
            if length:
                scores[n] = weight / math.sqrt(length)
        return scores

    def _idf(self, field: str, token: str) -> float:
        return 1.0 + math.log(self._count / (1 + len(self._postings.get((field, token), ()))))


def _match_length(values: list[tuple[str, ...]], tokens: tuple[str, ...], *, adjacent: bool) -> int:
    """Length of the shortest value holding the tokens (in a row, for phrases); 0 if none.

    A single word whose analysis yields several tokens ("don't") is a phrase, as in
    Lucene; separate words are separate clauses and need not be adjacent.
    """
    lengths = [
        len(value)
        for value in values
        if (_contains_run(value, tokens) if adjacent else set(tokens) <= set(value))
    ]
    return min(lengths, default=0)


def _contains_run(value: tuple[str, ...], tokens: tuple[str, ...]) -> bool:
    size = len(tokens)
    return any(value[i : i + size] == tokens for i in range(len(value) - size + 1))
