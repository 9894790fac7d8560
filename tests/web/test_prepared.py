"""Prepared bodies: every encoding made once, with its ETag and headers; 200, 304 and HEAD
answered alike from raw ASGI and from a route."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from fastapi import FastAPI, Request, Response
from fastapi.testclient import TestClient

from tests.web.api.test_compression import DECODE
from trendcache.web.prepared import Prepared, prepare

BODY = b"<p>" + b"every visitor sees the same page " * 200 + b"</p>"


def test_every_encoding_with_its_own_etag_and_length() -> None:
    prepared = prepare(BODY, b"text/html; charset=utf-8", headers=[(b"x-extra", b"1")])
    assert set(prepared.variants) == {"identity", "br", "zstd", "gzip"}
    assert prepared.body == BODY
    for encoding, variant in prepared.variants.items():
        headers = dict(variant.headers)
        assert DECODE[encoding](variant.body) == BODY
        assert headers[b"content-length"] == str(len(variant.body)).encode()
        assert headers[b"vary"] == b"Accept-Encoding" and headers[b"x-extra"] == b"1"
        assert headers[b"cache-control"] == b"no-cache"
        assert (b"content-encoding" in headers) == (encoding != "identity")
        assert dict(variant.not_modified_headers)[b"etag"] == variant.etag.encode()
        assert b"content-length" not in dict(variant.not_modified_headers)
    assert len({variant.etag for variant in prepared.variants.values()}) == 4


def test_tiny_bodies_stay_identity() -> None:
    assert set(prepare(b"{}", b"application/json").variants) == {"identity"}


@pytest.mark.parametrize(
    ("if_none_match", "status"),
    [(None, 200), ('"nope"', 200), ("*", 304), ("W/{etag}", 304), ('"x", {gzip}', 304)],
)
def test_choose(if_none_match: str | None, status: int) -> None:
    prepared = prepare(BODY, b"text/plain")
    etag, gzip_etag = prepared.etag, prepared.variants["gzip"].etag
    sent = if_none_match and if_none_match.format(etag=etag, gzip=gzip_etag)
    chosen, variant = prepared.choose("gzip, br;q=0.5", sent)
    assert chosen == status and variant.encoding == "gzip"


def send_raw(prepared: Prepared, method: str, headers: list[tuple[bytes, bytes]]) -> list[Any]:
    messages: list[Any] = []

    async def send(message: Any) -> None:
        messages.append(message)

    scope = {"type": "http", "method": method, "headers": headers}
    status = asyncio.run(prepared.send(scope, send))
    assert messages[0]["status"] == status
    return messages


def test_raw_get_head_and_304() -> None:
    prepared = prepare(BODY, b"text/plain")
    start, body = send_raw(prepared, "GET", [(b"accept-encoding", b"br")])
    assert start["headers"] == prepared.variants["br"].headers
    assert body["body"] == prepared.variants["br"].body
    start, body = send_raw(prepared, "HEAD", [(b"accept-encoding", b"br")])
    assert start["headers"] == prepared.variants["br"].headers and body["body"] == b""
    etag = prepared.variants["zstd"].etag.encode()
    start, body = send_raw(prepared, "GET", [(b"if-none-match", etag)])
    assert (start["status"], body["body"]) == (304, b"")
    assert start["headers"] == prepared.variants["identity"].not_modified_headers


def test_a_route_answers_the_same() -> None:
    prepared = prepare(BODY, b"text/plain")
    app = FastAPI()

    @app.get("/")
    def page(request: Request) -> Response:
        return prepared.response(request)

    client = TestClient(app)
    with client.stream("GET", "/", headers={"Accept-Encoding": "zstd"}) as response:
        assert b"".join(response.iter_raw()) == prepared.variants["zstd"].body
        assert response.headers["etag"] == prepared.variants["zstd"].etag
        assert response.headers["content-length"] == str(len(prepared.variants["zstd"].body))
    again = client.get("/", headers={"If-None-Match": prepared.etag})
    assert again.status_code == 304 and again.content == b""
