"""Broken 200 answers for the ``malformed`` fault: what flaky proxies and CDNs hand out."""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import Response

from .errors import JSON_TYPE, SpotifyJSON
from .faults import MalformedKind

_GATEWAY_PAGE = (
    "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>"
    "<h1>Bad Gateway</h1><p>The upstream server returned an invalid response.</p>"
    "</body></html>"
)


def _strip_identity(value: Any, in_list: bool = False) -> Any:
    """Drop ``id`` and ``name`` from every object that sits in a list."""
    if isinstance(value, list):
        return [_strip_identity(v, in_list=True) for v in value]
    if isinstance(value, dict):
        skip = {"id", "name"} if in_list else set()
        return {k: _strip_identity(v) for k, v in value.items() if k not in skip}
    return value


def corrupt(response: Response, kind: MalformedKind) -> Response:
    body = bytes(response.body)
    if kind == "truncated":
        return Response(body[: max(1, len(body) // 2)], media_type=JSON_TYPE)
    if kind == "not_json":
        return Response(_GATEWAY_PAGE, media_type="text/html; charset=utf-8")
    if kind == "wrong_shape":
        return SpotifyJSON(_strip_identity(json.loads(body)))
    return Response(b"", media_type=JSON_TYPE)
