"""``MusicBrainzEmulator``: the catalog served over real HTTP from a background thread."""

from __future__ import annotations

import socket
import threading
import time
from types import TracebackType

import uvicorn

from trendcache.emulators.spotify.catalog import Catalog

from .app import WS, create_app
from .catalog import MusicBrainzCatalog
from .faults import Faults
from .limits import ClientLimiter
from .model import Expected
from .protocol import emulator_protocol
from .state import EmulatorState
from .stats import Stats

_START_TIMEOUT = 10.0


class MusicBrainzEmulator:
    """A local MusicBrainz ws/2 built from the Spotify emulator's catalog.

    ``start()`` serves on ``host:port`` (0 picks a free port) from a daemon thread; point
    clients at ``base_url`` (the ``/ws/2`` root, i.e. ``MUSICBRAINZ_BASE_URL``). ``truth``
    maps every Spotify album id to the release a perfect matcher finds, or to an
    ``Expected`` with no release when the album is absent from MusicBrainz.
    """

    def __init__(
        self,
        spotify_catalog: Catalog,
        *,
        seed: int = 2026,
        requests_per_second: float = 1.0,
        latency: float = 0.0,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.catalog = MusicBrainzCatalog.build(spotify_catalog, seed)
        self._state = EmulatorState(
            self.catalog, ClientLimiter(requests_per_second), Faults(latency)
        )
        self.host = host
        self.port = port
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def truth(self) -> dict[str, Expected]:
        return self.catalog.truth

    @property
    def stats(self) -> Stats:
        return self._state.stats

    @property
    def faults(self) -> Faults:
        return self._state.faults

    @property
    def requests_per_second(self) -> float:
        return self._state.limiter.requests_per_second

    @requests_per_second.setter
    def requests_per_second(self, rate: float) -> None:
        self._state.limiter.requests_per_second = rate

    @property
    def root_url(self) -> str:
        """Where ``/_emulator`` lives; MusicBrainz itself is under ``base_url``."""
        if self._server is None:
            raise RuntimeError("the emulator is not running; call start() first")
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        return f"{self.root_url}{WS}"

    def start(self) -> MusicBrainzEmulator:
        if self._server is not None:
            return self
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self.port))
        config = uvicorn.Config(
            create_app(self._state),
            log_config=None,  # leave the host process's logging alone
            log_level=None,
            lifespan="off",
            ws="none",
            http=emulator_protocol(self._state),
            server_header=False,
            timeout_graceful_shutdown=1,
        )
        server = uvicorn.Server(config)
        thread = threading.Thread(
            target=server.run, kwargs={"sockets": [sock]}, name="musicbrainz-emulator", daemon=True
        )
        thread.start()
        deadline = time.monotonic() + _START_TIMEOUT
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                server.should_exit = True
                sock.close()
                raise RuntimeError(
                    f"MusicBrainz emulator failed to start on {self.host}:{self.port}"
                )
            time.sleep(0.005)
        self.port = sock.getsockname()[1]
        self._server, self._thread = server, thread
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        server.should_exit = True
        thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> MusicBrainzEmulator:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def reset(self) -> None:
        """Healthy again: no faults, empty stats and rate windows, latency as constructed.

        The catalog and ``requests_per_second`` survive.
        """
        self._state.reset()
