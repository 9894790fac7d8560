"""MusicBrainz's side of the MetaBrainz user agent rule (`trendcache.useragent`).

A missing, library-default or copied-from-the-docs agent gets blocked, so enrichment
refuses to start with one rather than get the whole machine's IP throttled.
"""

from __future__ import annotations

from trendcache.musicbrainz.errors import UserAgentError
from trendcache.useragent import EXAMPLE, InvalidUserAgent, checked_user_agent

__all__ = ["EXAMPLE", "check_user_agent"]


def check_user_agent(value: str | None) -> str:
    """The agent, stripped, if MusicBrainz would accept it; else a clear `UserAgentError`."""
    try:
        return checked_user_agent(value, "MUSICBRAINZ_USER_AGENT", "MusicBrainz")
    except InvalidUserAgent as exc:
        raise UserAgentError(str(exc)) from None
