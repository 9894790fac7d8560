"""Response bodies prepared once and served many times: the snapshots' JSON, the pages.

`prepare` takes a body and makes, once, every variant worth sending: the body in each
Content-Encoding (`encodings.py`), each with its strong ETag (the identity one's with
`-br`, `-zstd` or `-gzip` inside the quotes) and the exact ASGI headers of its 200 and its
304. A request then costs a negotiation and a dict lookup: `send` answers from raw ASGI
(the lean paths before FastAPI's routing), `response` from a route; both answer
`If-None-Match` with a 304 when any variant's ETag matches (a client holding the gzip body
still has the current data) and send a HEAD the GET's headers without the body.

Every variant varies on Accept-Encoding, identity too, so a shared cache never hands a br
body to a client that asked for none.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from fastapi import Request, Response
from starlette.types import Scope, Send

from trendcache.web.encodings import IDENTITY, encode, negotiate

Headers = list[tuple[bytes, bytes]]
HTML = b"text/html; charset=utf-8"
REVALIDATE = b"no-cache"  # keep it, but ask (If-None-Match) before each use: a 304 is cheap


@dataclass(frozen=True)
class Variant:
    """The body in one Content-Encoding, with the ASGI headers that go with it."""

    encoding: str
    body: bytes
    etag: str
    headers: Headers  # raw ASGI headers of the 200 response (and of a HEAD)
    not_modified_headers: Headers  # and of the 304


@dataclass(frozen=True)
class Prepared:
    variants: dict[str, Variant]  # by Content-Encoding, identity always among them

    @property
    def body(self) -> bytes:
        """Uncompressed."""
        return self.variants[IDENTITY].body

    @property
    def etag(self) -> str:
        """The identity body's ETag; each encoding's is this with `-<encoding>` inside."""
        return self.variants[IDENTITY].etag

    def variant(self, accept_encoding: str | None) -> Variant:
        return self.variants[negotiate(accept_encoding, self.variants)]

    def matches(self, if_none_match: str) -> bool:
        """RFC 9110 weak comparison, as If-None-Match asks for, against every encoding's
        ETag."""
        if if_none_match.strip() == "*":
            return True
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return any(variant.etag in tags for variant in self.variants.values())

    def choose(self, accept_encoding: str | None, if_none_match: str | None) -> tuple[int, Variant]:
        """200 or 304, and the variant whose headers go out."""
        variant = self.variant(accept_encoding)
        if if_none_match is not None and self.matches(if_none_match):
            return 304, variant
        return 200, variant

    async def send(self, scope: Scope, send: Send) -> int:
        """Answer a raw ASGI GET or HEAD; the status sent."""
        if_none_match = accept_encoding = None  # the first of each, as a route reads them
        for name, value in scope["headers"]:
            if name == b"if-none-match" and if_none_match is None:
                if_none_match = value.decode("latin-1")
            elif name == b"accept-encoding" and accept_encoding is None:
                accept_encoding = value.decode("latin-1")
        status, variant = self.choose(accept_encoding, if_none_match)
        if status == 304:
            headers, body = variant.not_modified_headers, b""
        else:  # HEAD: the GET's headers (its Content-Length too), no body
            headers, body = variant.headers, variant.body if scope["method"] == "GET" else b""
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
        return status

    def response(self, request: Request) -> Response:
        """The same answer from a route."""
        headers = request.headers
        status, variant = self.choose(headers.get("accept-encoding"), headers.get("if-none-match"))
        if status == 304:
            return Response(status_code=304, headers=_text(variant.not_modified_headers))
        return Response(variant.body, headers=_text(variant.headers))


def prepare(
    body: bytes,
    content_type: bytes,
    *,
    cache_control: bytes = REVALIDATE,
    headers: Sequence[tuple[bytes, bytes]] = (),
    best: bool = False,
) -> Prepared:
    """`body` in every encoding worth offering, each with its ETag and `headers` (security
    headers, say: a lean path passes no middleware) on the 200 and the 304; `best`: at the
    codecs' highest levels (`encodings.encode`)."""
    tag = hashlib.blake2b(body, digest_size=12).hexdigest()
    variants = {}
    for encoding, encoded in encode(body, best=best).items():
        etag = f'"{tag}"' if encoding == IDENTITY else f'"{tag}-{encoding}"'
        common = [
            (b"etag", etag.encode()),
            (b"cache-control", cache_control),
            (b"vary", b"Accept-Encoding"),
            *headers,
        ]
        coding = [] if encoding == IDENTITY else [(b"content-encoding", encoding.encode())]
        variants[encoding] = Variant(
            encoding=encoding,
            body=encoded,
            etag=etag,
            headers=[
                (b"content-type", content_type),
                *coding,
                (b"content-length", str(len(encoded)).encode()),
                *common,
            ],
            not_modified_headers=common,
        )
    return Prepared(variants)


def _text(headers: Headers) -> dict[str, str]:
    return {name.decode("latin-1"): value.decode("latin-1") for name, value in headers}
