"""Client-credentials tokens: fetched once, shared by threads, renewed before they expire."""

from __future__ import annotations

import threading
import time

import httpx2
from pydantic import ValidationError

from trendcache.spotify.errors import SpotifyAuthError, SpotifyMalformed, SpotifyUnavailable
from trendcache.spotify.models import Token

RENEW_BEFORE_EXPIRY = 60.0


class TokenProvider:
    def __init__(
        self, http: httpx2.Client, accounts_base_url: str, client_id: str, client_secret: str
    ) -> None:
        self._http = http
        self._url = f"{accounts_base_url}/api/token"
        self._auth = httpx2.BasicAuth(client_id, client_secret)
        self._lock = threading.Lock()
        self._token: str | None = None
        self._expires_at = 0.0
        self.fetched = 0

    def token(self) -> str:
        with self._lock:
            if self._token is None or time.monotonic() >= self._expires_at - RENEW_BEFORE_EXPIRY:
                self._token, lifetime = self._fetch()
                self._expires_at = time.monotonic() + lifetime
            return self._token

    def invalidate(self, token: str) -> None:
        """Forget `token` (after a 401), unless another thread already replaced it."""
        with self._lock:
            if self._token == token:
                self._token = None

    def _fetch(self) -> tuple[str, float]:
        try:
            response = self._http.post(
                self._url, data={"grant_type": "client_credentials"}, auth=self._auth
            )
        except httpx2.TransportError as exc:
            raise SpotifyUnavailable(f"Spotify accounts service unreachable: {exc}") from exc
        if response.status_code in (400, 401):
            raise SpotifyAuthError(
                "Spotify refused the client credentials "
                "(check SPOTIFY_CLIENT_ID and SPOTIFY_CLIENT_SECRET)"
            )
        if response.status_code != 200:
            raise SpotifyUnavailable(f"Spotify accounts service answered {response.status_code}")
        try:
            token = Token.model_validate_json(response.content)
        except ValidationError as exc:
            raise SpotifyMalformed("Spotify accounts service sent a malformed token") from exc
        self.fetched += 1
        return token.access_token, float(token.expires_in)
