"""``/_emulator/``: the control surface for other processes (demo, end-to-end tests).

Not part of Spotify's API, so none of it is faulted, rate-limited or counted in stats.
Besides the shared calls (``trendcache.emulators.control``): ``GET /_emulator/`` as an
alias of the summary, ``POST /_emulator/tier`` and ``POST /_emulator/advance``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from starlette.requests import Request
from starlette.routing import Route

from trendcache.emulators.control import control_routes as shared_routes
from trendcache.emulators.control import json_body, reject_unknown

from .faults import Faults
from .instance import EmulatorState
from .markets import HOME_MARKETS

_SETTINGS: dict[str, Callable[[Any], Any]] = {
    "latency": float,
    "token_ttl": int,
    "rate_limit_per_30s": lambda v: None if v is None else int(v),
    "daily_quota": lambda v: None if v is None else int(v),
    "outage": bool,
    "hostile_names": bool,
}
_RULES = ("rate_limit", "quota_exceeded", "server_error", "slow", "malformed")


def apply_faults(faults: Faults, body: Mapping[str, Any]) -> None:
    """Apply a JSON body whose keys mirror the Python API.

    Settings take a value (``{"daily_quota": 1100}``); rules take keyword arguments, or a
    list of them (``{"rate_limit": {"retry_after": 3, "count": 2}}``); ``revoke_tokens``
    takes ``true``.
    """
    reject_unknown(body, [*_SETTINGS, *_RULES, "revoke_tokens"])
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

    async def index(_: Request) -> dict[str, Any]:
        return summary()

    async def faults(request: Request) -> dict[str, Any]:
        if request.method == "POST":
            apply_faults(state.faults, await json_body(request))
        return state.faults.snapshot()

    async def tier(request: Request) -> dict[str, Any]:
        state.set_tier(str((await json_body(request)).get("tier")))
        return {"tier": state.tier}

    async def advance(request: Request) -> dict[str, Any]:
        body = await json_body(request)
        day = state.advance(float(body.get("days", 1)), float(body.get("seconds", 0)))
        return {"today": day.isoformat()}

    return shared_routes(
        state,
        summary,
        faults,
        [("/", index, ["GET"]), ("/tier", tier, ["POST"]), ("/advance", advance, ["POST"])],
    )
