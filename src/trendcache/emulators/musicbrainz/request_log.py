"""A log of every web-service request the emulator answered, refused or dropped.

The evaluation asserts on it: how many requests each album cost, and that no client ever
went faster than the per-client limit (``violations``). Requests dropped by an outage
are logged with status 0; the ``/_emulator`` control surface is not logged.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from trendcache.emulators.request_log import RequestLog


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


class Stats(RequestLog[RequestRecord]):
    def record(self, entry: RequestRecord) -> None:
        self._append(entry)

    @property
    def violations(self) -> list[RequestRecord]:
        """Requests refused because their client exceeded its rate; the evaluation wants none."""
        return [r for r in self.requests if r.violation]

    @property
    def by_client(self) -> dict[str, int]:
        return dict(Counter(r.client for r in self.requests))

    def count(
        self, template: str | None = None, *, status: int | None = None, client: str | None = None
    ) -> int:
        """Requests for ``template`` (any when None), optionally filtered by status or client."""
        matching = self._matching(template, status)
        return sum(1 for r in matching if client is None or r.client == client)

    def _json_counts(self, requests: Sequence[RequestRecord]) -> dict[str, Any]:
        return {
            "violations": sum(r.violation for r in requests),
            **super()._json_counts(requests),
            "by_client": dict(Counter(r.client for r in requests)),
        }
