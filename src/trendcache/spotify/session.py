"""One rate-limited, retrying HTTP session for the Spotify Web API.

Every request: waits for a slot of the limit shared by all processes, asks the request
meter (our daily budget) for permission, carries a fresh token, and is retried when that is
safe: 5xx and network errors with jittered exponential backoff, a 401 once with a new token,
a 429 after exactly its Retry-After (plus jitter, never sooner) unless that is longer than
we may wait, whether the Web API sent it or the accounts service refused a token. A quota
429 is never retried: it pauses syncing until Spotify says.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx2
import stamina
from pydantic import ValidationError

from trendcache.clock import utcnow
from trendcache.ratelimit import SharedLimiter
from trendcache.spotify.auth import TokenProvider
from trendcache.spotify.errors import (
    SpotifyAuthError,
    SpotifyBadRequest,
    SpotifyForbidden,
    SpotifyMalformed,
    SpotifyNotFound,
    SpotifyQuotaExceeded,
    SpotifyRateLimited,
    SpotifyUnavailable,
)
from trendcache.spotify.models import ErrorBody
from trendcache.spotify.retry_after import retry_after as _retry_after
from trendcache.upstream_metrics import RequestMeter, UpstreamMetrics, outcome, unmetered


@dataclass(frozen=True)
class RetryPolicy:
    """Backoff for 5xx and network errors (a 429 waits its own Retry-After instead)."""

    attempts: int = 5
    wait_initial: float = 0.25
    wait_max: float = 8.0
    wait_jitter: float = 1.0


DEFAULT_RETRY = RetryPolicy()


class _RetryAfter(Exception):
    def __init__(self, seconds: float) -> None:
        super().__init__(f"retry after {seconds:.1f} s")
        self.seconds = seconds


class _ExpiredToken(Exception):
    pass


# A 401 is answered by asking for a new token: nothing to wait for before trying with it.
TOKEN_RETRY_SECONDS = 0.01


def _backoff(exc: Exception) -> bool | float:
    if isinstance(exc, _RetryAfter):
        return exc.seconds
    if isinstance(exc, _ExpiredToken):
        return TOKEN_RETRY_SECONDS
    return isinstance(exc, SpotifyUnavailable)


class SpotifySession:
    def __init__(
        self,
        http: httpx2.Client,
        tokens: TokenProvider,
        api_base_url: str,
        limiter: SharedLimiter,
        meter: RequestMeter,
        max_retry_after: float,
        retry: RetryPolicy = DEFAULT_RETRY,
        metrics: UpstreamMetrics | None = None,
    ) -> None:
        self._http = http
        self._metrics = metrics or unmetered("spotify")
        self._tokens = tokens
        self.base_url = api_base_url.rstrip("/")
        base = urlsplit(self.base_url)
        self._origin = (base.scheme, base.netloc)
        self._limiter = limiter
        self._meter = meter
        self._max_retry_after = max_retry_after
        self._retry = retry

    def get(self, path_or_url: str, params: dict[str, Any] | None = None) -> Any:
        """GET a JSON document; `path_or_url` is a path under the API or a paging link."""
        url = self._resolve(path_or_url)
        try:
            for attempt in stamina.retry_context(
                on=_backoff,
                attempts=self._retry.attempts,
                timeout=None,
                wait_initial=self._retry.wait_initial,
                wait_max=self._retry.wait_max,
                wait_jitter=self._retry.wait_jitter,
            ):
                with attempt:
                    return self._get_once(url, params)
        except _ExpiredToken:
            raise SpotifyAuthError("Spotify kept refusing freshly issued access tokens") from None
        except _RetryAfter as exc:
            raise SpotifyRateLimited(
                f"Spotify still rate-limited us after {self._retry.attempts} attempts", exc.seconds
            ) from None
        raise AssertionError("unreachable: stamina re-raises the last error")

    def _resolve(self, path_or_url: str) -> str:
        if not path_or_url.startswith(("http://", "https://")):
            return f"{self.base_url}/{path_or_url.lstrip('/')}"
        link = urlsplit(path_or_url)
        base_path = urlsplit(self.base_url).path.rstrip("/") + "/"
        if (link.scheme, link.netloc) != self._origin or not link.path.startswith(base_path):
            raise SpotifyMalformed(f"refusing a link off the configured API host: {path_or_url}")
        return path_or_url

    def _get_once(self, url: str, params: dict[str, Any] | None) -> Any:
        # The token first: the meter pairs before_request with after_response, and a token
        # fetch failing in between would leave a request counted as in flight for good.
        # The limiter before the meter too: a limiter timeout raises with nothing in flight.
        try:
            token = self._tokens.token()
        except SpotifyRateLimited as exc:  # the accounts service's own 429
            raise self._wait_or_stop(exc.retry_after, "Spotify's accounts service") from None
        with self._metrics.limiter_wait():
            self._limiter.wait()
        self._meter.before_request()
        start = time.perf_counter()
        try:
            response = self._http.get(
                url, params=params, headers={"Authorization": f"Bearer {token}"}
            )
        except httpx2.TransportError as exc:
            self._metrics.request(url, outcome(None, exc), time.perf_counter() - start)
            self._meter.after_response(None)
            raise SpotifyUnavailable(f"Spotify unreachable: {type(exc).__name__}") from exc
        self._metrics.request(url, outcome(response.status_code), time.perf_counter() - start)
        self._meter.after_response(response.status_code)
        if response.status_code == 200:
            try:
                return response.json()
            except ValueError as exc:
                raise SpotifyMalformed(f"Spotify sent a body that is not JSON ({url})") from exc
        if response.status_code == 401:
            self._tokens.invalidate(token)
            raise _ExpiredToken
        raise self._error(response)

    def _error(self, response: httpx2.Response) -> Exception:
        status = response.status_code
        detail = _error_detail(response)
        message = detail.message if detail else None
        path = urlsplit(str(response.request.url)).path
        if status == 429:
            retry_after = _retry_after(response)
            if detail is not None and detail.reason == "QUOTA_EXCEEDED":
                until = utcnow() + timedelta(seconds=retry_after)
                return SpotifyQuotaExceeded(
                    f"Spotify's daily request quota is used up; syncing resumes at "
                    f"{until:%Y-%m-%d %H:%M} UTC",
                    until,
                )
            return self._wait_or_stop(retry_after, "Spotify")
        if status >= 500:
            return SpotifyUnavailable(f"Spotify answered {status} for {path}")
        if status == 403:
            return SpotifyForbidden(f"Spotify refused {path} (403 {message or 'Forbidden'})")
        if status == 404:
            return SpotifyNotFound(f"Spotify has no {path}")
        if status == 400:
            return SpotifyBadRequest(f"Spotify rejected {path}: {message or 'bad request'}")
        return SpotifyUnavailable(f"Spotify answered {status} for {path}")

    def _wait_or_stop(self, retry_after: float, who: str) -> Exception:
        """A 429: wait out its Retry-After (never sooner), unless that is longer than we may."""
        if retry_after > self._max_retry_after:
            return SpotifyRateLimited(
                f"{who} asked us to wait {retry_after:.0f} s, longer than "
                f"SPOTIFY_MAX_RETRY_AFTER_SECONDS ({self._max_retry_after:.0f} s)",
                retry_after,
            )
        wait = retry_after + random.uniform(0.05, 0.25)
        self._metrics.retry_after(wait)
        return _RetryAfter(wait)


def _error_detail(response: httpx2.Response) -> Any:
    try:
        return ErrorBody.model_validate_json(response.content).error
    except ValidationError:
        return None
