"""What happens around every web-service handler, in MusicBrainz's own order.

1. The edge refuses unidentified clients (403) before counting them.
2. The per-client limit (503, ``ws ip=`` zone); a refusal here is a violation.
3. Global load shedding (503, ``global`` zone), when ``faults.overloaded`` says so.
4. Then the web service: latency, the format check (406), the handler (200/400/404),
   and with ``faults.hostile_names`` its answer's names made hostile.

Requests admitted at step 2 use up their client's window whatever happens after, so a
client answered "busy" must still keep its pace before retrying.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response

from . import errors
from .errors import WebServiceError
from .hostile import poison
from .instance import EmulatorState
from .limits import identified
from .request_log import RequestRecord

Handler = Callable[[Request, EmulatorState], Response]
Endpoint = Callable[[Request], Awaitable[Response]]


def arrival(request: Request) -> tuple[float, float]:
    """(wall, monotonic) arrival time stamped by the protocol when the request began."""
    state = request.scope.get("state") or {}
    return state.get("mb_at", time.time()), state.get("mb_arrived", time.monotonic())


def client_key(address: str, user_agent: str) -> str:
    return f"{address} {user_agent}"


def format_refusal(request: Request) -> Response | None:
    """None when JSON was asked for by ``fmt=json`` or, as MusicBrainz allows, ``Accept``.

    Without either MusicBrainz answers XML, which the emulator does not speak: it refuses
    with 406 so that a client forgetting ``fmt=json`` fails here, not in production.
    """
    fmt = request.query_params.get("fmt")
    if fmt == "json" or (fmt is None and "application/json" in request.headers.get("accept", "")):
        return None
    return errors.not_acceptable(
        errors.JSON_ONLY if fmt in (None, "xml") else errors.INVALID_FORMAT
    )


def web_service(state: EmulatorState, template: str, handler: Handler) -> Endpoint:
    async def endpoint(request: Request) -> Response:
        epoch = state.epoch
        at, arrived = arrival(request)
        address = request.client.host if request.client else "unknown"
        agent = request.headers.get("user-agent", "")
        zone, violation = None, False
        if not identified(agent):
            response = errors.unidentified()
        elif (wait := state.limiter.admit(client_key(address, agent), arrived)) is not None:
            response = errors.rate_limited(address, state.limiter.allowed, wait)
            zone, violation = f"ws ip={address}", True
        elif state.faults.shed():
            response, zone = errors.busy(), errors.GLOBAL_ZONE
        else:
            response = await _serve(request, state, handler)
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
                    client=client_key(address, agent),
                    zone=zone,
                    violation=violation,
                )
            )
        return response

    return endpoint


async def _serve(request: Request, state: EmulatorState, handler: Handler) -> Response:
    if state.faults.latency > 0:
        await asyncio.sleep(state.faults.latency)
    refusal = format_refusal(request)
    if refusal is not None:
        return refusal
    try:
        if request.method not in ("GET", "HEAD"):
            raise WebServiceError(405, f"{request.method} is not allowed on this endpoint.")
        response = handler(request, state)
    except WebServiceError as error:
        return error.response()
    return poison(response) if state.faults.hostile_names else response
