"""Pages the same for every visitor, rendered from templates into prepared bodies once per
version of what they show.

`body(key, version, template, values)` answers the kept `Prepared` body (every encoding,
ETags, 304s) while `key`'s version is the same, else renders `values()` into `template`,
prepares it with the pages' security headers (a lean path passes no middleware) and keeps
it in `pages` (`PreparedPages`: one version per key, bounded in bytes). `part` keeps a
costly piece several bodies share (one per `group`, replaced when its key moves).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Any

from jinja2 import Environment
from markupsafe import Markup

from trendcache.web.prepared import HTML, Prepared, prepare
from trendcache.web.prepared_pages import PreparedPages


class Rendered:
    def __init__(
        self,
        env: Environment,
        headers: Sequence[tuple[bytes, bytes]],
        pages: PreparedPages[Hashable],
    ) -> None:
        self.env = env
        self.headers = list(headers)
        self.pages = pages
        self.renders = 0  # bodies rendered rather than found ready (tests count them)
        self._parts: dict[Hashable, tuple[Hashable, Markup]] = {}

    def body(
        self,
        key: Hashable,
        version: Hashable,
        template: str,
        values: Callable[[], dict[str, Any]],
    ) -> Prepared:
        found = self.pages.get(key, version)
        if found is not None:
            return found
        generation = self.pages.generation
        html = self.env.get_template(template).render(values()).encode()
        prepared = prepare(html, HTML, headers=self.headers)
        self.pages.keep(key, version, prepared, generation)
        self.renders += 1
        return prepared

    def part(self, group: Hashable, key: Hashable, template: str, values: dict[str, Any]) -> Markup:
        kept = self._parts.get(group)
        if kept is not None and kept[0] == key:
            return kept[1]
        markup = Markup(self.env.get_template(template).render(values))
        self._parts[group] = (key, markup)
        return markup
