"""The Starlette application: Spotify's two hosts (accounts and api) on one port."""

from __future__ import annotations

import re

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route, compile_path

from . import errors, webapi
from .accounts import issue_token
from .control import control_routes
from .errors import ApiError
from .images import SVG_TYPE
from .instance import EmulatorState
from .pipeline import Handler, service, web_api

# (path under /v1, handler, extended tier only)
WEB_API: tuple[tuple[str, Handler, bool], ...] = (
    ("/browse/new-releases", webapi.new_releases, True),
    ("/search", webapi.search, False),
    ("/albums", webapi.several_albums, True),
    ("/albums/{id}", webapi.album, False),
    ("/albums/{id}/tracks", webapi.album_tracks, False),
    ("/artists", webapi.several_artists, True),
    ("/artists/{id}", webapi.artist, False),
    ("/tracks", webapi.several_tracks, True),
    ("/tracks/{id}", webapi.track, False),
)
TOKEN_TEMPLATE = "/api/token"
IMAGE_TEMPLATE = "/image/{name}"
UNKNOWN_TEMPLATE = "<unknown>"
_ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (compile_path(f"/v1{template}")[0], template) for template, _, _ in WEB_API
] + [(compile_path(t)[0], t) for t in (TOKEN_TEMPLATE, IMAGE_TEMPLATE)]
_IMMUTABLE = "public, max-age=31536000, immutable"


def template_for(path: str) -> str:
    """The stats key of a raw path, for requests that never reach the router."""
    return next((t for pattern, t in _PATTERNS if pattern.match(path)), UNKNOWN_TEMPLATE)


def create_app(state: EmulatorState) -> Starlette:
    async def token(request: Request) -> Response:
        return await issue_token(
            request, state.tokens, state.client_id, state.client_secret, state.faults.token_ttl
        )

    async def image(request: Request) -> Response:
        name = request.path_params["name"]
        svg = state.covers.svg(name)
        if svg is None:
            return Response("Not Found", status_code=404, media_type="text/plain")
        headers = {"Cache-Control": _IMMUTABLE, "ETag": f'"{name}"'}
        if request.headers.get("if-none-match") == headers["ETag"]:
            return Response(status_code=304, headers=headers)
        return Response(svg, media_type=SVG_TYPE, headers=headers)

    async def unknown(_: Request) -> Response:
        raise ApiError(404, errors.SERVICE_NOT_FOUND)

    routes = [
        Route(f"/v1{path}", web_api(state, path, handler, extended_only=gated), methods=["GET"])
        for path, handler, gated in WEB_API
    ]
    routes += [
        Route(TOKEN_TEMPLATE, service(state, TOKEN_TEMPLATE, token), methods=["POST"]),
        Route(IMAGE_TEMPLATE, service(state, IMAGE_TEMPLATE, image), methods=["GET"]),
        *control_routes(state),
        Route("/{path:path}", service(state, UNKNOWN_TEMPLATE, unknown), methods=_ALL_METHODS),
    ]
    return Starlette(routes=routes)
