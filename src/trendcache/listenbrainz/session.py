"""One identified, paced, patient HTTP session for the ListenBrainz API.

ListenBrainz asks every client for at most one request a second and tells it where it
stands on every answer: `X-RateLimit-Remaining` requests left in the current window,
which ends in `X-RateLimit-Reset-In` seconds. So every attempt, retries included:

1. waits until the window ListenBrainz last reported as spent has ended (remaining 0);
2. takes a slot of the limiter every process shares (LISTENBRAINZ: one a second);
3. is retried when that is safe: a 429 after its Retry-After or, as ListenBrainz sends
   no Retry-After, its reset-in; 5xx and network errors after a jittered exponential
   backoff. A wait longer than `max_wait` ends the fetch with `ListenBrainzRateLimited`
   rather than hold a worker for minutes.

A 204 (statistics not computed yet) is answered as None; the client makes it a result.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

import httpx2
from pydantic import ValidationError

from trendcache.listenbrainz.errors import (
    ListenBrainzMalformed,
    ListenBrainzRateLimited,
    ListenBrainzRefused,
    ListenBrainzUnavailable,
)
from trendcache.listenbrainz.models import ErrorBody
from trendcache.ratelimit import SharedLimiter
from trendcache.text import recordable
from trendcache.upstream_metrics import (
    RequestMeter,
    Unbudgeted,
    UpstreamMetrics,
    outcome,
    unmetered,
)
from trendcache.upstream_retry import GaveUp, RetryPolicy, Wait, header_seconds, retrying

Params = Sequence[tuple[str, str | int | bool]]
MAX_WAIT = 60.0  # the longest a window or a 429 may hold one fetch
MIN_429_WAIT = 1.0  # a 429 without usable headers still waits a second
WINDOW_MARGIN = 0.05  # past the reported reset, for clocks and the trip there


DEFAULT_RETRY = RetryPolicy(attempts=5, backoff_initial=0.5, backoff_max=30.0)


class RateWindow:
    """Until when ListenBrainz's current window is spent, as its answers last reported.

    The connector holds one for all the sessions it makes, so a fetch starting after
    another one emptied the window still waits for it.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ends = 0.0  # monotonic

    def spent_for(self, seconds: float) -> None:
        with self._lock:
            self._ends = max(self._ends, time.monotonic() + seconds)

    def wait_left(self) -> float:
        with self._lock:
            return self._ends - time.monotonic()


class ListenBrainzSession:
    def __init__(
        self,
        http: httpx2.Client,
        base_url: str,
        limiter: SharedLimiter,
        retry: RetryPolicy = DEFAULT_RETRY,
        metrics: UpstreamMetrics | None = None,
        *,
        window: RateWindow | None = None,
        meter: RequestMeter | None = None,
        max_wait: float = MAX_WAIT,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        """`http` carries the User-Agent (and the token, when one is set)."""
        self._http = http
        self.base_url = base_url.rstrip("/")
        self._limiter = limiter
        self._retry = retry
        self._metrics = metrics or unmetered("listenbrainz")
        self._window = window or RateWindow()
        self._meter = meter or Unbudgeted()
        self._max_wait = max_wait
        self._sleep = sleep
        self.sent = 0

    def get(self, path: str, params: Params = ()) -> Any | None:
        """GET `path` under the API root as JSON; None for a 204 (nothing computed yet)."""
        url = f"{self.base_url}/{path.lstrip('/')}"
        try:
            return retrying(self._retry, lambda attempt: self._get_once(url, params, attempt))
        except GaveUp as exc:
            raise ListenBrainzUnavailable(f"ListenBrainz: {exc}") from None

    def _get_once(self, url: str, params: Params, attempt: int) -> Any | None:
        self._wait_for_window()
        with self._metrics.limiter_wait():
            self._limiter.wait()
        # The limiter before the meter: a limiter timeout raises with nothing in flight.
        self._meter.before_request()
        self.sent += 1
        start = time.perf_counter()
        try:
            response = self._http.get(url, params=[(k, _text(v)) for k, v in params])
        except httpx2.TransportError as exc:
            self._metrics.request(url, outcome(None, exc), time.perf_counter() - start)
            self._meter.after_response(None)
            raise Wait(f"unreachable ({type(exc).__name__})", self._retry.pause(attempt)) from exc
        status = response.status_code
        self._metrics.request(url, outcome(status), time.perf_counter() - start)
        self._meter.after_response(status)
        reset_in = self._note_window(response)
        if status == 200:
            try:
                return response.json()
            except ValueError as exc:
                raise ListenBrainzMalformed(
                    f"ListenBrainz sent a body that is not JSON ({_path(url)})"
                ) from exc
        if status == 204:
            return None
        if status == 429:
            wait = max(header_seconds(response.headers.get("retry-after")), reset_in, MIN_429_WAIT)
            if wait > self._max_wait:
                raise ListenBrainzRateLimited(
                    f"ListenBrainz asked us to wait {wait:.0f} s, longer than a fetch may "
                    f"({self._max_wait:.0f} s)",
                    wait,
                )
            wait += random.uniform(0.05, 0.25)
            self._metrics.retry_after(wait)
            raise Wait("rate limit reached", wait)
        if status >= 500:
            raise Wait(f"answered {status}", self._retry.pause(attempt))
        raise ListenBrainzRefused(
            f"ListenBrainz answered {status} for {_path(url)}: {_message(response)}"
        )

    def _note_window(self, response: httpx2.Response) -> float:
        """Remember a window the answer reports as spent; its reset-in, in seconds."""
        reset_in = header_seconds(response.headers.get("x-ratelimit-reset-in"))
        remaining = response.headers.get("x-ratelimit-remaining")
        if remaining is not None and remaining.strip() == "0":
            self._window.spent_for(reset_in + WINDOW_MARGIN)
        return reset_in

    def _wait_for_window(self) -> None:
        wait = self._window.wait_left()
        if wait <= 0:
            return
        if wait > self._max_wait:
            raise ListenBrainzRateLimited(
                f"ListenBrainz's rate-limit window ends in {wait:.0f} s, longer than a fetch "
                f"may wait ({self._max_wait:.0f} s)",
                wait,
            )
        self._metrics.retry_after(wait)
        self._sleep(wait)


def _text(value: str | int | bool) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _path(url: str) -> str:
    return httpx2.URL(url).path


def _message(response: httpx2.Response) -> str:
    """ListenBrainz's own words for a refusal, fit to record."""
    try:
        return recordable(ErrorBody.model_validate_json(response.content).error[:200])
    except ValidationError:
        return recordable(response.text[:200]) or "no explanation"
