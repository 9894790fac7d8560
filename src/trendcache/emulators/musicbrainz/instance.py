"""Everything one emulator instance knows, shared by the HTTP app and the Python API."""

from __future__ import annotations

from dataclasses import dataclass, field

from .catalog import MusicBrainzCatalog
from .faults import Faults
from .limits import ClientLimiter
from .request_log import Stats


@dataclass
class EmulatorState:
    catalog: MusicBrainzCatalog
    limiter: ClientLimiter
    faults: Faults
    stats: Stats = field(default_factory=Stats)
    epoch: int = 0

    def reset(self) -> None:
        """Healthy service: no faults, empty stats and rate windows; same data.

        Requests still in flight from before (a slowed answer whose client gave up, say)
        see the new ``epoch`` and finish without touching stats.
        """
        self.epoch += 1
        self.faults.clear()
        self.stats.clear()
        self.limiter.clear()
