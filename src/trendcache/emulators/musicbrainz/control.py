"""``/_emulator/``: the control surface for other processes (demo, end-to-end runs).

Not part of MusicBrainz, so none of it is rate-limited, faulted or counted in stats.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .state import EmulatorState


async def _json_body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    body = json.loads(raw) if raw.strip() else {}
    if not isinstance(body, dict):
        raise ValueError("expected a JSON object")
    return body


def apply_faults(state: EmulatorState, body: dict[str, Any]) -> None:
    """``{"latency": 0.2, "outage": true, "overloaded": 3 | null, "requests_per_second": 5}``;
    ``"overloaded": null`` sheds every request until the next reset."""
    unknown = set(body) - {"latency", "outage", "overloaded", "requests_per_second"}
    if unknown:
        raise ValueError(f"unknown fault fields: {sorted(unknown)}")
    if "latency" in body:
        state.faults.latency = float(body["latency"])
    if "outage" in body:
        state.faults.outage = bool(body["outage"])
    if "overloaded" in body:
        count = body["overloaded"]
        state.faults.overloaded(None if count is None else int(count))
    if "requests_per_second" in body:
        state.limiter.requests_per_second = float(body["requests_per_second"])


def control_routes(state: EmulatorState) -> list[Route]:
    def summary() -> dict[str, Any]:
        truth = state.catalog.truth.values()
        return {
            "catalog": {
                "releases": len(state.catalog.releases),
                "recordings": len(state.catalog.recordings),
                "albums": len(truth),
                "albums_present": sum(e.release_mbid is not None for e in truth),
            },
            "requests_per_second": state.limiter.requests_per_second,
            "faults": state.faults.snapshot(),
        }

    def guarded(action: Callable[[Request], Awaitable[Any]]) -> Callable[[Request], Any]:
        async def endpoint(request: Request) -> Response:
            try:
                result = await action(request)
            except ValueError as exc:  # json.JSONDecodeError included
                return JSONResponse({"error": str(exc)}, status_code=400)
            return JSONResponse(result)

        return endpoint

    async def index(_: Request) -> dict[str, Any]:
        return summary()

    async def stats(_: Request) -> dict[str, Any]:
        return state.stats.as_json()

    async def reset(_: Request) -> dict[str, Any]:
        state.reset()
        return summary()

    async def faults(request: Request) -> dict[str, Any]:
        if request.method == "POST":
            apply_faults(state, await _json_body(request))
        return summary()

    return [
        Route("/_emulator", guarded(index), methods=["GET"]),
        Route("/_emulator/stats", guarded(stats), methods=["GET"]),
        Route("/_emulator/reset", guarded(reset), methods=["POST"]),
        Route("/_emulator/faults", guarded(faults), methods=["GET", "POST"]),
    ]
