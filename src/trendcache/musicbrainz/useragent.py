"""MusicBrainz asks every client to identify itself: `Application/version ( contact )`.

A missing, library-default or copied-from-the-docs agent gets blocked, so enrichment
refuses to start with one rather than get the whole machine's IP throttled.
"""

from __future__ import annotations

import re

from trendcache.musicbrainz.errors import UserAgentError

_FORM = re.compile(r"^(?P<app>[^\s/()]+)/(?P<version>[^\s()]+)\s*\(\s*(?P<contact>[^()]+?)\s*\)$")
_CONTACT = re.compile(r"(^[^@\s]+@[^@\s]+\.[^@\s]+$)|(^https?://\S+$)")
_PLACEHOLDER_APPS = {"yourapp", "myapp", "app", "application", "example", "exampleapp"}
_PLACEHOLDER_CONTACTS = ("your@email.com", "contact@example.org", "me@example.com")
_LIBRARIES = re.compile(
    r"^(python-requests|python-httpx2?|python-urllib\d?|aiohttp|curl|wget|go-http-client|"
    r"okhttp|axios|node-fetch|java|apache-httpclient)$",
    re.IGNORECASE,
)
EXAMPLE = "trendcache/0.1 ( you@example.net )"


def check_user_agent(value: str | None) -> str:
    """The agent, stripped, if MusicBrainz would accept it; else a clear `UserAgentError`."""
    if value is None or not value.strip():
        raise UserAgentError(
            f"MUSICBRAINZ_USER_AGENT is not set; MusicBrainz requires one, e.g. '{EXAMPLE}'"
        )
    agent = value.strip()
    match = _FORM.match(agent)
    if match is None:
        raise UserAgentError(
            f"MUSICBRAINZ_USER_AGENT must read 'Application/version ( contact )', "
            f"e.g. '{EXAMPLE}' (got {agent!r})"
        )
    app, contact = match["app"], match["contact"]
    if _LIBRARIES.match(app) or app.lower() in _PLACEHOLDER_APPS:
        raise UserAgentError(
            f"MUSICBRAINZ_USER_AGENT names a generic application ({app!r}); use your own name"
        )
    if not _CONTACT.match(contact) or contact.lower() in _PLACEHOLDER_CONTACTS:
        raise UserAgentError(
            "MUSICBRAINZ_USER_AGENT needs a real contact (an e-mail address or a URL) "
            f"in the parentheses (got {contact!r})"
        )
    return agent
