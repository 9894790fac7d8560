"""How uvicorn serves the app: httptools and uvloop, with limits on slow and greedy clients.

uvicorn on its own closes an idle keep-alive connection after `timeout_keep_alive`, but
never times out a request's headers (a client that sends half a request line, or nothing
at all, holds its connection for good: 300 such were still held after 15 s, an idle
socket for 120 s+) and with httptools accepts headers of any size (a 16 MB one was
read and answered). `BoundedHttpToolsProtocol` adds both limits to uvicorn's httptools
protocol:

- the headers of a request must arrive within `header_timeout` seconds, counted from the
  connection's start for the first request and from its first byte for later ones; then
  the client gets 408 and the connection is closed;
- the request line and headers together may take `max_header_bytes`; the byte after that
  gets 431 and the connection is closed. The bytes are counted as they arrive, before the
  parser buffers them, so an oversized header never sits whole in memory.

`server_config` builds the uvicorn configuration `trendcache serve` and `web` run: those limits,
the keep-alive timeout, a cap on concurrent connections (503 beyond it), and forwarded
headers (`X-Forwarded-For`, `X-Forwarded-Proto`) believed only from TRUSTED_PROXIES,
none by default (uvicorn on its own believes them from 127.0.0.1, so any local client
could claim any address, and so dodge the per-address sign-in limit).
"""

from __future__ import annotations

import asyncio
from typing import Any

import uvicorn
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

from trendcache.config import Settings

HEADER_TIMEOUT_SECONDS = 10.0
MAX_HEADER_BYTES = 32 * 1024
KEEP_ALIVE_SECONDS = 5
MAX_CONNECTIONS = 1000


class OneWrite:
    """A connection's writes made in one turn of the event loop, sent as one.

    uvicorn writes a response's status line and headers, then its body: two system calls
    and two TCP segments for every response. Collected here and written at the end of the
    loop's turn (or at once by `close`), they go out together: 10-15 % more responses a
    second on the read path (benchmarks/read_path.py). Every write of the connection, the
    protocol's own too, goes through here, so their order is kept; the rest is the
    transport's (flow control watches the real one)."""

    __slots__ = ("_pending", "loop", "transport")

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self.transport = transport
        self.loop = loop
        self._pending: list[bytes] = []

    def write(self, data: bytes) -> None:
        if not self._pending:
            self.loop.call_soon(self.flush)
        self._pending.append(data)

    def flush(self) -> None:
        if self._pending:
            data = b"".join(self._pending)
            self._pending.clear()
            if not self.transport.is_closing():
                self.transport.write(data)

    def close(self) -> None:
        self.flush()
        self.transport.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.transport, name)


class BoundedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with a header deadline and a header size cap."""

    header_timeout: float = HEADER_TIMEOUT_SECONDS
    max_header_bytes: int = MAX_HEADER_BYTES

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self.transport = OneWrite(transport, self.loop)  # type: ignore[assignment]
        self._reading_headers = True  # no request, or one whose headers are incomplete
        self._begun = False  # a request's first byte is here
        self._header_bytes = 0
        self._header_timer: asyncio.TimerHandle | None = self.loop.call_later(
            self.header_timeout, self._headers_too_slow
        )

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_header_timer()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        # Feed the parser no more header bytes than the cap allows; a request that is
        # still in its headers when the cap is reached gets 431. (A pipelined request
        # that starts within the same piece is counted from the next piece on.)
        while self._reading_headers and data:
            room = self.max_header_bytes - self._header_bytes
            if room <= 0:
                self._refuse(431)
                return
            piece, data = data[:room], data[room:]
            self._header_bytes += len(piece)
            super().data_received(piece)
            if self.transport.is_closing():
                return
        if data:
            super().data_received(data)
        if self._reading_headers and self._begun and self._header_timer is None:
            self._header_timer = self.loop.call_later(self.header_timeout, self._headers_too_slow)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._begun = True

    def on_headers_complete(self) -> None:
        self._reading_headers = False
        self._stop_header_timer()
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._reading_headers = True  # whatever comes next is the next request's
        self._begun = False
        self._header_bytes = 0

    def _stop_header_timer(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _headers_too_slow(self) -> None:
        self._header_timer = None
        if not self.transport.is_closing():
            self._refuse(408)

    def _refuse(self, status: int) -> None:
        """Answer `status` (unless a response is under way) and close the connection."""
        self._stop_header_timer()
        if self.cycle is None or self.cycle.response_complete:
            self.transport.write(
                STATUS_LINE[status] + b"content-length: 0\r\nconnection: close\r\n\r\n"
            )
        self.transport.close()


def bounded_protocol(header_timeout: float, max_header_bytes: int) -> type[HttpToolsProtocol]:
    """`BoundedHttpToolsProtocol` with these limits (uvicorn takes a class, not arguments);
    the class itself for the defaults, which pickles (uvicorn's worker processes need it)."""
    if (header_timeout, max_header_bytes) == (HEADER_TIMEOUT_SECONDS, MAX_HEADER_BYTES):
        return BoundedHttpToolsProtocol
    return type(
        "BoundedHttpToolsProtocol",
        (BoundedHttpToolsProtocol,),
        {"header_timeout": header_timeout, "max_header_bytes": max_header_bytes},
    )


def server_config(
    app: Any,
    settings: Settings,
    host: str,
    port: int,
    *,
    header_timeout: float = HEADER_TIMEOUT_SECONDS,
    max_header_bytes: int = MAX_HEADER_BYTES,
    keep_alive: int = KEEP_ALIVE_SECONDS,
    max_connections: int = MAX_CONNECTIONS,
    **options: Any,
) -> uvicorn.Config:
    """The uvicorn configuration of a trendcache web server; `options` go to uvicorn."""
    proxies = list(settings.trusted_proxies)
    values: dict[str, Any] = {
        "host": host,
        "port": port,
        "loop": "uvloop",
        "http": bounded_protocol(header_timeout, max_header_bytes),
        "timeout_keep_alive": keep_alive,
        "limit_concurrency": max_connections,
        "proxy_headers": bool(proxies),
        "forwarded_allow_ips": proxies,
        "access_log": False,
        "server_header": False,  # no `server: uvicorn`: nothing to tell, one header less each
        "log_config": None,
        **options,
    }
    return uvicorn.Config(app, **values)
