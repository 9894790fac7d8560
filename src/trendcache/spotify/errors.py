"""What can go wrong talking to Spotify, as exceptions a sync can record and explain."""

from __future__ import annotations

from datetime import datetime


class SpotifyError(Exception):
    """Base class; `str(error)` is a sentence fit for the browse page and the sync log."""


class SpotifyUnavailable(SpotifyError):
    """Network errors, timeouts or 5xx that outlasted our retries."""


class SpotifyMalformed(SpotifyError):
    """A response that is not what the API promises; it is never written to the cache."""


class SpotifyAuthError(SpotifyError):
    """The accounts service refused our client credentials."""


class SpotifyForbidden(SpotifyError):
    """403: for our purposes, an endpoint this app's access tier does not have."""


class SpotifyNotFound(SpotifyError):
    """404 for a resource (an album that disappeared, say)."""


class SpotifyBadRequest(SpotifyError):
    """400: a request Spotify rejects, such as a limit above the tier's maximum."""


class SpotifyRateLimited(SpotifyError):
    """A Retry-After longer than we are allowed to wait inside one sync."""

    def __init__(self, message: str, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class SpotifyQuotaExceeded(SpotifyError):
    """The rolling daily quota is spent (`reason: QUOTA_EXCEEDED`); sync resumes at `until`."""

    def __init__(self, message: str, until: datetime) -> None:
        super().__init__(message)
        self.until = until


class RequestBudgetExhausted(SpotifyError):
    """Our own daily request budget is spent; nothing more is sent until it frees up."""
