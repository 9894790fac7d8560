"""``ListenBrainzEmulator``: the invented catalog served over real HTTP from a thread."""

from __future__ import annotations

from datetime import date

import uvicorn

from trendcache.emulators.serving import QuietProtocol, ThreadedServer, quiet_config

from .app import create_app
from .catalog import Catalog
from .faults import Faults
from .instance import EmulatorState
from .limits import WindowLimiter
from .request_log import Stats


class ListenBrainzEmulator(ThreadedServer):
    """A local ListenBrainz API (``LISTENBRAINZ_BASE_URL`` is ``base_url``).

    ``today`` pins the day the catalog is built around (default: this machine's today).
    """

    _thread_name = "listenbrainz-emulator"
    _label = "ListenBrainz emulator"

    def __init__(
        self,
        *,
        seed: int = 2026,
        today: date | None = None,
        latency: float = 0.0,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.catalog = Catalog(seed, today)
        self._state = EmulatorState(self.catalog, Faults(latency))
        super().__init__(host, port)

    def _config(self) -> uvicorn.Config:
        return quiet_config(
            create_app(self._state),
            protocol=QuietProtocol,
            server_header=False,
            timeout_graceful_shutdown=1,
        )

    @property
    def stats(self) -> Stats:
        return self._state.stats

    @property
    def faults(self) -> Faults:
        return self._state.faults

    @property
    def limiter(self) -> WindowLimiter:
        return self._state.limiter

    def reset(self) -> None:
        """Healthy again: no faults, empty stats and rate windows, latency as constructed.

        The catalog and the rate limits survive.
        """
        self._state.reset()
