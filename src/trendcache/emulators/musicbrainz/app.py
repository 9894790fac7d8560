"""The Starlette application: MusicBrainz's ws/2 calls and the emulator's control surface."""

from __future__ import annotations

import re

from starlette.applications import Starlette
from starlette.routing import Route, compile_path

from . import webservice
from .control import control_routes
from .instance import EmulatorState
from .pipeline import Handler, web_service

WS = "/ws/2"
# (path template, handler); searches also answer with a trailing slash, as clients send.
WEB_SERVICE: tuple[tuple[str, Handler], ...] = (
    (f"{WS}/url", webservice.url_lookup),
    (f"{WS}/url/{{mbid}}", webservice.url_by_id),
    (f"{WS}/release", webservice.release_search),
    (f"{WS}/release/{{mbid}}", webservice.release_lookup),
    (f"{WS}/release-group/{{mbid}}", webservice.release_group_lookup),
    (f"{WS}/recording", webservice.recording_search),
)
UNKNOWN_TEMPLATE = "<unknown>"
_ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (compile_path(template)[0], template) for template, _ in WEB_SERVICE
]


def template_for(path: str) -> str:
    """The stats key of a raw path, for requests that never reach the router."""
    path = path.rstrip("/") or path
    return next((t for pattern, t in _PATTERNS if pattern.match(path)), UNKNOWN_TEMPLATE)


def create_app(state: EmulatorState) -> Starlette:
    routes = []
    for template, handler in WEB_SERVICE:
        endpoint = web_service(state, template, handler)
        routes.append(Route(template, endpoint, methods=_ALL_METHODS))
        if "{" not in template:
            routes.append(Route(f"{template}/", endpoint, methods=_ALL_METHODS))
    routes += [
        *control_routes(state),
        Route(
            "/{path:path}",
            web_service(state, UNKNOWN_TEMPLATE, webservice.unknown),
            methods=_ALL_METHODS,
        ),
    ]
    return Starlette(routes=routes)
