"""Slow and greedy clients against a real server configured as `trendcache serve` is.

Raw sockets on 127.0.0.1, against uvicorn with `web/server.py`'s protocol and limits made
short (half a second for headers, one for keep-alive) so that every wait here is bounded
and brief. Before the limits: unfinished headers and silent connections were held for
good, and a 16 MB header was read and answered.
"""

from __future__ import annotations

import re
import socket
import time
from collections.abc import Iterator

import pytest

from tests.web.conftest import serving
from trendcache.services import Services
from trendcache.web.app import create_app

HEADER_TIMEOUT = 0.5
MAX_HEADER_BYTES = 8192
KEEP_ALIVE = 1
REQUEST = b"GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n"


@pytest.fixture
def port(sqlite_services: Services) -> Iterator[int]:
    app = create_app(sqlite_services)
    limits = {
        "header_timeout": HEADER_TIMEOUT,
        "max_header_bytes": MAX_HEADER_BYTES,
        "keep_alive": KEEP_ALIVE,
    }
    with serving(app, **limits) as url:
        yield int(url.rsplit(":", 1)[1])


def connect(port: int) -> socket.socket:
    return socket.create_connection(("127.0.0.1", port), timeout=5)


def read_until_closed(sock: socket.socket, within: float) -> tuple[bytes, float]:
    """Everything the server sends until it closes, and when it closed; fails after `within`."""
    started = time.monotonic()
    sock.settimeout(within)
    received = b""
    try:
        while chunk := sock.recv(65536):
            received += chunk
    except TimeoutError:
        pytest.fail(f"the server kept the connection open for {within} s")
    return received, time.monotonic() - started


def test_unfinished_headers_are_cut_off(port: int) -> None:
    sockets = [connect(port) for _ in range(50)]
    started = time.monotonic()
    for sock in sockets:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: test\r\nX-Slow: ")
    for sock in sockets:
        answer, _ = read_until_closed(sock, within=5)
        assert answer.startswith(b"HTTP/1.1 408 "), answer
        sock.close()
    elapsed = time.monotonic() - started
    assert HEADER_TIMEOUT * 0.8 <= elapsed < HEADER_TIMEOUT + 3


def test_a_connection_that_sends_nothing_is_closed(port: int) -> None:
    with connect(port) as sock:
        answer, after = read_until_closed(sock, within=5)
    assert answer.startswith(b"HTTP/1.1 408 ")
    assert after < HEADER_TIMEOUT + 2


def test_headers_arriving_slowly_within_the_deadline_are_served(port: int) -> None:
    with connect(port) as sock:
        for piece in (REQUEST[:10], REQUEST[10:20], REQUEST[20:]):
            sock.sendall(piece)
            time.sleep(HEADER_TIMEOUT / 5)
        assert sock.recv(65536).startswith(b"HTTP/1.1 200 ")


def test_the_deadline_counts_again_for_each_request_on_a_connection(port: int) -> None:
    with connect(port) as sock:
        sock.sendall(REQUEST)
        assert sock.recv(65536).startswith(b"HTTP/1.1 200 ")
        time.sleep(HEADER_TIMEOUT * 1.2)  # idle, but within the keep-alive timeout
        sock.sendall(b"GET /healthz HTTP/1.1\r\n")  # and then stalls
        answer, after = read_until_closed(sock, within=5)
    assert answer.startswith(b"HTTP/1.1 408 ")
    assert after < HEADER_TIMEOUT + 2


def test_oversized_headers_get_431_and_nothing_more_is_read(port: int) -> None:
    with connect(port) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: test\r\nX-Big: " + b"a" * MAX_HEADER_BYTES)
        answer, _ = read_until_closed(sock, within=5)
    assert answer.startswith(b"HTTP/1.1 431 ")
    with connect(port) as sock:  # an oversized request line too
        sock.sendall(b"GET /" + b"a" * MAX_HEADER_BYTES + b" HTTP/1.1\r\n")
        answer, _ = read_until_closed(sock, within=5)
    assert answer.startswith(b"HTTP/1.1 431 ")


def test_headers_just_under_the_cap_pass(port: int) -> None:
    filler = b"a" * (MAX_HEADER_BYTES - 200)
    with connect(port) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: test\r\nX-Big: " + filler + b"\r\n\r\n")
        assert sock.recv(65536).startswith(b"HTTP/1.1 200 ")


def test_pipelined_requests_and_a_body_are_all_served(port: int) -> None:
    body = b"x" * (MAX_HEADER_BYTES * 2)  # over the header cap, which bodies are not under
    post = (
        b"POST /logout HTTP/1.1\r\nHost: test\r\nContent-Type: text/plain\r\n"
        b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
    )
    with connect(port) as sock:
        last = b"GET /healthz HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n"
        sock.sendall(REQUEST + post + REQUEST + last)
        answer, _ = read_until_closed(sock, within=5)
    statuses = re.findall(rb"HTTP/1\.1 (\d{3}) ", answer)
    assert statuses == [b"200", b"403", b"200", b"200"]  # the POST: no CSRF token


def test_an_idle_keep_alive_connection_is_closed(port: int) -> None:
    with connect(port) as sock:
        sock.sendall(REQUEST)
        assert sock.recv(65536).startswith(b"HTTP/1.1 200 ")
        answer, after = read_until_closed(sock, within=KEEP_ALIVE + 5)
    assert answer == b""
    assert KEEP_ALIVE * 0.8 <= after < KEEP_ALIVE + 2


def test_pipelined_answers_stay_whole_and_in_order(port: int) -> None:
    """Responses go out one write per turn of the loop (`OneWrite`): pipelined GETs and a
    HEAD come back in order, each whole, the HEAD without a body."""
    head = b"HEAD /healthz HTTP/1.1\r\nHost: test\r\n\r\n"
    last = b"GET /healthz HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n"
    with connect(port) as sock:
        sock.sendall(REQUEST + head + REQUEST + last)
        answer, _ = read_until_closed(sock, within=5)
    responses = answer.split(b"HTTP/1.1 ")[1:]
    assert [response[:3] for response in responses] == [b"200"] * 4
    lengths = [re.search(rb"content-length: (\d+)", r).group(1) for r in responses]  # type: ignore[union-attr]
    for response, length in zip(responses, lengths, strict=True):
        body = response.split(b"\r\n\r\n", 1)[1]
        assert len(body) == (0 if response is responses[1] else int(length)), response
