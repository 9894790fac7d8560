"""``SpotifyEmulator``: the catalog served over real HTTP from a background thread."""

from __future__ import annotations

import socket
import threading
import time
from datetime import date
from types import TracebackType

import uvicorn

from .app import create_app
from .catalog import Catalog
from .faults import Faults
from .generate import build_catalog
from .protocol import emulator_protocol
from .render import Tier
from .state import EmulatorState
from .stats import Stats

_START_TIMEOUT = 10.0


class SpotifyEmulator:
    """A local Spotify (accounts + Web API) with its own catalog, tiers and faults.

    ``start()`` serves on ``host:port`` (0 picks a free port) from a daemon thread;
    point clients at ``base_url`` (the ``/v1`` API root) and ``accounts_url``. ``tier`` is
    ``"extended"`` (Extended Quota app) or ``"development"`` (Development Mode app).
    """

    def __init__(
        self,
        tier: str = "extended",
        latency: float = 0.0,
        today: date | None = None,
        seed: int = 2026,
        host: str = "127.0.0.1",
        port: int = 0,
        client_id: str = "trendcache-demo",
        client_secret: str = "trendcache-demo-secret",
    ) -> None:
        self.catalog: Catalog = build_catalog(seed, today)
        self._state = EmulatorState(self.catalog, client_id, client_secret, latency=latency)
        self._state.set_tier(tier)
        self.host = host
        self.port = port
        self.client_id = client_id
        self.client_secret = client_secret
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def tier(self) -> Tier:
        return self._state.tier

    @tier.setter
    def tier(self, value: str) -> None:
        """``"extended"`` or ``"development"``; plain strings so config values pass through."""
        self._state.set_tier(value)

    @property
    def faults(self) -> Faults:
        return self._state.faults

    @property
    def stats(self) -> Stats:
        return self._state.stats

    @property
    def today(self) -> date:
        return self._state.today

    @property
    def accounts_url(self) -> str:
        if self._server is None:
            raise RuntimeError("the emulator is not running; call start() first")
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        return f"{self.accounts_url}/v1"

    def start(self) -> SpotifyEmulator:
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
            timeout_graceful_shutdown=1,
        )
        server = uvicorn.Server(config)
        thread = threading.Thread(
            target=server.run, kwargs={"sockets": [sock]}, name="spotify-emulator", daemon=True
        )
        thread.start()
        deadline = time.monotonic() + _START_TIMEOUT
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                server.should_exit = True
                sock.close()
                raise RuntimeError(f"Spotify emulator failed to start on {self.host}:{self.port}")
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

    def __enter__(self) -> SpotifyEmulator:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def reset(self) -> None:
        """Healthy again: no faults or limits, empty stats and windows, back at the start day.

        The catalog, the tier and issued tokens survive; a revocation is a fault and is
        lifted, tokens that simply ran out of time stay expired.
        """
        self._state.reset()

    def advance(self, days: float = 1, seconds: float = 0.0) -> date:
        """Move the emulator's clock and "today" forward, as if that time had passed.

        New-release membership and order follow the new day, quota and rate windows roll,
        and tokens age too: after ``advance(days=1)`` every token issued before has expired
        (401 "The access token expired"), so clients must fetch a new one, as in real life.
        """
        return self._state.advance(days, seconds)
