"""The Lucene subset the matcher sends, parsed and evaluated against one document.

`field:term`, `field:"phrase"`, `field:(a OR b AND c)` (the field carries into the group),
AND / OR / NOT, parentheses, backslash escapes. Juxtaposed clauses are OR'ed (Lucene's
default operator); AND binds tighter than OR. A document is a mapping from field name to
the tokens (or, for `barcode`, the zero-stripped digits) it is indexed under.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

_TOKEN = re.compile(
    r'\s*(?:(?P<paren>[()])|(?P<phrase>"(?:\\.|[^"\\])*")|(?P<op>AND\b|OR\b|NOT\b|&&|\|\|)'
    r"|(?P<field>[A-Za-z][\w-]*):|(?P<word>(?:\\.|[^\s()\"])+))"
)


class QueryError(ValueError):
    pass


@dataclass(frozen=True)
class Term:
    field: str
    text: str
    phrase: bool


@dataclass(frozen=True)
class Op:
    kind: str  # AND, OR, NOT
    children: tuple[Node, ...]


Node = Term | Op
Analyzer = Callable[[str, str], list[str]]  # (field, text) -> the terms it means


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def parse(text: str, default_field: str) -> Node:
    tokens: list[tuple[str, str]] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            if text[position:].strip():
                raise QueryError(f"cannot read {text[position:][:20]!r}")
            break
        position = match.end()
        kind = match.lastgroup
        assert kind is not None
        tokens.append((kind, match.group(kind)))
    if not tokens:
        raise QueryError("empty query")
    parser = _Parser(tokens)
    node = parser.disjunction(default_field)
    if parser.at < len(tokens):
        raise QueryError(f"unexpected {tokens[parser.at][1]!r}")
    return node


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.at = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def disjunction(self, field: str) -> Node:
        children = [self.conjunction(field)]
        while (token := self.peek()) is not None and token != ("paren", ")"):
            if token[0] == "op" and token[1] in ("OR", "||"):
                self.at += 1
            children.append(self.conjunction(field))
        return children[0] if len(children) == 1 else Op("OR", tuple(children))

    def conjunction(self, field: str) -> Node:
        children = [self.unary(field)]
        while (
            (token := self.peek()) is not None
            and token[0] == "op"
            and token[1]
            in (
                "AND",
                "&&",
            )
        ):
            self.at += 1
            children.append(self.unary(field))
        return children[0] if len(children) == 1 else Op("AND", tuple(children))

    def unary(self, field: str) -> Node:
        token = self.peek()
        if token is not None and token == ("op", "NOT"):
            self.at += 1
            return Op("NOT", (self.unary(field),))
        return self.atom(field)

    def atom(self, field: str) -> Node:
        token = self.peek()
        if token is None:
            raise QueryError("query ends too early")
        self.at += 1
        kind, text = token
        if kind == "field":
            return self.atom(text.lower())
        if kind == "paren" and text == "(":
            node = self.disjunction(field)
            if self.peek() != ("paren", ")"):
                raise QueryError("unbalanced parenthesis")
            self.at += 1
            return node
        if kind == "phrase":
            return Term(field, _unescape(text[1:-1]), True)
        if kind == "word":
            return Term(field, _unescape(text), False)
        raise QueryError(f"unexpected {text!r}")


def matches(node: Node, document: Mapping[str, Sequence[str]], analyze: Analyzer) -> bool:
    if isinstance(node, Term):
        indexed = list(document.get(node.field, ()))
        wanted = analyze(node.field, node.text)
        if not wanted:
            return False
        if not node.phrase:
            return all(term in indexed for term in wanted)
        width = len(wanted)
        return any(indexed[i : i + width] == wanted for i in range(len(indexed) - width + 1))
    if node.kind == "NOT":
        return not matches(node.children[0], document, analyze)
    results = (matches(child, document, analyze) for child in node.children)
    return all(results) if node.kind == "AND" else any(results)
