"""What the upstream clients count: every request to Spotify, MusicBrainz and ListenBrainz
by endpoint and outcome, its latency, Retry-After waits, waits for the shared limiter,
MusicBrainz 503s.

Counted into the process's `Tally` (no I/O), summed over every process at scrape time.
Labels stay bounded: an endpoint is a template (`/v1/albums/{id}`, never an id), an
outcome one of `OUTCOMES`, a MusicBrainz zone the kind of zone, not the address in it.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol
from urllib.parse import urlsplit

import httpx2

from trendcache.tally import CounterDef, HistogramDef, Tally


class RequestMeter(Protocol):
    """Counts every request sent, retries included, against a budget (a sync's
    `DailyBudget`); `before_request` raises when it is spent."""

    def before_request(self) -> None: ...
    def after_response(self, status: int | None) -> None: ...


class Unbudgeted:
    """A `RequestMeter` with no budget: every request may go."""

    def before_request(self) -> None:
        pass

    def after_response(self, status: int | None) -> None:
        pass


OUTCOMES = ("2xx", "404", "429", "503", "4xx", "5xx", "timeout", "error")

REQUESTS = CounterDef(
    "trendcache_upstream_requests_total",
    "Requests sent upstream (retries included), by service, endpoint and outcome.",
    ("service", "endpoint", "outcome"),
)
DURATION = HistogramDef(
    "trendcache_upstream_request_duration_seconds",
    "How long upstream requests took, from sending to the answer's headers (or the error).",
    ("service", "endpoint"),
    (0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
RETRY_AFTER_WAITS = CounterDef(
    "trendcache_upstream_retry_after_waits_total",
    "Times a 429 (or MusicBrainz's per-client 503) had us wait its Retry-After.",
    ("service",),
)
RETRY_AFTER_SECONDS = CounterDef(
    "trendcache_upstream_retry_after_wait_seconds_total",
    "Seconds spent waiting out Retry-After.",
    ("service",),
)
LIMITER_WAIT = HistogramDef(
    "trendcache_upstream_limiter_wait_seconds",
    "How long each request waited for a slot of the rate limiter every process shares.",
    ("service",),
    (0.01, 0.1, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0),
)
MUSICBRAINZ_REFUSALS = CounterDef(
    "trendcache_musicbrainz_rate_limited_total",
    "MusicBrainz 503s (and 429s) by rate-limit zone: `ws` is our own client limit, "
    "`global` their load shedding, `none` an answer without a zone.",
    ("zone",),
    initial=(("ws",), ("global",)),
)
DEFINITIONS = (
    REQUESTS,
    DURATION,
    RETRY_AFTER_WAITS,
    RETRY_AFTER_SECONDS,
    LIMITER_WAIT,
    MUSICBRAINZ_REFUSALS,
)

# Path segments that name an endpoint; any other segment is an id (`{id}`).
ENDPOINT_WORDS = frozenset(
    {
        "v1",
        "api",
        "token",
        "browse",
        "new-releases",
        "search",
        "albums",
        "artists",
        "tracks",
        "ws",
        "2",
        "release",
        "release-group",
        "recording",
        "artist",
        "url",
        "1",
        "explore",
        "fresh-releases",
        "stats",
        "sitewide",
        "release-groups",
    }
)
MAX_SEGMENTS = 5
ZONES = frozenset({"ws", "global"})


def outcome(status: int | None, error: BaseException | None = None) -> str:
    """The outcome label of one upstream request: its status class, or how it failed."""
    if status is None:
        return "timeout" if isinstance(error, httpx2.TimeoutException) else "error"
    if 200 <= status < 300:
        return "2xx"
    if status in (404, 429, 503):
        return str(status)
    if status >= 500:
        return "5xx"
    if status >= 400:
        return "4xx"
    return "error"  # 1xx or 3xx: nothing we ask for answers so


def endpoint(url: str) -> str:
    """A URL's path as a template, ids replaced: `/v1/albums/4aawyAB9…` → `/v1/albums/{id}`."""
    segments = [s for s in urlsplit(url).path.split("/") if s][:MAX_SEGMENTS]
    return "/" + "/".join(s if s in ENDPOINT_WORDS else "{id}" for s in segments)


def zone(header: str | None) -> str:
    """The kind of a MusicBrainz `x-ratelimit-zone` (`ws ip=1.2.3.4` → `ws`)."""
    kind = (header or "").split(" ", 1)[0]
    return kind if kind in ZONES else ("none" if not kind else "other")


class UpstreamMetrics:
    """One service's counts (`spotify`, `musicbrainz`), into the process's tally."""

    def __init__(self, tally: Tally, service: str) -> None:
        self.tally = tally
        self.service = service

    def request(self, url: str, result: str, seconds: float) -> None:
        path = endpoint(url)
        self.tally.inc(REQUESTS, self.service, path, result)
        self.tally.observe(DURATION, self.service, path, value=seconds)

    @contextmanager
    def limiter_wait(self) -> Iterator[None]:
        """Time a wait for the shared limiter (counted when it ends, granted or not)."""
        start = time.perf_counter()
        try:
            yield
        finally:
            self.tally.observe(LIMITER_WAIT, self.service, value=time.perf_counter() - start)

    def retry_after(self, seconds: float) -> None:
        self.tally.inc(RETRY_AFTER_WAITS, self.service)
        self.tally.inc(RETRY_AFTER_SECONDS, self.service, amount=seconds)

    def refused(self, zone_header: str | None) -> None:
        self.tally.inc(MUSICBRAINZ_REFUSALS, zone(zone_header))


def unmetered(service: str) -> UpstreamMetrics:
    """Counts nobody reads (a client built without the process's tally, as in tests)."""
    return UpstreamMetrics(Tally(), service)
