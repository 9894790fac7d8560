"""GET /api/cache/trending compressed: negotiated per request, compressed once per snapshot."""

from __future__ import annotations

import gzip
from collections.abc import Callable

import brotli
import pytest
import zstandard
from fastapi.testclient import TestClient

from tests.web.api.test_cache import URL
from trendcache.web import encodings
from trendcache.web.app import TrendcacheApp

DECODE: dict[str, Callable[[bytes], bytes]] = {
    "br": brotli.decompress,
    "zstd": zstandard.ZstdDecompressor().decompress,
    "gzip": gzip.decompress,
    "identity": lambda body: body,
}
ROUTED = {"market": "US", "via": "route"}  # not an exact form: FastAPI's route answers


def raw(
    client: TestClient,
    accept: str,
    method: str = "GET",
    params: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and the body as sent, not decoded by the client."""
    sent = {"Accept-Encoding": accept, **(headers or {})}
    with client.stream(method, URL, params=params, headers=sent) as response:
        return response.status_code, dict(response.headers), b"".join(response.iter_raw())


@pytest.mark.parametrize("params", [{"market": "US"}, ROUTED])
def test_each_encoding_decodes_to_the_identity_json(
    client: TestClient, params: dict[str, str]
) -> None:
    _, plain, identity = raw(client, "identity", params=params)
    assert "content-encoding" not in plain
    assert int(plain["content-length"]) == len(identity) > encodings.MIN_SIZE
    tags = {plain["etag"]}
    for encoding in ("br", "zstd", "gzip"):
        status, headers, body = raw(client, encoding, params=params)
        assert status == 200
        assert headers["content-encoding"] == encoding
        assert headers["content-type"] == "application/json"
        assert headers["vary"] == "Accept-Encoding"
        assert int(headers["content-length"]) == len(body) < len(identity)
        assert DECODE[encoding](body) == identity
        assert headers["etag"] == plain["etag"][:-1] + f'-{encoding}"'
        tags.add(headers["etag"])
    assert len(tags) == 4


@pytest.mark.parametrize(
    ("accept", "chosen"),
    [
        ("gzip, deflate, br, zstd", "br"),
        ("gzip;q=1, br;q=0.5", "gzip"),
        ("zstd, gzip", "zstd"),
        ("deflate", "identity"),
        ("br;q=0, gzip;q=0", "identity"),
        ("identity;q=0, compress", "identity"),
        ("", "identity"),
    ],
)
def test_negotiated(client: TestClient, accept: str, chosen: str) -> None:
    status, headers, body = raw(client, accept)
    assert status == 200
    assert headers.get("content-encoding", "identity") == chosen
    assert headers["vary"] == "Accept-Encoding"  # identity too
    assert int(headers["content-length"]) == len(body)
    assert DECODE[chosen](body) == client.get(URL, headers={"Accept-Encoding": ""}).content


@pytest.mark.parametrize("params", [{}, ROUTED])
def test_no_accept_encoding_is_identity(client: TestClient, params: dict[str, str]) -> None:
    del client.headers["accept-encoding"]  # the test client's default asks for gzip and br
    with client.stream("GET", URL, params=params) as response:
        assert "accept-encoding" not in response.request.headers
        body = b"".join(response.iter_raw())
    assert "content-encoding" not in response.headers
    assert response.headers["vary"] == "Accept-Encoding"
    assert body.startswith(b"{")


@pytest.mark.parametrize("params", [{}, ROUTED])
def test_304_per_encoding(client: TestClient, params: dict[str, str]) -> None:
    _, br, _ = raw(client, "br", params=params)
    _, plain, _ = raw(client, "identity", params=params)
    for held in (br["etag"], plain["etag"], f"W/{br['etag']}"):
        status, headers, body = raw(client, "br", params=params, headers={"If-None-Match": held})
        assert status == 304, held
        assert body == b""
        assert headers["etag"] == br["etag"]  # the variant this client would get
        assert headers["vary"] == "Accept-Encoding"
        assert "content-encoding" not in headers
    status, headers, _ = raw(client, "gzip", params=params, headers={"If-None-Match": br["etag"]})
    assert status == 304
    assert headers["etag"].endswith('-gzip"')
    changed = '"old-br"'
    status, _, body = raw(client, "br", params=params, headers={"If-None-Match": changed})
    assert status == 200
    assert body


@pytest.mark.parametrize("params", [{"market": "GB"}, {"market": "GB", "via": "route"}])
def test_head_has_the_get_headers_and_no_body(client: TestClient, params: dict[str, str]) -> None:
    for accept in ("br", "gzip", "identity"):
        _, got, body = raw(client, accept, params=params)
        status, head, nothing = raw(client, accept, "HEAD", params=params)
        assert status == 200
        assert nothing == b""
        assert head == got
        assert int(head["content-length"]) == len(body)


def test_the_lean_path_and_the_route_agree(client: TestClient) -> None:
    for accept in ("br", "zstd", "gzip;q=0.5, br;q=0.1", "identity", "nope"):
        for extra in ({}, {"If-None-Match": '"stale"'}):
            lean = raw(client, accept, params={"market": "US"}, headers=extra)
            routed = raw(client, accept, params=ROUTED, headers=extra)
            assert lean == routed, accept


def app_of(client: TestClient) -> TrendcacheApp:
    assert isinstance(client.app, TrendcacheApp)
    return client.app


def counting(
    calls: list[str], name: str, codec: Callable[[bytes], bytes]
) -> Callable[[bytes], bytes]:
    def compress(body: bytes) -> bytes:
        if body.startswith(b"{"):  # the JSON (a rebuild also prepares the browse pages)
            calls.append(name)
        return codec(body)

    return compress


def test_bodies_are_compressed_once_per_snapshot(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    snapshots = app_of(client).context.snapshots
    snapshot = snapshots.get(None)
    assert snapshot is not None
    calls: list[str] = []
    for name, codec in list(encodings.CODECS.items()):
        monkeypatch.setitem(encodings.CODECS, name, counting(calls, name, codec))

    first, second = raw(client, "br"), raw(client, "br")
    raw(client, "gzip"), raw(client, "zstd", params=ROUTED), raw(client, "br", "HEAD")
    assert calls == []  # no request compressed anything
    assert first[2] == second[2] == snapshot.variants["br"].body
    assert snapshots.get(None) is snapshot
    assert snapshot.prepared.variant("br").body is snapshot.variants["br"].body

    snapshots.refresh(force=True)  # a new snapshot: each scope compressed once per encoding
    scopes = 1 + len(snapshots.markets)
    assert sorted(calls) == sorted(["br", "zstd", "gzip"] * scopes)
