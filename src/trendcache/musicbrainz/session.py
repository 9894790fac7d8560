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

import random
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlencode

import httpx2
import stamina

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

Params = Sequence[tuple[str, str | int | float | bool | None]]
MISSING = object()


class ResponseCache(Protocol):
    """Answers already received, so a resumed batch does not ask MusicBrainz again."""

    def get(self, url: str) -> Any: ...  # MISSING when not cached; None is a cached 404
    def put(self, url: str, document: Any) -> None: ...


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 6
    backoff_initial: float = 1.0
    backoff_max: float = 60.0


DEFAULT_RETRY = RetryPolicy()


class _Wait(Exception):
    def __init__(self, reason: str, seconds: float) -> None:
        super().__init__(f"{reason}; retrying in {seconds:.1f} s")
        self.reason = reason
        self.seconds = seconds


def _backoff(exc: Exception) -> bool | float:
    return exc.seconds if isinstance(exc, _Wait) else False


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
            for attempt in stamina.retry_context(
                on=_backoff, attempts=self._retry.attempts, timeout=None, wait_jitter=0
            ):
                with attempt:
                    return self._get_once(url, query, attempt.num)
        except _Wait as exc:
            raise MusicBrainzUnavailable(
                f"MusicBrainz: {exc.reason} ({self._retry.attempts} attempts)"
            ) from None
        raise AssertionError("unreachable: stamina re-raises the last error")

    def _pause(self, attempt: int, at_least: float = 0.0) -> float:
        exponential = self._retry.backoff_initial * 2.0 ** (attempt - 1)
        base = max(at_least, min(exponential, self._retry.backoff_max))
        return float(base * random.uniform(1.0, 1.25))

    def _get_once(self, url: str, query: Params, attempt: int) -> Any | None:
        with self._metrics.limiter_wait():
            self._limiter.wait()
        self.sent += 1
        start = time.perf_counter()
        try:
            response = self._http.get(url, params=list(query))
        except httpx2.TransportError as exc:
            self._metrics.request(url, outcome(None, exc), time.perf_counter() - start)
            raise _Wait(f"unreachable ({type(exc).__name__})", self._pause(attempt)) from exc
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
            retry_after = _seconds(response.headers.get("retry-after"))
            if zone == "global":
                raise _Wait("busy (global load shedding)", self._pause(attempt))
            pause = self._pause(attempt, at_least=max(retry_after, 1.0))
            self._metrics.retry_after(pause)
            raise _Wait("rate limit reached", pause)
        if status >= 500:
            raise _Wait(f"answered {status}", self._pause(attempt))
        if status == 403:
            raise UserAgentError(f"MusicBrainz refused our User-Agent: {_message(response)}")
        raise MusicBrainzRefused(f"MusicBrainz answered {status}: {_message(response)}")


def _seconds(value: str | None) -> float:
    try:
        return max(0.0, float(value)) if value is not None else 0.0
    except ValueError:
        return 0.0


def _message(response: httpx2.Response) -> str:
    """MusicBrainz's own words for a refusal, fit to record (they may quote anything)."""
    try:
        body = response.json()
    except ValueError:
        return recordable(response.text[:200])
    text = str(body.get("error", body)) if isinstance(body, dict) else str(body)
    return recordable(text[:200])
