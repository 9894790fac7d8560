"""``SpotifyEmulator``: the catalog served over real HTTP from a background thread."""

from __future__ import annotations

from datetime import date

import uvicorn

from trendcache.emulators.serving import ThreadedServer, quiet_config

from .app import create_app
from .catalog import Catalog
from .faults import Faults
from .generate import build_catalog
from .instance import EmulatorState
from .protocol import emulator_protocol
from .render import Tier
from .request_log import Stats


class SpotifyEmulator(ThreadedServer):
    """A local Spotify (accounts + Web API) with its own catalog, tiers and faults.

    ``start()`` serves on ``host:port`` (0 picks a free port) from a daemon thread;
    point clients at ``base_url`` (the ``/v1`` API root) and ``accounts_url``. ``tier`` is
    ``"extended"`` (Extended Quota app) or ``"development"`` (Development Mode app).
    """

    _thread_name = "spotify-emulator"
    _label = "Spotify emulator"

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
        super().__init__(host, port)
        self.client_id = client_id
        self.client_secret = client_secret

    def _config(self) -> uvicorn.Config:
        return quiet_config(
            create_app(self._state),
            protocol=emulator_protocol(self._state),
            timeout_graceful_shutdown=1,
        )

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
        return self.origin

    @property
    def base_url(self) -> str:
        return f"{self.accounts_url}/v1"

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
