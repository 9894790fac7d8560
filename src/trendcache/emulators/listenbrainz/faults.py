"""Switchable trouble, safe to flip from a test thread while the server serves.

Counted faults hit the next N requests to the API and then heal, so a client's retries
can be seen to work: ``outage`` answers 503 (the HTML page a proxy sends while the
service is down), ``too_many_requests`` 429 with ``X-RateLimit-Remaining: 0`` and
``X-RateLimit-Reset-In: reset_in``, ``malformed_json`` a 200 whose body breaks off
mid-document, ``malformed_shape`` a 200 of valid JSON that is not the documented shape.
``stats_not_computed`` answers every stats request 204 until cleared, as ListenBrainz
does before its statistics run; ``latency`` delays every answer.
"""

from __future__ import annotations

import threading
from typing import Any

COUNTED = ("outage", "too_many_requests", "malformed_json", "malformed_shape")


class Faults:
    def __init__(self, latency: float = 0.0) -> None:
        self._lock = threading.Lock()
        self._initial_latency = latency
        self.latency = latency
        self.reset_in = 1
        self.stats_not_computed = False
        self._pending = dict.fromkeys(COUNTED, 0)

    def add(self, fault: str, count: int) -> None:
        if fault not in COUNTED:
            raise ValueError(f"unknown fault {fault!r}; counted faults: {', '.join(COUNTED)}")
        if count < 0:
            raise ValueError(f"{fault} must be 0 or more requests")
        with self._lock:
            self._pending[fault] += count

    def take(self) -> str | None:
        """The counted fault this request gets, if any (the first in ``COUNTED`` order)."""
        with self._lock:
            for fault in COUNTED:
                if self._pending[fault] > 0:
                    self._pending[fault] -= 1
                    return fault
        return None

    def clear(self) -> None:
        with self._lock:
            self._pending = dict.fromkeys(COUNTED, 0)
        self.latency = self._initial_latency
        self.reset_in = 1
        self.stats_not_computed = False

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            pending = dict(self._pending)
        return {
            **pending,
            "latency": self.latency,
            "reset_in": self.reset_in,
            "stats_not_computed": self.stats_not_computed,
        }
