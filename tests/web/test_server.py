"""The uvicorn configuration of `trendcache serve` (`web/server.py`); tests/faults/
test_slow_clients.py takes its limits to a real server."""

from __future__ import annotations

from pathlib import Path

from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from trendcache.config import Settings
from trendcache.web.server import (
    HEADER_TIMEOUT_SECONDS,
    MAX_HEADER_BYTES,
    BoundedHttpToolsProtocol,
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
