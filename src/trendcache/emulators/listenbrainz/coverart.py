"""The Cover Art Archive beside it: front covers of the releases the catalog shows.

``GET /release/{mbid}/front`` (and ``front-250``, ``front-500``, ``front-1200``, the
thumbnail sizes) and ``GET /release-group/{mbid}/front`` (``-250`` …: the front of the
group's shown release), under ``coverart_url``. Each answers a deterministic generated
cover (the Spotify emulator's designs, as SVG), or 404 where the release has no cover art
(``caa_id`` null) or is unknown. It is a service apart, so nothing here is rate-limited,
faulted or logged.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from trendcache.emulators.spotify.images import SVG_TYPE, album_cover

from .catalog import ReleaseGroup
from .instance import EmulatorState

PREFIX = "/coverart"
SIZES = {"front": 500, "front-250": 250, "front-500": 500, "front-1200": 1200}
NOT_FOUND = "No cover art found for the given MBID."


def coverart_routes(state: EmulatorState) -> list[Route]:
    def answer(group: ReleaseGroup | None, size: str) -> Response:
        if group is None or group.caa_id is None or size not in SIZES:
            return PlainTextResponse(NOT_FOUND, status_code=404)
        svg = album_cover(group.release_mbid, SIZES[size], group.name, group.credit)
        return Response(svg, media_type=SVG_TYPE, headers={"Cache-Control": "max-age=86400"})

    async def release(request: Request) -> Response:
        group = state.catalog.release(request.path_params["mbid"])
        return answer(group, request.path_params["size"])

    async def release_group(request: Request) -> Response:
        group = state.catalog.group(request.path_params["mbid"])
        return answer(group, request.path_params["size"])

    return [
        Route(f"{PREFIX}/release/{{mbid}}/{{size}}", release, methods=["GET"]),
        Route(f"{PREFIX}/release-group/{{mbid}}/{{size}}", release_group, methods=["GET"]),
    ]
