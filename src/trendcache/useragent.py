"""The MetaBrainz services ask every client to identify itself: `Application/version ( contact )`.

MusicBrainz and ListenBrainz both block a missing, library-default or copied-from-the-docs
agent, so a client refuses to start with one rather than get the whole machine's IP
throttled. One rule for both: each client names its own setting in the refusal.
"""

from __future__ import annotations

import re

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


class InvalidUserAgent(ValueError):
    """The agent would be refused as anonymous; the message names the setting."""


def checked_user_agent(value: str | None, setting: str, service: str) -> str:
    """The agent, stripped, if `service` would accept it; else `InvalidUserAgent`."""
    if value is None or not value.strip():
        raise InvalidUserAgent(f"{setting} is not set; {service} requires one, e.g. '{EXAMPLE}'")
    agent = value.strip()
    match = _FORM.match(agent)
    if match is None:
        raise InvalidUserAgent(
            f"{setting} must read 'Application/version ( contact )', "
            f"e.g. '{EXAMPLE}' (got {agent!r})"
        )
    app, contact = match["app"], match["contact"]
    if _LIBRARIES.match(app) or app.lower() in _PLACEHOLDER_APPS:
        raise InvalidUserAgent(
            f"{setting} names a generic application ({app!r}); use your own name"
        )
    if not _CONTACT.match(contact) or contact.lower() in _PLACEHOLDER_CONTACTS:
        raise InvalidUserAgent(
            f"{setting} needs a real contact (an e-mail address or a URL) "
            f"in the parentheses (got {contact!r})"
        )
    return agent
