"""Everything one emulator instance knows, shared by the HTTP app and the Python API."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import date
from typing import get_args

from .accounts import TokenStore
from .catalog import Catalog
from .clock import DAY, Clock
from .faults import Faults
from .images import CoverIndex
from .render import Tier
from .request_log import Stats
from .search import SearchIndex

TIERS: tuple[Tier, ...] = get_args(Tier)


@dataclass
class EmulatorState:
    catalog: Catalog
    client_id: str
    client_secret: str
    latency: float = 0.0
    tier: Tier = "extended"
    clock: Clock = field(init=False)
    faults: Faults = field(init=False)
    stats: Stats = field(default_factory=Stats)
    search: SearchIndex = field(init=False)
    covers: CoverIndex = field(init=False)
    tokens: TokenStore = field(init=False)
    epoch: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        self.clock = Clock(self.catalog.today)
        self.faults = Faults(self.clock, self.latency)
        self.search = SearchIndex(self.catalog)
        self.covers = CoverIndex(self.catalog)
        self.tokens = TokenStore(self.clock)

    def set_tier(self, tier: str) -> None:
        if tier not in TIERS:
            raise ValueError(f"tier must be one of {TIERS}, not {tier!r}")
        self.tier = tier

    @property
    def today(self) -> date:
        return self.clock.today

    def advance(self, days: float = 1, seconds: float = 0.0) -> date:
        """Jump the emulator clock; new-release membership and order follow the new day."""
        with self._lock:
            self.clock.advance(days * DAY + seconds)
            self.catalog.today = self.clock.today
        return self.catalog.today

    def reset(self) -> None:
        """Healthy service at the start day: no faults, no stats, fresh windows; same data.

        Requests still in flight from before (a slowed response whose client gave up, say)
        see the new ``epoch`` and finish without touching faults, limits or stats.
        """
        with self._lock:
            self.epoch += 1
            self.faults.clear()
            self.stats.clear()
            self.clock.rewind()
            self.catalog.today = self.clock.today
