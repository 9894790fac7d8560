"""A log of every web-service request the emulator answered, refused or dropped.

The evaluation asserts on it: how many requests each album cost, and that no client ever
went faster than the per-client limit (``violations``). Requests dropped by an outage
are logged with status 0; the ``/_emulator`` control surface is not logged.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class RequestRecord:
    at: float  # wall-clock arrival, seconds since the epoch
    arrived: float  # monotonic arrival, for spacing between requests
    method: str
    path: str
    template: str  # e.g. "/ws/2/release/{mbid}"
    query: str
    status: int
    client: str  # "<ip> <user agent>": the rate-limit key
    zone: str | None = None  # the x-ratelimit-zone of a 503 from the limiter
    violation: bool = False  # arrived faster than the per-client limit allows


class Stats:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._records: list[RequestRecord] = []

    def record(self, entry: RequestRecord) -> None:
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
    def violations(self) -> list[RequestRecord]:
        """Requests refused because their client exceeded its rate; the evaluation wants none."""
        return [r for r in self.requests if r.violation]

    @property
    def by_endpoint(self) -> dict[str, int]:
        return dict(Counter(r.template for r in self.requests))

    @property
    def by_status(self) -> dict[int, int]:
        return dict(Counter(r.status for r in self.requests))

    @property
    def by_client(self) -> dict[str, int]:
        return dict(Counter(r.client for r in self.requests))

    def count(
        self, template: str | None = None, *, status: int | None = None, client: str | None = None
    ) -> int:
        """Requests for ``template`` (any when None), optionally filtered by status or client."""
        return sum(
            1
            for r in self.requests
            if (template is None or r.template == template)
            and (status is None or r.status == status)
            and (client is None or r.client == client)
        )

    def clear(self) -> None:
        with self._lock:
            self._records.clear()

    def as_json(self) -> dict[str, Any]:
        requests = self.requests
        return {
            "total": len(requests),
            "violations": sum(r.violation for r in requests),
            "by_endpoint": dict(Counter(r.template for r in requests)),
            "by_status": {str(k): v for k, v in Counter(r.status for r in requests).items()},
            "by_client": dict(Counter(r.client for r in requests)),
            "requests": [asdict(r) for r in requests],
        }
