"""The accounts service: client-credentials tokens and their lifetimes."""

from __future__ import annotations

import base64
import binascii
import secrets
import threading
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import Response

from . import errors
from .clock import Clock
from .errors import OAuthError, SpotifyJSON

_GRANT_TYPES = "client_credentials, authorization_code or refresh_token"


class TokenStore:
    """Issued tokens with their issue and expiry times on the emulator clock."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._tokens: dict[str, tuple[float, float]] = {}

    def issue(self, ttl: int) -> str:
        token = "BQ" + secrets.token_urlsafe(84)
        now = self._clock.now()
        with self._lock:
            self._tokens[token] = (now, now + ttl)
        return token

    def problem(self, token: str, revoked_at: float) -> str | None:
        """Why ``token`` is refused (Spotify's message), or None if it is good."""
        with self._lock:
            entry = self._tokens.get(token)
        if entry is None:
            return errors.INVALID_TOKEN
        issued, expires = entry
        if issued <= revoked_at or self._clock.now() >= expires:
            return errors.TOKEN_EXPIRED
        return None


def _client_credentials(request: Request, form: dict[str, list[str]]) -> tuple[str, str]:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("basic "):
        try:
            decoded = base64.b64decode(header[6:].strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError) as exc:
            raise OAuthError("invalid_client", "Invalid client") from exc
        client_id, _, secret = decoded.partition(":")
        return client_id, secret
    return form.get("client_id", [""])[0], form.get("client_secret", [""])[0]


async def issue_token(
    request: Request, store: TokenStore, client_id: str, client_secret: str, ttl: int
) -> Response:
    """``POST /api/token`` for the client-credentials flow, with Spotify's OAuth errors."""
    form = parse_qs((await request.body()).decode("utf-8", "replace"))
    given_id, given_secret = _client_credentials(request, form)
    if given_id != client_id:
        raise OAuthError("invalid_client", "Invalid client")
    if given_secret != client_secret:
        raise OAuthError("invalid_client", "Invalid client secret")
    grant = form.get("grant_type", [""])[0]
    if not grant:
        raise OAuthError("unsupported_grant_type", "grant_type parameter is missing")
    if grant != "client_credentials":
        raise OAuthError("unsupported_grant_type", f"grant_type must be {_GRANT_TYPES}")
    body = {"access_token": store.issue(ttl), "token_type": "Bearer", "expires_in": ttl}
    return SpotifyJSON(body)
