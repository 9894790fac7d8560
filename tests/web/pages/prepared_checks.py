"""What every prepared page answers (`web/prepared_pages.py`): each encoding decoding to
the same page with an ETag of its own, `Vary`, `no-cache`, 304s for any of its ETags, HEAD."""

from __future__ import annotations

from typing import NamedTuple

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.web.api.test_compression import DECODE
from trendcache.web.deps import WebContext

COMPRESSED = ("br", "zstd", "gzip")


def web(client: TestClient) -> WebContext:
    """The context of the client's app: its page caches, its statistics."""
    assert isinstance(client.app, FastAPI)
    context: WebContext = client.app.state.web
    return context


class Sent(NamedTuple):
    status: int
    headers: dict[str, str]
    body: bytes  # as sent, not decoded


def sent(client: TestClient, path: str, accept: str, method: str = "GET", **headers: str) -> Sent:
    request = {"Accept-Encoding": accept, **{k.replace("_", "-"): v for k, v in headers.items()}}
    with client.stream(method, path, headers=request) as response:
        return Sent(response.status_code, dict(response.headers), b"".join(response.iter_raw()))


def check_prepared_page(client: TestClient, path: str) -> Sent:
    """Check it all on `path`; the identity answer."""
    plain = sent(client, path, "identity")
    assert plain.status == 200
    assert plain.headers["content-type"] == "text/html; charset=utf-8"
    assert "content-encoding" not in plain.headers
    assert plain.headers["cache-control"] == "no-cache"
    assert plain.headers["vary"] == "Accept-Encoding"
    assert int(plain.headers["content-length"]) == len(plain.body)
    tags = {"identity": plain.headers["etag"]}
    for encoding in COMPRESSED:
        answer = sent(client, path, encoding)
        assert answer.status == 200
        assert answer.headers["content-encoding"] == encoding
        assert answer.headers["vary"] == "Accept-Encoding"
        assert int(answer.headers["content-length"]) == len(answer.body) < len(plain.body)
        assert DECODE[encoding](answer.body) == plain.body
        assert "content-security-policy" in answer.headers  # a page's, as on any 200
        tags[encoding] = answer.headers["etag"]
    assert len(set(tags.values())) == 4
    for held, tag in tags.items():  # a client holding any encoding still has the page
        for accept in ("identity", "br"):
            revalidated = sent(client, path, accept, if_none_match=tag)
            assert revalidated.status == 304, (held, accept)
            assert revalidated.body == b""
            assert revalidated.headers["etag"] == tags[accept]
            assert revalidated.headers["vary"] == "Accept-Encoding"
            assert revalidated.headers["cache-control"] == "no-cache"
            # Its headers replace the stored page's: no policy but the page's own.
            assert "content-security-policy" not in revalidated.headers
            assert revalidated.headers["x-content-type-options"] == "nosniff"
    assert sent(client, path, "br", if_none_match='"something-else"').status == 200
    head = sent(client, path, "br", method="HEAD")
    got = sent(client, path, "br")
    assert (head.status, head.body) == (200, b"")
    for name in ("etag", "content-length", "content-encoding", "content-type", "vary"):
        assert head.headers[name] == got.headers[name], name
    assert sent(client, path, "br", method="HEAD", if_none_match=tags["br"]).status == 304
    return plain
