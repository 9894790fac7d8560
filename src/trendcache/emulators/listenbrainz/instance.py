"""Everything one emulator instance knows, shared by the HTTP app and the Python API."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from .catalog import Catalog
from .faults import Faults
from .limits import WindowLimiter
from .request_log import Stats


@dataclass
class EmulatorState:
    catalog: Catalog
    faults: Faults
    limiter: WindowLimiter = field(default_factory=WindowLimiter)
    stats: Stats = field(default_factory=Stats)
    epoch: int = 0

    def today(self) -> date:
        """ListenBrainz's "today" (the pivot of fresh releases): the catalog's day."""
        return self.catalog.today

    def reset(self) -> None:
        """Healthy service at its first day: no faults, empty stats and rate windows.

        Requests still in flight from before see the new ``epoch`` and are not logged.
        """
        self.epoch += 1
        self.faults.clear()
        self.stats.clear()
        self.limiter.clear()
        self.catalog.set_day(self.catalog.start_day)
