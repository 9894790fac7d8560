"""Security headers on every response: a strict CSP on pages, nosniff and no framing on all.

Pages run no inline script and no inline style (`style` attributes included): scripts and
styles come from `/static` only, so `script-src 'self'; style-src 'self'` holds; htmx 4
adds its indicator rules as a constructed stylesheet, which a CSP does not govern. Album
covers are upstream images: any https origin, plus the Spotify API's own origin when it is
plain http (the built-in emulator of the demo and the tests serves covers there). `/docs`
sets its own policy, allowing the one inline script Swagger UI's page needs by its hash
(see `docs.py`); a response that already has a `Content-Security-Policy` keeps it.

Everything else (JSON, static files) gets `default-src 'none'`: a document with no business
running anything. All responses get `X-Content-Type-Options: nosniff`, a
`Referrer-Policy` and `X-Frame-Options: DENY` (with `frame-ancestors 'none'`: nobody
frames the sign-in or collection forms). The raw fast path of `/api/cache/trending` sends
`FIXED` itself, built into its snapshots' headers (see `snapshots.py`).

A 304 gets no policy added: it has no Content-Type to tell a page from the rest, and a
browser revalidating its copy replaces the stored response's headers with the 304's (a
page's policy replaced by `default-src 'none'` then blocks its own stylesheet and script:
Chromium does exactly that), so the policy it stored with the 200 has to stay.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = b"content-security-policy"
FIXED: list[tuple[bytes, bytes]] = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
    (b"x-frame-options", b"DENY"),
]
NOT_A_PAGE = b"default-src 'none'; frame-ancestors 'none'"
JSON_HEADERS = [*FIXED, (CSP, NOT_A_PAGE)]  # what responses other than pages get


def page_policy(image_origins: Sequence[str] = ()) -> str:
    """The CSP of an HTML page; `image_origins` may serve images besides https ones."""
    images = " ".join(["'self'", "data:", "https:", *image_origins])
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            f"img-src {images}",
            "connect-src 'self'",
            "font-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def plain_http_origin(url: str) -> list[str]:
    """`url`'s origin if it is plain http (an emulator's), for `page_policy`; else none."""
    parts = urlsplit(url)
    return [f"http://{parts.netloc}"] if parts.scheme == "http" and parts.netloc else []


class SecurityHeaders:
    """ASGI middleware adding `FIXED` and a CSP to every HTTP response that lacks them."""

    def __init__(self, app: ASGIApp, page_csp: str) -> None:
        self.app = app
        self.page_headers = [*FIXED, (CSP, page_csp.encode())]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                message["headers"] = _missing(headers, self._extra(message["status"], headers))
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def _extra(self, status: int, headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
        if status == 304:
            return FIXED
        page = any(
            name.lower() == b"content-type" and value.lower().startswith(b"text/html")
            for name, value in headers
        )
        return self.page_headers if page else JSON_HEADERS


def _missing(
    headers: list[tuple[bytes, bytes]], extra: list[tuple[bytes, bytes]]
) -> list[tuple[bytes, bytes]]:
    """`headers` and those of `extra` they lack."""
    present = {name.lower() for name, _ in headers}
    return headers + [(name, value) for name, value in extra if name not in present]
