"""`HEAD` on every GET route, `OPTIONS` everywhere (without documenting either), and 405s
that name every method a path has.

FastAPI's routes answer only the methods they declare, so `HEAD /` was a 405 although
`GET /` works, and `OPTIONS` was a 405 everywhere. Adding HEAD to each route would put a
HEAD operation beside every GET in the OpenAPI document; instead this middleware:

- serves `HEAD` as the `GET` it stands for (same status and headers, `Content-Length`
  included) and drops the body on the way out;
- answers `OPTIONS` for a path some route serves with 204 and an `Allow` listing that
  path's methods (plus HEAD and OPTIONS); an unknown path falls through to the 404.

No CORS here: a cross-origin preflight gets no `Access-Control-*` headers, so browsers keep
refusing cross-origin calls as before. The raw fast path of `/api/cache/trending` answers
its own HEAD (see `api/cache.py`).
"""

from __future__ import annotations

from fastapi import Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import Response
from starlette.exceptions import HTTPException
from starlette.routing import Match, Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

ALWAYS = {"OPTIONS"}
READ = {"GET", "HEAD"}
PROBED = ("GET", "POST", "PUT", "PATCH", "DELETE")


class HeadAndOptions:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
        elif scope["method"] == "HEAD":
            as_get = {**scope, "method": "GET"}
            try:
                await self.app(as_get, receive, _without_body(send))
            finally:
                if "route" in as_get:  # the route chosen, for the request metrics around us
                    scope["route"] = as_get["route"]
        else:
            allowed = allowed_methods(scope)
            if not allowed:
                await self.app(scope, receive, send)
                return
            headers = [(b"allow", ", ".join(sorted(allowed)).encode())]
            await send({"type": "http.response.start", "status": 204, "headers": headers})
            await send({"type": "http.response.body", "body": b""})


def allowed_methods(scope: Scope) -> set[str]:
    """The methods the app's routes serve at `scope`'s path; empty if none serves it.

    Asked of the routes themselves (FastAPI's included routers hide theirs), one method
    at a time; a mount serves reading.
    """
    allowed: set[str] = set()
    for route in scope["app"].router.routes:
        if isinstance(route, Mount):
            if route.matches(scope)[0] is not Match.NONE:
                allowed |= READ
            continue
        for method in PROBED:
            if method not in allowed:
                match, _ = route.matches({**scope, "method": method})
                if match is Match.FULL:
                    allowed.add(method)
    if "GET" in allowed:
        allowed |= READ
    return allowed | ALWAYS if allowed else allowed


def _without_body(send: Send) -> Send:
    async def send_head(message: Message) -> None:
        if message["type"] == "http.response.body" and message.get("body"):
            message = {**message, "body": b""}
        await send(message)

    return send_head


async def method_not_allowed(request: Request, exc: Exception) -> Response:
    """A 405 whose `Allow` lists every method the path has (RFC 9110).

    Starlette lists only the methods of the first route whose path matched, so where one
    path is served by several routes (`GET /login`, the form, and `POST /login`, what it
    sends) `PUT /login` said `Allow: GET`.
    """
    assert isinstance(exc, HTTPException)
    if exc.status_code == 405:
        methods = allowed_methods(request.scope)
        if methods:
            exc.headers = {**(exc.headers or {}), "Allow": ", ".join(sorted(methods))}
    return await http_exception_handler(request, exc)
