"""The part of Lucene's query syntax a MusicBrainz matcher uses, parsed into a small tree.

Supported: ``field:term``, ``field:"a phrase"``, ``field:(a OR b)`` (the field applies
inside the group), unqualified terms (the index's default field), ``AND``/``&&``,
``OR``/``||``, ``NOT``/``!``/``-term``, ``+term``, parentheses and backslash escapes.
Juxtaposed clauses are OR'ed, Lucene's default operator. Precedence is the conventional
NOT > AND > OR rather than Lucene's clause-flag quirks; every query a matcher sends
(``release:"x" AND artist:"y"``, ``barcode:(1 OR 2)``) means the same under both.
Wildcards, fuzzy ``~``, boosts and ranges are not supported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

_FIELD = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")
_OPERATORS = {"AND": "AND", "&&": "AND", "OR": "OR", "||": "OR", "NOT": "NOT", "!": "NOT"}
_STOP = frozenset('()"') | frozenset(" \t\r\n")


class QuerySyntaxError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Clause:
    field: str | None  # None: the index's default field
    text: str
    phrase: bool


@dataclass(frozen=True, slots=True)
class Bool:
    op: Literal["AND", "OR"]
    children: tuple[Query, ...]


@dataclass(frozen=True, slots=True)
class Not:
    child: Query


Query = Clause | Bool | Not
Token = tuple[str, str]  # (kind, text): "(", ")", "op", "phrase", "word", "field"


def parse(text: str) -> Query:
    tokens = _tokenize(text)
    if not tokens:
        raise QuerySyntaxError("empty query")
    parser = _Parser(tokens)
    query = parser.disjunction(None)
    if parser.position != len(tokens):
        raise QuerySyntaxError(f"unexpected {tokens[parser.position][1]!r}")
    return query


def _tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char.isspace():
            i += 1
        elif char in "()":
            tokens.append((char, char))
            i += 1
        elif char == '"':
            phrase, i = _until_quote(text, i + 1)
            tokens.append(("phrase", phrase))
        elif char in "+-!" and i + 1 < len(text) and text[i + 1] not in _STOP:
            if char != "+":
                tokens.append(("op", "NOT"))
            i += 1
        else:
            word, i = _word(text, i)
            tokens.extend(_classify(word))
    return tokens


def _until_quote(text: str, i: int) -> tuple[str, int]:
    chars = []
    while i < len(text) and text[i] != '"':
        if text[i] == "\\" and i + 1 < len(text):
            i += 1
        chars.append(text[i])
        i += 1
    if i >= len(text):
        raise QuerySyntaxError("unterminated phrase")
    return "".join(chars), i + 1


def _word(text: str, i: int) -> tuple[list[tuple[str, bool]], int]:
    """Characters up to a space, quote or parenthesis, each flagged if it was escaped."""
    chars = []
    while i < len(text) and text[i] not in _STOP:
        escaped = text[i] == "\\" and i + 1 < len(text)
        i += escaped
        chars.append((text[i], escaped))
        i += 1
    return chars, i


def _classify(word: list[tuple[str, bool]]) -> list[Token]:
    plain = "".join(c for c, _ in word)
    if not any(escaped for _, escaped in word) and plain in _OPERATORS:
        return [("op", _OPERATORS[plain])]
    colon = next((n for n, (c, escaped) in enumerate(word) if c == ":" and not escaped), None)
    if colon is not None and _FIELD.fullmatch(plain[:colon]):
        rest = plain[colon + 1 :]
        return [("field", plain[:colon].lower())] + ([("word", rest)] if rest else [])
    return [("word", plain)]


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.position = 0

    def _peek(self) -> Token | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def _take(self) -> Token:
        token = self._peek()
        if token is None:
            raise QuerySyntaxError("query ends too early")
        self.position += 1
        return token

    def disjunction(self, field: str | None) -> Query:
        """Clauses joined by OR or juxtaposed; a NOT clause among them excludes."""
        positive: list[Query] = []
        negative: list[Query] = []
        while (token := self._peek()) is not None and token[0] != ")":
            if token == ("op", "OR") and (positive or negative):
                self._take()
            clause = self.conjunction(field)
            (negative if isinstance(clause, Not) else positive).append(clause)
        if not positive and not negative:
            raise QuerySyntaxError("empty group")
        either: Query = positive[0] if len(positive) == 1 else Bool("OR", tuple(positive))
        if not negative:
            return either
        return Bool("AND", (either, *negative)) if positive else Bool("AND", tuple(negative))

    def conjunction(self, field: str | None) -> Query:
        clauses = [self.negation(field)]
        while self._peek() == ("op", "AND"):
            self._take()
            clauses.append(self.negation(field))
        return clauses[0] if len(clauses) == 1 else Bool("AND", tuple(clauses))

    def negation(self, field: str | None) -> Query:
        if self._peek() == ("op", "NOT"):
            self._take()
            return Not(self.negation(field))
        return self.primary(field)

    def primary(self, field: str | None) -> Query:
        kind, text = self._take()
        if kind == "(":
            inner = self.disjunction(field)
            if self._take()[0] != ")":
                raise QuerySyntaxError("missing ')'")
            return inner
        if kind == "field":
            return self.primary(text)
        if kind in ("phrase", "word"):
            return Clause(field, text, phrase=kind == "phrase")
        raise QuerySyntaxError(f"unexpected {text!r}")
