"""A dependency lost at runtime answers 503 with the reason, never a bare 500.

The database, Redis or the job queue failing under a request (down, unreachable,
read-only) is reported to the process's dependency checks (so the pages say so) and
answered as `503 Service Unavailable` with `Retry-After`: JSON with `detail` and
`dependency` for the API, the error page for a person. Any other exception is a bug and
stays a 500.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from trendcache.health import OUTAGES, dependency_of, sentence
from trendcache.web.api.models import Message
from trendcache.web.pages import errors

log = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 10
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
