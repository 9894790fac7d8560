"""What can go wrong talking to ListenBrainz, as exceptions a sync can record and explain."""

from __future__ import annotations


class ListenBrainzError(Exception):
    """Base class; `str(error)` is a sentence fit for the sync log and page."""


class ListenBrainzUserAgentError(ListenBrainzError):
    """MUSICBRAINZ_USER_AGENT (which ListenBrainz requests carry too) would be refused."""


class ListenBrainzUnavailable(ListenBrainzError):
    """Network errors, timeouts, 5xx or 429s that outlasted our retries."""


class ListenBrainzRateLimited(ListenBrainzError):
    """ListenBrainz asked us to wait longer than one fetch may; try again after `seconds`."""

    def __init__(self, message: str, seconds: float) -> None:
        super().__init__(message)
        self.seconds = seconds


class ListenBrainzMalformed(ListenBrainzError):
    """A response that is not what the API documents; it is never kept."""


class ListenBrainzRefused(ListenBrainzError):
    """A 4xx other than 429: a request ListenBrainz will not answer as asked."""
