"""405 Method Not Allowed with every method the path has in `Allow`.

Starlette answers a 405 with the methods of the first route whose path matched, so where
one path is served by several routes (`GET /login`, the form, and `POST /login`, what it
sends) `PUT /login` said `Allow: GET`, and `OPTIONS /login` left out the documented POST.
RFC 9110 wants every method the resource supports; this handler asks every route (through
`matches`, which included routers answer too) which methods it would take at this path.
Mounts (the static files) answer their own 405s.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import Response
from starlette.exceptions import HTTPException
from starlette.routing import Match, Mount

METHODS = ("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT")


def allowed_methods(request: Request) -> list[str]:
    routes = [route for route in request.app.routes if not isinstance(route, Mount)]
    return [
        method
        for method in METHODS
        if any(
            route.matches({**request.scope, "method": method})[0] == Match.FULL for route in routes
        )
    ]


async def method_not_allowed(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    methods = allowed_methods(request)
    if methods:
        exc.headers = {**(exc.headers or {}), "Allow": ", ".join(methods)}
    return await http_exception_handler(request, exc)
