"""Client-credentials tokens: fetched once, shared by threads, renewed before they expire.

A 429 from the accounts service is remembered: until its Retry-After has passed no thread
asks for a token again, each is told how long is left instead (`SpotifyRateLimited`), which
the session waits out or, when too long, ends the sync with a recorded pause.
"""

from __future__ import annotations

import threading
import time

import httpx2
from pydantic import ValidationError

from trendcache.spotify.errors import (
    SpotifyAuthError,
    SpotifyMalformed,
    SpotifyRateLimited,
    SpotifyUnavailable,
)
from trendcache.spotify.models import Token
from trendcache.spotify.retry_after import retry_after
from trendcache.upstream_metrics import UpstreamMetrics, outcome, unmetered

RENEW_BEFORE_EXPIRY = 60.0


class TokenProvider:
    def __init__(
        self,
        http: httpx2.Client,
        accounts_base_url: str,
        client_id: str,
        client_secret: str,
        metrics: UpstreamMetrics | None = None,
    ) -> None:
        self._http = http
        self._metrics = metrics or unmetered("spotify")
        self._url = f"{accounts_base_url}/api/token"
        self._auth = httpx2.BasicAuth(client_id, client_secret)
        self._lock = threading.Lock()
        self._token: str | None = None
        self._expires_at = 0.0
        self._not_before = 0.0  # monotonic time until which a 429 forbids asking again
        self.fetched = 0

    def token(self) -> str:
        with self._lock:
            if self._token is None or time.monotonic() >= self._expires_at - RENEW_BEFORE_EXPIRY:
                wait = self._not_before - time.monotonic()
                if wait > 0:
                    raise _rate_limited(wait)
                self._token, lifetime = self._fetch()
                self._expires_at = time.monotonic() + lifetime
            return self._token

    def invalidate(self, token: str) -> None:
        """Forget `token` (after a 401), unless another thread already replaced it."""
        with self._lock:
            if self._token == token:
                self._token = None

    def _fetch(self) -> tuple[str, float]:
        start = time.perf_counter()
        try:
            response = self._http.post(
                self._url, data={"grant_type": "client_credentials"}, auth=self._auth
            )
        except httpx2.TransportError as exc:
            self._metrics.request(self._url, outcome(None, exc), time.perf_counter() - start)
            raise SpotifyUnavailable(f"Spotify accounts service unreachable: {exc}") from exc
        self._metrics.request(self._url, outcome(response.status_code), time.perf_counter() - start)
        if response.status_code in (400, 401):
            raise SpotifyAuthError(
                "Spotify refused the client credentials "
                "(check SPOTIFY_CLIENT_ID and SPOTIFY_CLIENT_SECRET)"
            )
        if response.status_code == 429:
            wait = retry_after(response)
            self._not_before = time.monotonic() + wait
            raise _rate_limited(wait)
        if response.status_code != 200:
            raise SpotifyUnavailable(f"Spotify accounts service answered {response.status_code}")
        try:
            token = Token.model_validate_json(response.content)
        except ValidationError as exc:
            raise SpotifyMalformed("Spotify accounts service sent a malformed token") from exc
        self.fetched += 1
        return token.access_token, float(token.expires_in)


def _rate_limited(wait: float) -> SpotifyRateLimited:
    return SpotifyRateLimited(
        f"Spotify's accounts service asked us to wait {wait:.0f} s before asking for a token",
        wait,
    )
