"""``ListenBrainzEmulator``: the invented catalog served over real HTTP from a thread."""

from __future__ import annotations

from datetime import date

import uvicorn

from trendcache.emulators.musicbrainz.catalog import MusicBrainzCatalog
from trendcache.emulators.serving import QuietProtocol, ThreadedServer, quiet_config
from trendcache.emulators.spotify.catalog import Catalog as SpotifyCatalog

from .app import create_app
from .catalog import Catalog
from .coverart import PREFIX as COVERART
from .faults import Faults
from .instance import EmulatorState
from .limits import WindowLimiter
from .request_log import Stats
from .shared import shared_groups


class ListenBrainzEmulator(ThreadedServer):
    """A local ListenBrainz API (``LISTENBRAINZ_BASE_URL`` is ``base_url``).

    ``today`` is the catalog's first day (default: this machine's today); ``set_day`` and
    ``advance`` move it. With ``shared_with`` (the Spotify emulator's catalog and the
    MusicBrainz emulator's built from it), a share of Spotify's albums chart here too under
    MusicBrainz's release groups (``shared``). The Cover Art Archive is at ``coverart_url``.
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
        shared_with: tuple[SpotifyCatalog, MusicBrainzCatalog] | None = None,
    ) -> None:
        shared = shared_groups(*shared_with, seed) if shared_with is not None else []
        self.catalog = Catalog(seed, today, shared)
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

    @property
    def today(self) -> date:
        return self.catalog.today

    @property
    def coverart_url(self) -> str:
        """The Cover Art Archive's root (``COVER_ART_ARCHIVE_BASE_URL``)."""
        return f"{self.origin}{COVERART}"

    def set_day(self, day: date) -> date:
        """Move the catalog to `day`: charts and fresh releases follow it."""
        return self.catalog.set_day(day)

    def advance(self, days: int = 1) -> date:
        return self.catalog.advance(days)

    def reset(self) -> None:
        """Healthy again: no faults, empty stats and rate windows, latency as constructed,
        back at its first day. The catalog and the rate limits survive.
        """
        self._state.reset()
