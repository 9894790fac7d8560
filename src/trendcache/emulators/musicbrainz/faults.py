"""Switchable trouble: slowness, global load shedding, a full outage, hostile names.

Every switch is safe to flip from the test thread while the server thread serves.
``overloaded`` is MusicBrainz's busiest-hour behaviour: 503 "currently busy" in the
global zone, whatever the client's own pace, so clients can prove they tell it apart
from their own rate limit. ``outage`` drops connections without an answer.
``hostile_names`` serves every title and name with NUL bytes, controls, bidi overrides,
zero-width characters, decomposed accents or 20 KB of text (see ``hostile``).
"""

from __future__ import annotations

import threading
from typing import Any


class Faults:
    def __init__(self, latency: float = 0.0) -> None:
        self._lock = threading.Lock()
        self._initial_latency = latency
        self.latency = latency  # seconds added before every answer from the web service
        self.outage = False
        self.hostile_names = False
        self._shedding: int | None = 0  # requests still to shed; None: until cleared

    def overloaded(self, count: int | None = 1) -> None:
        """Shed the next ``count`` requests (all of them until ``clear()`` when None).

        Shedding happens after the per-client limit, as on MusicBrainz: a shed request
        still used up its client's window.
        """
        if count is not None and count < 1:
            raise ValueError("count must be a positive number of requests, or None")
        with self._lock:
            self._shedding = (
                None if count is None or self._shedding is None else (self._shedding + count)
            )

    def shed(self) -> bool:
        """Whether to shed this request; consumes one from ``overloaded(count)``."""
        with self._lock:
            if self._shedding is None:
                return True
            if self._shedding > 0:
                self._shedding -= 1
                return True
            return False

    def clear(self) -> None:
        with self._lock:
            self._shedding = 0
        self.latency = self._initial_latency
        self.outage = False
        self.hostile_names = False

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            shedding = self._shedding
        return {
            "latency": self.latency,
            "outage": self.outage,
            "hostile_names": self.hostile_names,
            "overloaded": "until reset" if shedding is None else shedding,
        }
