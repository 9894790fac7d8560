"""``/_emulator/``: the control surface for other processes (demo, end-to-end tests).

Not part of Spotify's API, so none of it is faulted, rate-limited or counted in stats.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .faults import Faults
from .markets import HOME_MARKETS
from .state import EmulatorState

_SETTINGS: dict[str, Callable[[Any], Any]] = {
    "latency": float,
    "token_ttl": int,
    "rate_limit_per_30s": lambda v: None if v is None else int(v),
    "daily_quota": lambda v: None if v is None else int(v),
    "outage": bool,
}
_RULES = ("rate_limit", "quota_exceeded", "server_error", "slow", "malformed")


def apply_faults(faults: Faults, body: Mapping[str, Any]) -> None:
    """Apply a JSON body whose keys mirror the Python API.

    Settings take a value (``{"daily_quota": 1100}``); rules take keyword arguments, or a
    list of them (``{"rate_limit": {"retry_after": 3, "count": 2}}``); ``revoke_tokens``
    takes ``true``.
    """
    unknown = set(body) - set(_SETTINGS) - set(_RULES) - {"revoke_tokens"}
    if unknown:
        raise ValueError(f"unknown fault fields: {sorted(unknown)}")
    for name, convert in _SETTINGS.items():
        if name in body:
            setattr(faults, name, convert(body[name]))
    for name in _RULES:
        calls = body.get(name)
        for kwargs in calls if isinstance(calls, list) else [calls] if calls is not None else []:
            try:
                getattr(faults, name)(**kwargs)
            except TypeError as exc:
                raise ValueError(f"{name}: {exc}") from exc
    if body.get("revoke_tokens"):
        faults.revoke_tokens()


async def _json_body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    body = json.loads(raw) if raw.strip() else {}
    if not isinstance(body, dict):
        raise ValueError("expected a JSON object")
    return body


def control_routes(state: EmulatorState) -> list[Route]:
    def summary() -> dict[str, Any]:
        catalog = state.catalog
        return {
            "seed": catalog.seed,
            "today": state.today.isoformat(),
            "start_day": state.clock.start_day.isoformat(),
            "tier": state.tier,
            "catalog": {
                "artists": len(catalog.artists),
                "albums": len(catalog.albums),
                "released_albums": len(catalog.released_albums()),
                "tracks": len(catalog.tracks),
                "new_releases": {m: len(catalog.new_releases(m)) for m in HOME_MARKETS},
            },
            "faults": state.faults.snapshot(),
        }

    def guarded(action: Callable[[Request], Any]) -> Callable[[Request], Any]:
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
            apply_faults(state.faults, await _json_body(request))
        return state.faults.snapshot()

    async def tier(request: Request) -> dict[str, Any]:
        state.set_tier(str((await _json_body(request)).get("tier")))
        return {"tier": state.tier}

    async def advance(request: Request) -> dict[str, Any]:
        body = await _json_body(request)
        day = state.advance(float(body.get("days", 1)), float(body.get("seconds", 0)))
        return {"today": day.isoformat()}

    return [
        Route("/_emulator", guarded(index), methods=["GET"]),
        Route("/_emulator/", guarded(index), methods=["GET"]),
        Route("/_emulator/stats", guarded(stats), methods=["GET"]),
        Route("/_emulator/reset", guarded(reset), methods=["POST"]),
        Route("/_emulator/faults", guarded(faults), methods=["GET", "POST"]),
        Route("/_emulator/tier", guarded(tier), methods=["POST"]),
        Route("/_emulator/advance", guarded(advance), methods=["POST"]),
    ]
