"""The Starlette application: the two ListenBrainz endpoints and the control surface.

Around every API request, in ListenBrainz's order: the rate limit counts it (brainzutils'
decorator runs before the view) and refuses it with 429 past the limit; then a switched
fault may answer instead; then the view, validating its parameters as the real one does
(400 ``{"code": 400, "error": …}``), answering 200 or, for statistics not computed, 204.
Every answer the service itself gives carries the ``X-RateLimit-*`` headers.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import datetime

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .catalog import RANGES
from .control import control_routes
from .coverart import coverart_routes
from .instance import EmulatorState
from .request_log import RequestRecord

FRESH_RELEASES = "/1/explore/fresh-releases/"
SITEWIDE_RELEASE_GROUPS = "/1/stats/sitewide/release-groups"
DEFAULT_DAYS, MAX_DAYS = 14, 90
DEFAULT_COUNT, MAX_COUNT = 25, 1000
SORTS = ("release_date", "artist_credit_name", "release_name")
OVER_LIMIT = (
    "You have exceeded your rate limit. See the X-RateLimit-* response headers for more "
    "information on your current rate limit.\n"
)
OUTAGE_PAGE = (
    "<html><head><title>503 Service Temporarily Unavailable</title></head><body>"
    "<center><h1>503 Service Temporarily Unavailable</h1></center><hr><center>nginx</center>"
    "</body></html>\n"
)
NOT_FOUND = (
    "The requested URL was not found on the server. If you entered the URL manually "
    "please check your spelling and try again."
)
Handler = Callable[[Request, EmulatorState], Response]


class BadRequest(Exception):
    """An `APIBadRequest`: 400 with ListenBrainz's `{"code", "error"}` body."""


def api_error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"code": status, "error": message}, status_code=status)


def _bool(request: Request, name: str, default: bool) -> bool:
    value = request.query_params.get(name)
    if value is None:
        return default
    if value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise BadRequest(f"Invalid value for {name}: {value}. Must be 'true' or 'false'.")


def _int(request: Request, name: str, default: int, *, non_negative: bool = False) -> int:
    value = request.query_params.get(name)
    if value is None:
        return default
    problem = f"'{name}' should be a non-negative integer" if non_negative else None
    try:
        number = int(value)
    except ValueError:
        raise BadRequest(problem or f"Invalid {name} argument: {value}") from None
    if problem and number < 0:
        raise BadRequest(problem)
    return number


def fresh_releases(request: Request, state: EmulatorState) -> Response:
    days = _int(request, "days", DEFAULT_DAYS)
    if not 1 <= days <= MAX_DAYS:
        raise BadRequest(f"days must be between 1 and {MAX_DAYS}.")
    sort = request.query_params.get("sort", "release_date")
    if sort not in SORTS:
        raise BadRequest(
            "sort must be one of 'release_date', 'artist_credit_name' or 'release_name'."
        )
    past = _bool(request, "past", True)
    future = _bool(request, "future", True)
    pivot_text = request.query_params.get("release_date", "")
    try:
        pivot = datetime.strptime(pivot_text, "%Y-%m-%d").date() if pivot_text else state.today()
    except ValueError:
        raise BadRequest("Cannot parse date. Must be in YYYY-MM-DD format.") from None
    releases = state.catalog.fresh_releases(pivot, days, sort, past, future)
    return JSONResponse({"payload": {"releases": releases, "total_count": len(releases)}})


def sitewide_release_groups(request: Request, state: EmulatorState) -> Response:
    stats_range = request.query_params.get("range", "all_time")
    if stats_range not in RANGES:
        raise BadRequest(f"Invalid range: {stats_range}")
    offset = _int(request, "offset", 0, non_negative=True)
    count = min(_int(request, "count", DEFAULT_COUNT, non_negative=True), MAX_COUNT)
    if state.faults.stats_not_computed:
        return Response(status_code=204)
    chart = state.catalog.chart(stats_range)
    from_ts, to_ts = state.catalog.chart_period(stats_range)
    payload = {
        "release_groups": chart[offset : offset + count],
        "range": stats_range,
        "offset": offset,
        "count": count,
        "total_release_group_count": len(chart),
        "from_ts": from_ts,
        "to_ts": to_ts,
        "last_updated": to_ts,
    }
    return JSONResponse({"payload": payload})


API: tuple[tuple[str, Handler], ...] = (
    (FRESH_RELEASES, fresh_releases),
    (SITEWIDE_RELEASE_GROUPS, sitewide_release_groups),
)


def _faulted(fault: str, state: EmulatorState) -> Response:
    if fault == "outage":
        return Response(OUTAGE_PAGE, status_code=503, media_type="text/html")
    if fault == "too_many_requests":
        reset_in = state.faults.reset_in
        headers = {
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Limit": str(state.limiter.per_ip),
            "X-RateLimit-Reset": str(int(time.time()) + reset_in),
            "X-RateLimit-Reset-In": str(reset_in),
        }
        return Response(OVER_LIMIT, status_code=429, media_type="text/html", headers=headers)
    if fault == "malformed_json":
        return Response(
            '{"payload": {"releases": [{"release_mbid": "', media_type="application/json"
        )
    return JSONResponse({"payload": {"items": "not what the documentation says"}})


def endpoint(
    state: EmulatorState, template: str, handler: Handler
) -> Callable[[Request], Awaitable[Response]]:
    async def serve(request: Request) -> Response:
        epoch, at, arrived = state.epoch, time.time(), time.monotonic()
        authorization = request.headers.get("authorization")
        token = authorization is not None and authorization.startswith("Token ")
        key = (
            authorization
            if token and authorization
            else (request.client.host if request.client else "?")
        )
        verdict = state.limiter.hit(key, token)
        fault = None
        if verdict.over:
            response: Response = Response(OVER_LIMIT, status_code=429, media_type="text/html")
        elif (fault := state.faults.take()) is not None:
            response = _faulted(fault, state)
        else:
            if state.faults.latency > 0:
                await asyncio.sleep(state.faults.latency)
            try:
                response = handler(request, state)
            except BadRequest as error:
                response = api_error(400, str(error))
        if fault not in ("outage", "too_many_requests"):
            response.headers.update(verdict.headers())
        if state.epoch == epoch:
            state.stats.record(
                RequestRecord(
                    at=at,
                    arrived=arrived,
                    method=request.method,
                    path=request.url.path,
                    template=template,
                    query=request.url.query,
                    status=response.status_code,
                    user_agent=request.headers.get("user-agent", ""),
                    authorization=authorization,
                    fault=fault,
                )
            )
        return response

    return serve


async def _not_found(request: Request, exc: Exception) -> Response:
    return api_error(404, NOT_FOUND)


def create_app(state: EmulatorState) -> Starlette:
    routes = [
        Route(template, endpoint(state, template, handler), methods=["GET"])
        for template, handler in API
    ]
    routes += control_routes(state)
    routes += coverart_routes(state)
    return Starlette(routes=routes, exception_handlers={404: _not_found})
