"""Web requests counted by route template, method and status, and timed per route.

Counted into the process's `Tally` (a dict update, no I/O), summed over every web process
at scrape time. The route is the template FastAPI matched (`/api/albums/{album_id}`),
the static files' `/static`, or `unmatched`: never the raw path, so a scan of made-up URLs
adds no series. The lean path of `/api/cache/trending` (`app.py`) counts itself through
the same `RequestCounter`, as it never reaches this middleware.
"""

from __future__ import annotations

import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from trendcache.tally import CounterDef, HistogramDef, Key, Series, Tally

UNMATCHED = "unmatched"
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

REQUESTS = CounterDef(
    "trendcache_http_requests_total",
    "Web requests answered, by route template, method and status (304s included).",
    ("route", "method", "status"),
)
DURATION = HistogramDef(
    "trendcache_http_request_duration_seconds",
    "How long the web app took to answer, by route template.",
    ("route",),
    (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)
RATE_LIMITED = CounterDef(
    "trendcache_api_rate_limited_total",
    "Requests to /api/spotify/trending refused with 429 (the per-client limit).",
    (),
    initial=((),),
)
SNAPSHOT_REBUILDS = CounterDef(
    "trendcache_snapshot_rebuilds_total",
    "Rebuilds of the web processes' in-memory trending snapshots, by reason.",
    ("reason",),
)
DEFINITIONS = (REQUESTS, DURATION, RATE_LIMITED, SNAPSHOT_REBUILDS)


MAX_SERIES = 2000  # keys kept ready; beyond, made per request (bounded labels never get here)


class RequestCounter:
    """Counts and times web requests into the tally, with each series' keys made once: on
    the lean read path, counting costs a lookup and three dict updates."""

    def __init__(self, tally: Tally) -> None:
        self.tally = tally
        self._keys: dict[tuple[str, str, int], tuple[Key, Series]] = {}

    def record(self, route: str, method: str, status: int, seconds: float) -> None:
        keys = self._keys.get((route, method, status))
        if keys is None:
            shown = method if method in METHODS else "other"
            keys = (REQUESTS.key(route, shown, str(status)), DURATION.series(route))
            if len(self._keys) < MAX_SERIES:
                self._keys[(route, method, status)] = keys
        self.tally.count_and_observe(keys[0], keys[1], seconds)


def route_of(scope: Scope) -> str:
    """The template of the route that served `scope`, or `UNMATCHED`.

    The router leaves the route it chose in the scope (`HeadAndOptions` passes it on for a
    HEAD it served as a GET); an OPTIONS answered before routing has none, and counts as
    `UNMATCHED` as a path no route serves does.
    """
    path = getattr(scope.get("route"), "path", None)
    return path if isinstance(path, str) and path else UNMATCHED


class RequestMetrics:
    """ASGI middleware: every HTTP request through FastAPI, counted when it is answered."""

    def __init__(self, app: ASGIApp, counter: RequestCounter) -> None:
        self.app = app
        self.counter = counter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500  # unless a response starts: an error that escaped every handler

        async def send_counted(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_counted)
        finally:
            seconds = time.perf_counter() - start
            self.counter.record(route_of(scope), scope["method"], status, seconds)
