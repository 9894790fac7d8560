"""Starting a command: what it needs checked first, and every failure as one line naming
the setting that caused it.

`trendcache serve`, `worker`, `sync`… build the same things (the data dir, the database,
Redis when configured). When one of them is missing or broken, an operator needs the
setting and the reason, not a 100-line traceback: `starting()` checks the data dir and
Redis up front, and turns what the database and Redis raise while the command starts
into a `StartupError` ("DATABASE_URL: cannot connect to postgresql://…: Connection
refused"). The CLI prints it and exits 2 (`--debug` shows the traceback).
"""

from __future__ import annotations

import errno
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from redis import Redis
from redis.exceptions import RedisError
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError

from trendcache.config import Settings
from trendcache.db.errors import first_line, underlying
from trendcache.logs import Redactor, configure_logging

REDIS_TIMEOUT_SECONDS = 5.0


class StartupError(Exception):
    """A command cannot start; the message names the setting and what is wrong with it."""

    def __init__(self, setting: str, problem: str) -> None:
        super().__init__(f"{setting}: {problem}")
        self.setting = setting


def configured_logging(settings: Settings) -> Redactor:
    """Logging at LOG_LEVEL, every configured secret scrubbed from it; the scrubber."""
    secrets = (settings.spotify_client_secret, settings.secret_key, settings.alert_webhook_url)
    redactor = Redactor([secret.get_secret_value() for secret in secrets if secret])
    configure_logging(settings.log_level, redactor)
    return redactor


def check_data_dir(path: Path) -> None:
    """DATA_DIR exists (or can be made) and takes a write."""
    probe = path / f".write-check-{os.getpid()}"
    try:
        path.mkdir(parents=True, exist_ok=True)
        try:
            probe.write_bytes(b"trendcache" * 100)
        finally:
            probe.unlink(missing_ok=True)
    except OSError as exc:
        raise StartupError("DATA_DIR", f"cannot write to {path}: {_os_reason(exc)}") from exc


def check_listen(host: str, port: int) -> None:
    """`serve --host --port` can listen: the address exists here and the port is free."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(address)
    except OSError as exc:
        raise StartupError("--port", f"cannot listen on {host}:{port}: {_os_reason(exc)}") from exc


def check_redis(url: str) -> None:
    """REDIS_URL answers a PING within a few seconds."""
    client = Redis.from_url(
        url, socket_timeout=REDIS_TIMEOUT_SECONDS, socket_connect_timeout=REDIS_TIMEOUT_SECONDS
    )
    try:
        client.ping()
    except RedisError as exc:
        raise StartupError("REDIS_URL", f"cannot use {safe_redis(url)}: {first_line(exc)}") from exc
    finally:
        client.close()


@contextmanager
def starting(settings: Settings) -> Iterator[None]:
    """Check the data dir and Redis, then run the block (building services, migrating),
    turning what a broken dependency raises into a `StartupError`."""
    check_data_dir(settings.data_dir)
    if settings.redis_url:
        check_redis(settings.redis_url)
    try:
        yield
    except StartupError:
        raise
    except (ArgumentError, NoSuchModuleError) as exc:
        raise StartupError("DATABASE_URL", f"not a usable database URL: {first_line(exc)}") from exc
    except SQLAlchemyError as exc:
        where = safe_database(settings.resolved_database_url)
        reason = first_line(underlying(exc))
        raise StartupError(_database_setting(settings), f"cannot use {where}: {reason}") from exc
    except RedisError as exc:
        where = safe_redis(settings.redis_url or "")
        raise StartupError("REDIS_URL", f"cannot use {where}: {first_line(exc)}") from exc
    except OSError as exc:
        if exc.filename and _inside(exc.filename, settings.data_dir):
            raise StartupError("DATA_DIR", f"cannot use {exc.filename}: {_os_reason(exc)}") from exc
        raise


def _database_setting(settings: Settings) -> str:
    """The setting that chose the database: its URL, or the data dir it lives in."""
    return "DATABASE_URL" if settings.database_url else "DATA_DIR"


def safe_database(url: str) -> str:
    """The URL without its password."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "the database"


def safe_redis(url: str) -> str:
    """The URL without its password."""
    scheme, _, rest = url.partition("://")
    host = rest.rsplit("@", 1)[-1]
    return f"{scheme}://{host}" if rest else url


def _os_reason(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return "the disk is full"
    return exc.strerror or first_line(exc)


def _inside(filename: object, folder: Path) -> bool:
    try:
        return Path(str(filename)).resolve().is_relative_to(folder.resolve())
    except (OSError, ValueError):
        return False
