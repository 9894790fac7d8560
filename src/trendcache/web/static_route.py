"""`/static`: the fingerprinted files, each body compressed once per process.

A route over `StaticAssets` rather than a mount of a directory: it matches a path only
when the map holds the file it names, so an unknown file, a traversal attempt, or an
`OPTIONS` for either, gets the app's ordinary 404, and `HeadAndOptions` (`methods.py`) sees
a route serving GET like any other (HEAD, OPTIONS, and a 405 with `Allow` for the rest). A
current fingerprint is sent `public, max-age=31536000, immutable`; a plain name (old links,
tools) or a fingerprint that is not current `no-cache`, revalidated by its ETag.

Bodies are prepared (`prepared.prepare`: br, zstd, gzip, an ETag each, 304, HEAD) on a
file's first request, in a worker thread, and kept for the life of the process in
`PROCESS_BODIES`, keyed by name and content hash: the tests build hundreds of apps and
most never ask for the 1.7 MB Swagger bundle, whose preparation takes 105-140 ms on this
2-core machine (brotli ~28, zstd ~22, gzip ~46): paid once per process, off the event loop.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from typing import Any

import anyio.to_thread
from starlette.datastructures import URLPath
from starlette.exceptions import HTTPException
from starlette.routing import BaseRoute, Match, NoMatchFound
from starlette.types import Receive, Scope, Send

from trendcache.web.prepared import REVALIDATE, Headers, Prepared, prepare
from trendcache.web.static_assets import PREFIX, Asset, Found, StaticAssets

IMMUTABLE = b"public, max-age=31536000, immutable"
READ = ("GET", "HEAD")
FOUND = "trendcache.static"  # the scope key carrying what `matches` found to `handle`


@dataclass(frozen=True)
class Bodies:
    """A file's prepared body, with the two cache policies it is sent under."""

    immutable: Prepared
    revalidated: Prepared  # the same bytes and ETags, `no-cache`


# Files up to this size are compressed at the codecs' highest levels (htmx: 40 ms for 8 %
# fewer bytes, once per process); Swagger's 1.7 MB bundle would take seconds, so not it.
BEST_UP_TO = 256 * 1024


class PreparedBodies:
    """Bodies prepared once per file content, shared by every app of the process."""

    def __init__(self) -> None:
        self._bodies: dict[tuple[str, str], Bodies] = {}
        self._locks: dict[tuple[str, str], threading.Lock] = {}
        self._lock = threading.Lock()

    def get(self, asset: Asset) -> Bodies | None:
        return self._bodies.get((asset.name, asset.digest))

    def prepare(self, asset: Asset) -> Bodies:
        """Blocking: the first caller for a file prepares it, the others wait for it."""
        key = (asset.name, asset.digest)
        with self._lock:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            bodies = self._bodies.get(key)
            if bodies is None:
                best = len(asset.body) <= BEST_UP_TO
                immutable = prepare(
                    asset.body, asset.content_type, cache_control=IMMUTABLE, best=best
                )
                bodies = Bodies(immutable, with_cache_control(immutable, REVALIDATE))
                self._bodies[key] = bodies
            return bodies


PROCESS_BODIES = PreparedBodies()


class StaticRoute(BaseRoute):
    path = "/static"  # the route label of the request metrics (`request_metrics.route_of`)
    name = "static"

    def __init__(self, assets: StaticAssets, bodies: PreparedBodies = PROCESS_BODIES) -> None:
        self.assets = assets
        self.bodies = bodies

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] == "http" and scope["path"].startswith(PREFIX):
            found = self.assets.find(scope["path"].removeprefix(PREFIX))
            if found is not None:
                match = Match.FULL if scope["method"] in READ else Match.PARTIAL
                # "route": for `request_metrics.route_of`; FastAPI's router leaves it to routes
                return match, {FOUND: found, "route": self}
        return Match.NONE, {}

    def url_path_for(self, name: str, /, **path_params: Any) -> URLPath:
        """`url_for('static', path='style.css')` links the fingerprinted file too."""
        if name == self.name and set(path_params) == {"path"}:
            try:
                return URLPath(self.assets.url(path_params["path"]))
            except KeyError:
                pass
        raise NoMatchFound(name, path_params)

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["method"] not in READ:
            raise HTTPException(status_code=405)  # its `Allow`: `methods.method_not_allowed`
        found: Found = scope[FOUND]
        bodies = self.bodies.get(found.asset)
        if bodies is None:
            bodies = await anyio.to_thread.run_sync(self.bodies.prepare, found.asset)
        await (bodies.immutable if found.current else bodies.revalidated).send(scope, send)


def with_cache_control(prepared: Prepared, cache_control: bytes) -> Prepared:
    """`prepared` with another `Cache-Control`, its bodies shared, not compressed again."""

    def swapped(headers: Headers) -> Headers:
        return [(n, cache_control if n == b"cache-control" else v) for n, v in headers]

    return Prepared(
        {
            encoding: replace(
                variant,
                headers=swapped(variant.headers),
                not_modified_headers=swapped(variant.not_modified_headers),
            )
            for encoding, variant in prepared.variants.items()
        }
    )
