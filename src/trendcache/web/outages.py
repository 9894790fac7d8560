"""A dependency lost at runtime answers 503 with the reason, never a bare 500.

The database, Redis or the job queue failing under a request (down, unreachable,
read-only) is reported to the process's dependency checks (so the pages say so) and
answered as `503 Service Unavailable` with `Retry-After`: JSON with `detail` and
`dependency` for the API, the error page for a person. Any other exception is a bug and
stays a 500.
"""

from __future__ import annotations

import logging
import sqlite3
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from redis.exceptions import RedisError
from sqlalchemy.exc import InterfaceError, InternalError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from trendcache.health import dependency_of, sentence
from trendcache.redis_outage import RedisUnavailable
from trendcache.web.api.models import Message
from trendcache.web.pages import errors

log = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 10
# What a lost dependency raises: connection errors, a read-only database, a pool that
# cannot connect in time. Integrity and programming errors are bugs, not outages.
OUTAGES: tuple[type[Exception], ...] = (
    OperationalError,
    InterfaceError,
    InternalError,
    PoolTimeout,
    RedisError,
    RedisUnavailable,
    sqlite3.Error,
)
JSON_PREFIXES = ("/api/", "/healthz", "/livez", "/metrics", "/openapi.json")


class Unavailable(Message):
    dependency: str


UNAVAILABLE: dict[int | str, dict[str, Any]] = {
    503: {
        "model": Unavailable,
        "description": "A dependency (the database, Redis, the job queue) is unavailable or "
        "read-only: `detail` says which and why; try again after `Retry-After` seconds.",
    }
}


async def unavailable(request: Request, exc: Exception) -> Response:
    name = dependency_of(exc) or "database"
    detail = request.app.state.web.services.health.report(name, exc)
    message = sentence(name, detail)
    log.warning("%s %s: %s", request.method, request.url.path, message)
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    if request.url.path.startswith(JSON_PREFIXES):
        body = {"detail": message, "dependency": name}
        return JSONResponse(body, status_code=503, headers=headers)
    return errors.render(request, errors.PageError(503, message, headers))


def install_outage_handlers(app: FastAPI) -> None:
    for kind in OUTAGES:
        app.add_exception_handler(kind, unavailable)
