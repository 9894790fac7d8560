"""A log of every request the emulator answered (or refused), with counters.

Tests assert on it ("the cache made exactly one new-releases call"), so faulted requests,
401s and even requests dropped by an outage are recorded too; status 0 means no response.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class RequestRecord:
    at: float
    method: str
    path: str
    template: str
    query: str
    status: int


class Stats:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._records: list[RequestRecord] = []

    def record(self, method: str, path: str, template: str, query: str, status: int) -> None:
        entry = RequestRecord(time.time(), method, path, template, query, status)
        with self._lock:
            self._records.append(entry)

    @property
    def requests(self) -> list[RequestRecord]:
        with self._lock:
            return list(self._records)

    @property
    def total(self) -> int:
        return len(self.requests)

    @property
    def by_endpoint(self) -> dict[str, int]:
        """Counts per path template, e.g. ``/albums/{id}`` (Web API paths without ``/v1``)."""
        return dict(Counter(r.template for r in self.requests))

    @property
    def by_status(self) -> dict[int, int]:
        return dict(Counter(r.status for r in self.requests))

    def count(self, template: str | None = None, *, status: int | None = None) -> int:
        """Requests for ``template`` (any when None), optionally only those with ``status``."""
        return sum(
            1
            for r in self.requests
            if (template is None or r.template == template)
            and (status is None or r.status == status)
        )

    def clear(self) -> None:
        with self._lock:
            self._records.clear()

    def as_json(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "by_endpoint": self.by_endpoint,
            "by_status": {str(k): v for k, v in self.by_status.items()},
            "requests": [asdict(r) for r in self.requests],
        }
