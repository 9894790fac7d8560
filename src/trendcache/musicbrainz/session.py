"""One identified, paced, patient HTTP session for MusicBrainz ws/2.

Every attempt, retries included, first takes a slot from the limiter all our processes
share, so MusicBrainz never sees more than MUSICBRAINZ_RATE from us. A 503 still happens
(another program on our IP, or MusicBrainz shedding load); its `x-ratelimit-zone` tells
which: the per-client zone is honoured with its Retry-After, global load shedding with an
exponential backoff, since its Retry-After of 0 would have us knock again at once.

Every answer is cleaned (`sanitize`) before anything else sees it: what is cached,
validated and matched is text both databases accept and a page can show. An answer read
back from the response cache is cleaned again (a no-op for what this code stored).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any, Protocol
from urllib.parse import urlencode

import httpx2

from trendcache.musicbrainz.errors import (
    MusicBrainzMalformed,
    MusicBrainzRefused,
    MusicBrainzUnavailable,
    UserAgentError,
)
from trendcache.musicbrainz.sanitize import clean_document
from trendcache.ratelimit import SharedLimiter
from trendcache.text import recordable
from trendcache.upstream_metrics import UpstreamMetrics, outcome, unmetered
from trendcache.upstream_retry import GaveUp, RetryPolicy, Wait, header_seconds, retrying

Params = Sequence[tuple[str, str | int | float | bool | None]]
MISSING = object()


class ResponseCache(Protocol):
    """Answers already received, so a resumed batch does not ask MusicBrainz again."""

    def get(self, url: str) -> Any: ...  # MISSING when not cached; None is a cached 404
    def put(self, url: str, document: Any) -> None: ...


DEFAULT_RETRY = RetryPolicy()


class MusicBrainzSession:
    def __init__(
        self,
        http: httpx2.Client,
        base_url: str,
        limiter: SharedLimiter,
        retry: RetryPolicy = DEFAULT_RETRY,
        cache: ResponseCache | None = None,
        metrics: UpstreamMetrics | None = None,
    ) -> None:
        self._http = http
        self._metrics = metrics or unmetered("musicbrainz")
        self.base_url = base_url.rstrip("/")
        self._limiter = limiter
        self._retry = retry
        self._cache = cache
        self.sent = 0

    def get(self, path: str, params: Params = ()) -> Any | None:
        """GET `path` under ws/2 as JSON; None for a 404 ("not in MusicBrainz")."""
        url = f"{self.base_url}/{path.lstrip('/')}"
        query = [*params, ("fmt", "json")]
        cache_key = f"{url}?{urlencode(query)}"
        if self._cache is not None and (cached := self._cache.get(cache_key)) is not MISSING:
            return clean_document(cached)
        document = clean_document(self._fetch(url, query))
        if self._cache is not None:
            self._cache.put(cache_key, document)
        return document

    def _fetch(self, url: str, query: Params) -> Any | None:
        try:
            return retrying(self._retry, lambda attempt: self._get_once(url, query, attempt))
        except GaveUp as exc:
            raise MusicBrainzUnavailable(f"MusicBrainz: {exc}") from None

    def _get_once(self, url: str, query: Params, attempt: int) -> Any | None:
        with self._metrics.limiter_wait():
            self._limiter.wait()
        self.sent += 1
        start = time.perf_counter()
        try:
            response = self._http.get(url, params=list(query))
        except httpx2.TransportError as exc:
            self._metrics.request(url, outcome(None, exc), time.perf_counter() - start)
            raise Wait(f"unreachable ({type(exc).__name__})", self._retry.pause(attempt)) from exc
        status = response.status_code
        self._metrics.request(url, outcome(status), time.perf_counter() - start)
        if status == 200:
            try:
                return response.json()
            except ValueError as exc:
                raise MusicBrainzMalformed(
                    f"MusicBrainz sent a body that is not JSON ({url})"
                ) from exc
        if status == 404:
            return None
        if status in (429, 503):
            zone = response.headers.get("x-ratelimit-zone", "")
            self._metrics.refused(zone)
            retry_after = header_seconds(response.headers.get("retry-after"))
            if zone == "global":
                raise Wait("busy (global load shedding)", self._retry.pause(attempt))
            pause = self._retry.pause(attempt, at_least=max(retry_after, 1.0))
            self._metrics.retry_after(pause)
            raise Wait("rate limit reached", pause)
        if status >= 500:
            raise Wait(f"answered {status}", self._retry.pause(attempt))
        if status == 403:
            raise UserAgentError(f"MusicBrainz refused our User-Agent: {_message(response)}")
        raise MusicBrainzRefused(f"MusicBrainz answered {status}: {_message(response)}")


def _message(response: httpx2.Response) -> str:
    """MusicBrainz's own words for a refusal, fit to record (they may quote anything)."""
    try:
        body = response.json()
    except ValueError:
        return recordable(response.text[:200])
    text = str(body.get("error", body)) if isinstance(body, dict) else str(body)
    return recordable(text[:200])
