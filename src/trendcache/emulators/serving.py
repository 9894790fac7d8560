"""Serving an emulator: uvicorn in a daemon thread, on a socket bound before it starts.

Binding in the caller's thread turns port 0 into a real free port known as soon as
``start()`` returns, and raises "address in use" there too. The host process's logging
is left alone: uvicorn gets no log configuration, ``QuietProtocol`` switches the
access log off per connection, because uvicorn's own switch reconfigures the
process-wide ``uvicorn.access`` logger, and a filter on ``uvicorn.error`` drops the
emulator threads' start-up chatter ("Started server process") below warnings, which
would otherwise read as the host's own server starting.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any, Self

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

START_TIMEOUT = 10.0
STOP_TIMEOUT = 5.0
_QUIET_THREADS: set[str] = set()


class _QuietThreadsFilter(logging.Filter):
    """Drops uvicorn's info lines logged from the threads of servers run here."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.WARNING or record.threadName not in _QUIET_THREADS


logging.getLogger("uvicorn.error").addFilter(_QuietThreadsFilter())


def quiet_config(
    app: Callable[..., Any], *, protocol: type[asyncio.Protocol] | None = None, **options: Any
) -> uvicorn.Config:
    """A uvicorn configuration that serves ``app`` and nothing else: no lifespan, no
    websockets, no logging setup; ``protocol`` replaces uvicorn's HTTP protocol class."""
    return uvicorn.Config(
        app,
        log_config=None,  # leave the host process's logging alone
        log_level=None,
        lifespan="off",
        ws="none",
        http=protocol or "auto",
        **options,
    )


class QuietProtocol(HttpToolsProtocol):
    """uvicorn's HTTP protocol without the access log, able to drop requests unanswered.

    During a real outage clients see connections closed without an answer, not a tidy 5xx;
    an ASGI app cannot do that, so a subclass's ``drop`` decides it from the raw bytes.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.access_log = False

    def data_received(self, data: bytes) -> None:
        if self.drop(data):
            self.transport.close()
            return
        super().data_received(data)

    def drop(self, data: bytes) -> bool:
        """Whether to close the connection on ``data`` instead of answering it."""
        return False


class ThreadedServer:
    """A local HTTP server run by uvicorn in a daemon thread; a context manager.

    Subclasses give the uvicorn configuration (``_config``, usually ``quiet_config``),
    the thread's name and a label for errors. ``start()`` serves on ``host:port`` (0 picks
    a free port, written back to ``port``) and returns once uvicorn is accepting; starting
    a running server does nothing. ``stop()`` lets it finish and waits for the thread.
    """

    _thread_name = "threaded-server"
    _label = "Server"  # as errors name it: "<label> failed to start on host:port"

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.host = host
        self.port = port
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    def _config(self) -> uvicorn.Config:
        raise NotImplementedError

    @property
    def running(self) -> bool:
        return self._server is not None

    @property
    def origin(self) -> str:
        """``http://host:port``, once started."""
        if self._server is None:
            raise RuntimeError(f"{self._label} is not running; call start() first")
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """Where clients point: the emulated API's root (``origin`` unless overridden)."""
        return self.origin

    def start(self) -> Self:
        if self._server is not None:
            return self
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self.port))
        _QUIET_THREADS.add(self._thread_name)
        server = uvicorn.Server(self._config())
        thread = threading.Thread(
            target=server.run, kwargs={"sockets": [sock]}, name=self._thread_name, daemon=True
        )
        thread.start()
        deadline = time.monotonic() + START_TIMEOUT
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                server.should_exit = True
                sock.close()
                raise RuntimeError(f"{self._label} failed to start on {self.host}:{self.port}")
            time.sleep(0.005)
        self.port = sock.getsockname()[1]
        self._server, self._thread = server, thread
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        server.should_exit = True
        thread.join(timeout=STOP_TIMEOUT)
        self._server = self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
