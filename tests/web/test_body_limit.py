"""The request body limit (FastAPI's `max_body_size`, set in `create_app`): 413 first."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi.testclient import TestClient

from trendcache.web.app import MAX_BODY_BYTES

ADD = "/api/albums/add-from-trending"
JSON = {"content-type": "application/json"}


def chunks(body: bytes, size: int = 4096) -> Iterator[bytes]:
    """`body` as a streamed body (sent chunked: no Content-Length)."""
    for start in range(0, len(body), size):
        yield body[start : start + size]


def padded(total: int) -> bytes:
    """A JSON object naming an album, padded with spaces to `total` bytes."""
    body = b'{"albumId": "3IqzqH6ShrRtie9Yd2ODyG"'
    return body + b" " * (total - len(body) - 1) + b"}"


def test_a_declared_length_over_the_limit_is_refused_unread(client: TestClient) -> None:
    response = client.post(ADD, content=padded(MAX_BODY_BYTES + 1), headers=JSON)
    assert response.status_code == 413
    assert "Content Too Large" in response.text


def test_a_streamed_body_is_refused_once_it_passes_the_limit(client: TestClient) -> None:
    response = client.post(ADD, content=chunks(padded(MAX_BODY_BYTES + 1)), headers=JSON)
    assert response.status_code == 413


def test_bodies_within_the_limit_reach_the_route(client: TestClient) -> None:
    body = padded(MAX_BODY_BYTES)
    assert client.post(ADD, content=body, headers=JSON).status_code == 401  # no token
    streamed = client.post(ADD, content=chunks(body), headers=JSON)
    assert streamed.status_code == 401


def test_forms_are_limited_too(client: TestClient) -> None:
    form = {"content-type": "application/x-www-form-urlencoded"}
    response = client.post("/login", content=b"name=" + b"a" * MAX_BODY_BYTES, headers=form)
    assert response.status_code == 413
