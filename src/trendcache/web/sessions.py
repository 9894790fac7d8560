"""Browser sessions for the pages: a signed cookie, no server-side state.

The cookie holds the signed-in user's id, their account stamp (it changes with their
password, which so signs out every browser) and the session's CSRF token, signed with
HMAC-SHA256 under a key derived from SECRET_KEY. It is HttpOnly, SameSite=Lax, Secure
over HTTPS, and expires after 30 days.

Only the page routes that need it read the cookie; the JSON API never does (it takes
bearer tokens only), so no request to the API can be forged from another site.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from typing import Any

from fastapi import Request, Response

COOKIE = "trendcache_session"
MAX_AGE_SECONDS = 30 * 24 * 3600
# For pages that carry a session's CSRF token or a user's own data: kept by no cache.
PRIVATE = {"Cache-Control": "private, no-store"}


@dataclass(frozen=True)
class BrowserSession:
    csrf: str
    user_id: str | None = None
    stamp: str | None = None
    issued_at: int = 0

    @classmethod
    def new(cls, user_id: str | None = None, stamp: str | None = None) -> BrowserSession:
        """A fresh session with a fresh CSRF token (on every sign-in and sign-out)."""
        return cls(secrets.token_urlsafe(32), user_id, stamp, int(time.time()))


class SessionSigner:
    def __init__(self, secret_key: bytes) -> None:
        # A key of its own, so SECRET_KEY can sign other things without any overlap.
        self._key = hmac.new(secret_key, b"trendcache browser session", hashlib.sha256).digest()

    def dumps(self, session: BrowserSession) -> str:
        fields = {"c": session.csrf, "u": session.user_id, "s": session.stamp}
        document = json.dumps({**fields, "t": session.issued_at}, separators=(",", ":"))
        payload = _b64(document.encode())
        return f"{payload}.{_b64(self._sign(payload))}"

    def loads(self, value: str, now: float | None = None) -> BrowserSession | None:
        """The session if the signature holds and it has not expired, else None."""
        payload, _, signature = value.partition(".")
        try:
            if not hmac.compare_digest(self._sign(payload), _unb64(signature)):
                return None
            fields: Any = json.loads(_unb64(payload))
            session = BrowserSession(fields["c"], fields["u"], fields["s"], int(fields["t"]))
        except (ValueError, TypeError, KeyError):
            return None
        if (now if now is not None else time.time()) - session.issued_at > MAX_AGE_SECONDS:
            return None
        return session

    def read(self, request: Request) -> BrowserSession | None:
        value = request.cookies.get(COOKIE)
        return self.loads(value) if value else None

    def write(self, response: Response, request: Request, session: BrowserSession) -> None:
        response.set_cookie(
            COOKIE,
            self.dumps(session),
            max_age=MAX_AGE_SECONDS,
            httponly=True,
            samesite="lax",
            secure=request.url.scheme == "https",
        )

    def _sign(self, payload: str) -> bytes:
        return hmac.new(self._key, payload.encode(), hashlib.sha256).digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text.encode() + b"=" * (-len(text) % 4))
