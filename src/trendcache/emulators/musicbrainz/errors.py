"""MusicBrainz's refusals, worded and shaped as the real service sends them.

Two layers answer on musicbrainz.org. The web service itself (musicbrainz-server) sends
``{"error": ..., "help": ...}`` for 400/404 (wording from its controllers: "Invalid
mbid.", "Not Found", "X is not a valid inc parameter for the release resource.") and an
XML error with 406 when no usable format was asked for. In front of it, an openresty
rate limiter sends ``{"error": ...}`` plus a newline, with ``server: openresty`` and
``x-mb-rate-limiter: lua``:

* 403 for a missing or library-default User-Agent (``x-ratelimit-who: ua-missing``);
* 503 per client, ``x-ratelimit-zone: ws ip=<address>`` (musicbrainz-server's own key
  format, and what a 2026 capture shows), ``retry-after`` in whole seconds (>= 1);
* 503 global load shedding, ``x-ratelimit-zone: global``, "currently busy" and, as
  captured in 2026, ``retry-after: 0``. That zero is real and misleading: a client that
  retries at once instead of keeping its own pace runs into the per-client limit.

``x-ratelimit-limit``/``-remaining``/``-reset`` accompany both 503s. For the per-client
zone the emulator sends the requests allowed per window, 0, and the epoch second when
the client may send again; for the global zone the captured 15 and 12, which say
nothing about the client (the real meanings are undocumented and "may change").
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Mapping, Sequence
from typing import Any

from starlette.responses import Response

from .constants import HELP

JSON_TYPE = "application/json; charset=utf-8"
XML_TYPE = "application/xml; charset=utf-8"
RATE_LIMITED = (
    "Your requests are exceeding the allowable rate limit. "
    "Please see http://wiki.musicbrainz.org/XMLWebService for more information."
)
BUSY = "The MusicBrainz web server is currently busy. Please try again later."
UNIDENTIFIED = (
    "Your requests are being throttled by MusicBrainz because the application you are "
    "using has not identified itself. Please update your application, and see "
    "http://musicbrainz.org/doc/XML_Web_Service/Rate_Limiting for more information."
)
INVALID_FORMAT = (
    "Invalid format. Either set an Accept header (recognized mime types are "
    "application/json and application/xml), or include a fmt= argument in the query "
    "string (valid values for fmt are json and xml)."
)
JSON_ONLY = "This MusicBrainz emulator answers JSON only; send fmt=json."
_EDGE = {"server": "openresty", "x-mb-rate-limiter": "lua", "access-control-allow-origin": "*"}
GLOBAL_ZONE = "global"


class MusicBrainzJSON(Response):
    """Compact UTF-8 JSON, as the web service sends it."""

    media_type = JSON_TYPE

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode()


class WebServiceError(Exception):
    """An error answer from musicbrainz-server; raise it anywhere in a handler."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"{status} {message}")
        self.status = status
        self.message = message

    def response(self) -> Response:
        body = {"error": self.message, "help": HELP}
        return MusicBrainzJSON(body, status_code=self.status)


def not_found() -> WebServiceError:
    return WebServiceError(404, "Not Found")


def invalid_mbid() -> WebServiceError:
    return WebServiceError(400, "Invalid mbid.")


def no_query_type(resource: str) -> WebServiceError:
    message = (
        f"The given parameters do not match any available query type for the {resource} resource."
    )
    return WebServiceError(400, message)


def bad_inc(inc: str, resource: str) -> WebServiceError:
    return WebServiceError(400, f"{inc} is not a valid inc parameter for the {resource} resource.")


def inc_needs(inc: str, resource: str, needed: Sequence[str]) -> WebServiceError:
    message = (
        f"{inc} is not a valid option for the inc parameter for the {resource} resource "
        f"unless you specify one of the following other inc parameters: {', '.join(needed)}"
    )
    return WebServiceError(400, message)


def repeated_inc() -> WebServiceError:
    message = "Inc arguments must be combined with a space, but you provided multiple parameters"
    return WebServiceError(400, message)


def not_acceptable(message: str) -> Response:
    """406 in XML: the only format left to explain a format problem in."""
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<error><text>{message}</text><text>{HELP}</text></error>"
    )
    return Response(xml, status_code=406, media_type=XML_TYPE)


def _edge(status: int, message: str, headers: Mapping[str, str]) -> Response:
    body = json.dumps({"error": message}) + "\n"
    return Response(body, status_code=status, media_type=JSON_TYPE, headers=_EDGE | dict(headers))


def unidentified() -> Response:
    return _edge(403, UNIDENTIFIED, {"x-ratelimit-who": "ua-missing"})


def rate_limited(address: str, limit: int, wait: float) -> Response:
    reset = math.ceil(time.time() + wait)
    headers = {
        "retry-after": str(max(1, math.ceil(wait))),
        "x-ratelimit-limit": str(limit),
        "x-ratelimit-remaining": "0",
        "x-ratelimit-reset": str(reset),
        "x-ratelimit-zone": f"ws ip={address}",
    }
    return _edge(503, RATE_LIMITED, headers)


def busy() -> Response:
    headers = {
        "retry-after": "0",
        "x-ratelimit-limit": "15",
        "x-ratelimit-remaining": "12",
        "x-ratelimit-reset": str(math.ceil(time.time()) + 1),
        "x-ratelimit-who": GLOBAL_ZONE,
        "x-ratelimit-zone": GLOBAL_ZONE,
    }
    return _edge(503, BUSY, headers)
