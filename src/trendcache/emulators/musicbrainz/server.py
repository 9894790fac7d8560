"""``MusicBrainzEmulator``: the catalog served over real HTTP from a background thread."""

from __future__ import annotations

import uvicorn

from trendcache.emulators.serving import ThreadedServer, quiet_config
from trendcache.emulators.spotify.catalog import Catalog

from .app import WS, create_app
from .catalog import MusicBrainzCatalog
from .faults import Faults
from .instance import EmulatorState
from .limits import ClientLimiter
from .model import Expected
from .protocol import emulator_protocol
from .request_log import Stats


class MusicBrainzEmulator(ThreadedServer):
    """A local MusicBrainz ws/2 built from the Spotify emulator's catalog.

    ``start()`` serves on ``host:port`` (0 picks a free port) from a daemon thread; point
    clients at ``base_url`` (the ``/ws/2`` root, i.e. ``MUSICBRAINZ_BASE_URL``). ``truth``
    maps every Spotify album id to the release a perfect matcher finds, or to an
    ``Expected`` with no release when the album is absent from MusicBrainz.
    """

    _thread_name = "musicbrainz-emulator"
    _label = "MusicBrainz emulator"

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
        super().__init__(host, port)

    def _config(self) -> uvicorn.Config:
        return quiet_config(
            create_app(self._state),
            protocol=emulator_protocol(self._state),
            server_header=False,
            timeout_graceful_shutdown=1,
        )

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
        return self.origin

    @property
    def base_url(self) -> str:
        return f"{self.root_url}{WS}"

    def reset(self) -> None:
        """Healthy again: no faults, empty stats and rate windows, latency as constructed.

        The catalog and ``requests_per_second`` survive.
        """
        self._state.reset()
