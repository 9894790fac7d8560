"""The uvicorn configuration of `trendcache serve` (`web/server.py`); tests/faults/
test_slow_clients.py takes its limits to a real server."""

from __future__ import annotations

import asyncio
from pathlib import Path

from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from trendcache.config import Settings
from trendcache.web.server import (
    HEADER_TIMEOUT_SECONDS,
    MAX_HEADER_BYTES,
    BoundedHttpToolsProtocol,
    OneWrite,
    server_config,
)


def settings(tmp_path: Path, **values: object) -> Settings:
    return Settings(_env_file=None, data_dir=tmp_path, **values)  # type: ignore[call-arg]


async def app(scope: object, receive: object, send: object) -> None:  # pragma: no cover
    pass


def test_forwarded_headers_are_believed_from_no_one_by_default(tmp_path: Path) -> None:
    config = server_config(app, settings(tmp_path), "127.0.0.1", 8000)
    assert config.proxy_headers is False
    config.load()
    assert not isinstance(config.loaded_app, ProxyHeadersMiddleware)


def test_forwarded_headers_are_believed_from_trusted_proxies(tmp_path: Path) -> None:
    proxies = ["10.0.0.1", "10.1.0.0/16"]
    config = server_config(app, settings(tmp_path, trusted_proxies=proxies), "0.0.0.0", 80)
    assert config.proxy_headers is True
    assert config.forwarded_allow_ips == proxies
    config.load()
    assert isinstance(config.loaded_app, ProxyHeadersMiddleware)


def test_the_limits_on_clients(tmp_path: Path) -> None:
    config = server_config(app, settings(tmp_path), "127.0.0.1", 8000)
    assert config.timeout_keep_alive == 5
    assert config.limit_concurrency == 1000
    protocol = config.http
    assert isinstance(protocol, type) and issubclass(protocol, BoundedHttpToolsProtocol)
    assert (protocol.header_timeout, protocol.max_header_bytes) == (10.0, 32 * 1024)
    assert (HEADER_TIMEOUT_SECONDS, MAX_HEADER_BYTES) == (10.0, 32 * 1024)
    quick = server_config(app, settings(tmp_path), "127.0.0.1", 8000, header_timeout=0.5)
    assert quick.http.header_timeout == 0.5  # type: ignore[union-attr]


class Recording:
    """A transport that records what is written to it."""

    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.closed = False

    def write(self, data: bytes) -> None:
        self.writes.append(data)

    def is_closing(self) -> bool:
        return self.closed

    def close(self) -> None:
        self.closed = True

    def get_extra_info(self, name: str) -> str:
        return f"info {name}"


def test_writes_in_one_turn_of_the_loop_go_out_as_one() -> None:
    async def main() -> Recording:
        transport = Recording()
        one = OneWrite(transport, asyncio.get_running_loop())  # type: ignore[arg-type]
        one.write(b"HTTP/1.1 200 OK\r\n\r\n")
        one.write(b"body")
        assert transport.writes == []  # not yet: at the end of this turn
        await asyncio.sleep(0)
        assert transport.writes == [b"HTTP/1.1 200 OK\r\n\r\nbody"]
        one.write(b"next")
        assert one.get_extra_info("peername") == "info peername"  # the rest is the transport's
        one.close()  # flushed before closing, in order
        assert transport.writes[-1] == b"next" and transport.closed
        one.write(b"after close")
        await asyncio.sleep(0)
        return transport

    transport = asyncio.run(main())
    assert transport.writes == [b"HTTP/1.1 200 OK\r\n\r\nbody", b"next"]  # nothing after


def test_no_server_header(tmp_path: Path) -> None:
    assert server_config(app, settings(tmp_path), "127.0.0.1", 8000).server_header is False
