"""What happens around every handler: latency, auth, injected faults, limits, tier, stats.

Order: a request is authenticated first (so 401s never count against limits), then
rate-limited and quota-checked, then tier-gated, then answered. A request that outlives
a ``reset()`` (see ``EmulatorState.epoch``) is answered plainly.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response

from . import errors, params
from .errors import ApiError, OAuthError
from .faults import Rule
from .hostile import poison
from .instance import EmulatorState
from .malformed import corrupt
from .render import View

Handler = Callable[[Request, EmulatorState, View], Response]
Endpoint = Callable[[Request], Awaitable[Response]]


def _authenticate(request: Request, state: EmulatorState) -> None:
    header = request.headers.get("authorization")
    if not header:
        raise errors.unauthorized(errors.NO_TOKEN)
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(400, errors.BEARER_ONLY)
    problem = state.tokens.problem(token.strip(), state.faults.tokens_revoked_at)
    if problem is not None:
        raise errors.unauthorized(problem)


def _replacement(rule: Rule | None) -> ApiError | None:
    if rule is None or rule.kind in ("malformed", "slow"):
        return None
    if rule.kind == "rate_limit":
        return errors.rate_limited(rule.retry_after)
    if rule.kind == "quota_exceeded":
        return errors.quota_exceeded(rule.retry_after)
    return errors.server_error(rule.status)


async def _delay(state: EmulatorState, path: str) -> None:
    seconds = state.faults.delay(path)
    if seconds > 0:
        await asyncio.sleep(seconds)


def _record(state: EmulatorState, request: Request, template: str, status: int) -> None:
    url = request.url
    state.stats.record(request.method, url.path, template, url.query, status)


def web_api(
    state: EmulatorState, template: str, handler: Handler, *, extended_only: bool = False
) -> Endpoint:
    """Wrap a Web API handler; ``template`` is its path under ``/v1`` for the stats."""

    async def endpoint(request: Request) -> Response:
        epoch = state.epoch
        await _delay(state, request.url.path)
        current = state.epoch == epoch
        rule: Rule | None = None
        try:
            _authenticate(request, state)
            if current:
                rule = state.faults.replacement(request.url.path)
                failure = _replacement(rule) or state.faults.admit()
                if failure is not None:
                    raise failure
            if extended_only and state.tier == "development":
                raise ApiError(403, errors.FORBIDDEN)
            base = f"{request.url.scheme}://{request.url.netloc}"
            view = View(f"{base}/v1", f"{base}/image", state.tier, params.market(request))
            response = handler(request, state, view)
            if state.faults.hostile_names:
                response = poison(response)
            if rule is not None and rule.kind == "malformed":
                response = corrupt(response, rule.malformed)
        except ApiError as error:
            response = error.response()
        if current:
            _record(state, request, template, response.status_code)
        return response

    return endpoint


def service(
    state: EmulatorState, template: str, handler: Callable[[Request], Awaitable[Response]]
) -> Endpoint:
    """Wrap a non-Web-API endpoint (token, images): faults only when aimed at it."""

    async def endpoint(request: Request) -> Response:
        epoch = state.epoch
        await _delay(state, request.url.path)
        current = state.epoch == epoch
        rule = state.faults.replacement(request.url.path) if current else None
        failure = _replacement(rule)
        try:
            if failure is not None:
                raise failure
            response = await handler(request)
            if rule is not None and rule.kind == "malformed":
                response = corrupt(response, rule.malformed)
        except (ApiError, OAuthError) as error:
            response = error.response()
        if current:
            _record(state, request, template, response.status_code)
        return response

    return endpoint
