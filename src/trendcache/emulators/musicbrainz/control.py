"""``/_emulator/``: the control surface for other processes (demo, end-to-end runs).

Not part of MusicBrainz, so none of it is rate-limited, faulted or counted in stats.
Only the shared calls (``trendcache.emulators.control``); ``/_emulator/faults`` answers
with the whole summary, since ``requests_per_second`` is set there too.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.routing import Route

from trendcache.emulators.control import control_routes as shared_routes
from trendcache.emulators.control import json_body, reject_unknown

from .instance import EmulatorState


def apply_faults(state: EmulatorState, body: dict[str, Any]) -> None:
    """``{"latency": 0.2, "outage": true, "overloaded": 3 | null, "hostile_names": true,
    "requests_per_second": 5}``; ``"overloaded": null`` sheds every request until the next
    reset."""
    reject_unknown(
        body, ["latency", "outage", "overloaded", "hostile_names", "requests_per_second"]
    )
    if "latency" in body:
        state.faults.latency = float(body["latency"])
    if "outage" in body:
        state.faults.outage = bool(body["outage"])
    if "hostile_names" in body:
        state.faults.hostile_names = bool(body["hostile_names"])
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

    async def faults(request: Request) -> dict[str, Any]:
        if request.method == "POST":
            apply_faults(state, await json_body(request))
        return summary()

    return shared_routes(state, summary, faults)
