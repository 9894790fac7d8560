"""``/_emulator/``: the control surface every emulator offers other processes.

Not part of the emulated service, so none of it is faulted, rate-limited or counted in
stats. JSON in, JSON out; a ``ValueError`` (bad JSON, an unknown field, a value out of
range) is answered 400 ``{"error": ...}``. Every emulator has ``GET /_emulator`` (its
summary), ``GET /_emulator/stats``, ``POST /_emulator/reset`` (then its summary) and
``GET|POST /_emulator/faults``; what the faults are, and any further calls, are its own.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, Protocol

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

PREFIX = "/_emulator"

Action = Callable[[Request], Awaitable[Any]]
"""An async call answering with a JSON-ready value."""


class _Stats(Protocol):
    def as_json(self) -> dict[str, Any]: ...


class Controlled(Protocol):
    """What the shared calls need of an emulator's state."""

    @property
    def stats(self) -> _Stats: ...

    def reset(self) -> None: ...


async def json_body(request: Request) -> dict[str, Any]:
    """The request's JSON object; an empty body is ``{}``."""
    raw = await request.body()
    body = json.loads(raw) if raw.strip() else {}
    if not isinstance(body, dict):
        raise ValueError("expected a JSON object")
    return body


def reject_unknown(body: Iterable[str], known: Iterable[str]) -> None:
    unknown = set(body) - set(known)
    if unknown:
        raise ValueError(f"unknown fault fields: {sorted(unknown)}")


def _endpoint(action: Action) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        try:
            result = await action(request)
        except ValueError as exc:  # json.JSONDecodeError included
            return JSONResponse({"error": str(exc)}, status_code=400)
        return JSONResponse(result)

    return endpoint


def control_routes(
    state: Controlled,
    summary: Callable[[], dict[str, Any]],
    faults: Action,
    extra: Iterable[tuple[str, Action, list[str]]] = (),
) -> list[Route]:
    """The shared calls around ``summary`` and ``faults`` (``GET`` shows, ``POST`` applies),
    then ``extra`` calls as (path under ``/_emulator``, action, methods)."""

    async def index(_: Request) -> dict[str, Any]:
        return summary()

    async def stats(_: Request) -> dict[str, Any]:
        return state.stats.as_json()

    async def reset(_: Request) -> dict[str, Any]:
        state.reset()
        return summary()

    calls = [
        ("", index, ["GET"]),
        ("/stats", stats, ["GET"]),
        ("/reset", reset, ["POST"]),
        ("/faults", faults, ["GET", "POST"]),
        *extra,
    ]
    return [
        Route(f"{PREFIX}{path}", _endpoint(action), methods=methods)
        for path, action, methods in calls
    ]
