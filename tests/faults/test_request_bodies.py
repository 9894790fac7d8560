"""Huge anonymous request bodies against a real server: refused at once, never held.

A raw socket streams 100 MB (a block of zeros sent again and again, so this test never
holds it either) to the JSON route that once read whole bodies before checking the token:
four such took the process from 176 MB to 1.14 GB. The server (in this process, on
uvicorn) must answer 413 before most of it is sent, and this process's resident memory
must not grow by anything like a body.
"""

from __future__ import annotations

import contextlib
import re
import select
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.web.conftest import serving
from trendcache.services import Services
from trendcache.web.app import create_app

MB = 1024 * 1024
BODY = 100 * MB
BLOCK = bytes(MB)
ROUTE = b"/api/albums/add-from-trending"


@pytest.fixture
def port(sqlite_services: Services) -> Iterator[int]:
    with serving(create_app(sqlite_services)) as url:
        yield int(url.rsplit(":", 1)[1])


def rss_mb() -> float:
    status = Path("/proc/self/status").read_text()
    found = re.search(r"VmRSS:\s+(\d+) kB", status)
    assert found
    return int(found.group(1)) / 1024


def upload(port: int, chunked: bool, within: float = 30.0) -> tuple[bytes, int, float]:
    """Stream a 100 MB body until the server answers; (answer, bytes sent, seconds)."""
    framing = b"Transfer-Encoding: chunked" if chunked else b"Content-Length: %d" % BODY
    head = b"POST %s HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n%s\r\n\r\n"
    started = time.monotonic()
    sent = 0
    answer = b""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(head % (ROUTE, framing))
        sock.setblocking(False)
        pending = b""
        while time.monotonic() - started < within:
            readable, writable, _ = select.select([sock], [sock] if sent < BODY else [], [], 1)
            if readable:
                with contextlib.suppress(OSError):
                    answer = sock.recv(65536)
                break
            if writable:
                if not pending:
                    pending = b"%x\r\n%s\r\n" % (MB, BLOCK) if chunked else BLOCK
                try:
                    done = sock.send(pending)
                except OSError:  # the server closed: read what it said
                    continue
                pending = pending[done:]
                if not pending:
                    sent += MB
    return answer, sent, time.monotonic() - started


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_a_100_mb_body_is_refused_early_and_never_held(port: int, chunked: bool) -> None:
    before = rss_mb()
    answer, sent, _seconds = upload(port, chunked)
    grown = rss_mb() - before
    assert answer.startswith(b"HTTP/1.1 413 "), (answer[:200], sent)
    assert sent < 20 * MB, f"{sent // MB} MB went in before the 413"
    assert grown < 20, f"the process grew by {grown:.0f} MB"
