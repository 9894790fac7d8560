"""``/_emulator/``: the control surface (shared calls, ``trendcache.emulators.control``).

``POST /_emulator/faults`` takes ``{"outage": 2, "too_many_requests": 1, "reset_in": 3,
"malformed_json": 1, "malformed_shape": 1, "stats_not_computed": true, "latency": 0.5,
"limit_per_ip": 2, "limit_per_token": 5, "window": 4}``: counts are added to those still
pending; the limits change the rate limit every client gets. ``POST /_emulator/day`` takes
``{"day": "2026-12-04"}`` or ``{"days": 1}`` (forward, or back when negative) and moves the
catalog's day: charts and fresh releases follow it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from starlette.requests import Request
from starlette.routing import Route

from trendcache.emulators.control import control_routes as shared_routes
from trendcache.emulators.control import json_body, reject_unknown

from .faults import COUNTED
from .instance import EmulatorState

SETTINGS = (
    "reset_in",
    "stats_not_computed",
    "latency",
    "limit_per_ip",
    "limit_per_token",
    "window",
)


def apply_faults(state: EmulatorState, body: dict[str, Any]) -> None:
    reject_unknown(body, [*COUNTED, *SETTINGS])
    for fault in COUNTED:
        if fault in body:
            state.faults.add(fault, int(body[fault]))
    if "reset_in" in body:
        state.faults.reset_in = max(1, int(body["reset_in"]))
    if "stats_not_computed" in body:
        state.faults.stats_not_computed = bool(body["stats_not_computed"])
    if "latency" in body:
        state.faults.latency = max(0.0, float(body["latency"]))
    if "limit_per_ip" in body:
        state.limiter.per_ip = max(1, int(body["limit_per_ip"]))
    if "limit_per_token" in body:
        state.limiter.per_token = max(1, int(body["limit_per_token"]))
    if "window" in body:
        state.limiter.window = max(1, int(body["window"]))


def control_routes(state: EmulatorState) -> list[Route]:
    def summary() -> dict[str, Any]:
        return {
            "today": state.today().isoformat(),
            "catalog": {
                "release_groups": len(state.catalog.groups),
                "fresh": sum(group.fresh for group in state.catalog.groups),
            },
            "rate_limit": {
                "per_ip": state.limiter.per_ip,
                "per_token": state.limiter.per_token,
                "window": state.limiter.window,
            },
            "faults": state.faults.snapshot(),
        }

    async def faults(request: Request) -> dict[str, Any]:
        if request.method == "POST":
            apply_faults(state, await json_body(request))
        return summary()

    async def day(request: Request) -> dict[str, Any]:
        body = await json_body(request)
        reject_unknown(body, ["day", "days"])
        if "day" in body:
            state.catalog.set_day(date.fromisoformat(str(body["day"])))
        else:
            state.catalog.advance(int(body.get("days", 1)))
        return {"today": state.today().isoformat()}

    return shared_routes(state, summary, faults, [("/day", day, ["POST"])])
