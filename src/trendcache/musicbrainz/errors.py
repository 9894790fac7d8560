"""What can go wrong talking to MusicBrainz."""

from __future__ import annotations


class MusicBrainzError(Exception):
    """Base class; `str(error)` is a sentence fit for the enrichment log and page."""


class UserAgentError(MusicBrainzError):
    """MUSICBRAINZ_USER_AGENT is missing or would be refused as anonymous."""


class MusicBrainzUnavailable(MusicBrainzError):
    """Network errors, 5xx or rate-limit 503s that outlasted our retries."""


class MusicBrainzMalformed(MusicBrainzError):
    """A response that is not what ws/2 promises."""


class MusicBrainzRefused(MusicBrainzError):
    """4xx other than 404: a request MusicBrainz will not answer as asked."""
