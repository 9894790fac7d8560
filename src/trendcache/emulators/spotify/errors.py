"""Spotify's error bodies and messages, exactly as observed (see the reference ERRORS.md).

Web API errors are ``{"error": {"status": N, "message": "..."}}``; the accounts service
uses OAuth's flat ``{"error": ..., "error_description": ...}`` instead.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from starlette.responses import Response

JSON_TYPE = "application/json; charset=utf-8"

NO_TOKEN = "No token provided"
TOKEN_EXPIRED = "The access token expired"
INVALID_TOKEN = "Invalid access token"
BEARER_ONLY = "Only valid bearer authentication supported"
FORBIDDEN = "Forbidden"
RESOURCE_NOT_FOUND = "Resource not found"
SERVICE_NOT_FOUND = "Service not found"
INVALID_LIMIT = "Invalid limit"
INVALID_OFFSET = "Invalid offset"
INVALID_ID = "Invalid base62 id"
TOO_MANY_IDS = "Too many ids requested"
RATE_LIMITED = "API rate limit exceeded"
QUOTA_MESSAGE = "Too many requests"
QUOTA_REASON = "QUOTA_EXCEEDED"
SERVER_ERRORS = {
    500: "Server error",
    502: "Bad gateway",
    503: "Service unavailable",
    504: "Gateway timeout",
}


class SpotifyJSON(Response):
    """Compact UTF-8 JSON with the charset parameter Spotify sends."""

    media_type = JSON_TYPE

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode()


class ApiError(Exception):
    """An error answer from the Web API; raise it anywhere in a handler."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        reason: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(f"{status} {message}")
        self.status = status
        self.message = message
        self.reason = reason
        self.headers = dict(headers or {})

    def response(self) -> Response:
        error: dict[str, Any] = {"status": self.status, "message": self.message}
        if self.reason is not None:
            error["reason"] = self.reason
        return SpotifyJSON({"error": error}, status_code=self.status, headers=self.headers)


def unauthorized(message: str) -> ApiError:
    """401 with the ``WWW-Authenticate`` challenge Spotify sends alongside it."""
    challenge = 'Bearer realm="spotify"'
    if message != NO_TOKEN:
        challenge += f', error="invalid_token", error_description="{message}"'
    return ApiError(401, message, headers={"WWW-Authenticate": challenge})


def rate_limited(retry_after: int) -> ApiError:
    return ApiError(429, RATE_LIMITED, headers={"Retry-After": str(max(1, retry_after))})


def quota_exceeded(retry_after: int) -> ApiError:
    headers = {"Retry-After": str(max(1, retry_after))}
    return ApiError(429, QUOTA_MESSAGE, reason=QUOTA_REASON, headers=headers)


def server_error(status: int) -> ApiError:
    return ApiError(status, SERVER_ERRORS.get(status, "Server error"))


class OAuthError(Exception):
    """An error answer from the accounts service (``/api/token``)."""

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(f"{error}: {description}")
        self.error = error
        self.description = description
        self.status = status

    def response(self) -> Response:
        body = {"error": self.error, "error_description": self.description}
        return SpotifyJSON(body, status_code=self.status)
