"""Pages rendered once and served as bytes until what they show changes.

A page the same for every visitor is a function of a few inputs: `Rendered` keeps its
`Prepared` body (every encoding, ETags, 304s) under a key made of them, so a request costs
computing the key and a dict lookup, and a key not seen yet renders once. `part` keeps a
costly piece shared by several bodies (one per `group`, replaced when its key moves).
The least recently used bodies go beyond `limit`.

Used on the event loop only, so it needs no lock.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from typing import Any

from jinja2 import Environment
from markupsafe import Markup

from trendcache.web.prepared import Prepared, prepare

HTML = b"text/html; charset=utf-8"


class Rendered:
    def __init__(
        self, env: Environment, headers: Sequence[tuple[bytes, bytes]], *, limit: int = 64
    ) -> None:
        self.env = env
        self.headers = list(headers)  # the pages' security headers: a lean path adds none
        self.limit = limit
        self.renders = 0  # bodies rendered rather than found ready (tests count them)
        self._bodies: OrderedDict[Hashable, Prepared] = OrderedDict()
        self._parts: dict[Hashable, tuple[Hashable, Markup]] = {}

    def body(self, key: Hashable, template: str, values: Callable[[], dict[str, Any]]) -> Prepared:
        found = self._bodies.get(key)
        if found is not None:
            self._bodies.move_to_end(key)
            return found
        html = self.env.get_template(template).render(values()).encode()
        prepared = self._bodies[key] = prepare(html, HTML, headers=self.headers)
        self.renders += 1
        while len(self._bodies) > self.limit:
            self._bodies.popitem(last=False)
        return prepared

    def part(self, group: Hashable, key: Hashable, template: str, values: dict[str, Any]) -> Markup:
        kept = self._parts.get(group)
        if kept is not None and kept[0] == key:
            return kept[1]
        markup = Markup(self.env.get_template(template).render(values))
        self._parts[group] = (key, markup)
        return markup
