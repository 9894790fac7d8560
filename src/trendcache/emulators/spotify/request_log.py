"""A log of every request the emulator answered (or refused), with counters.

Tests assert on it ("the cache made exactly one new-releases call"), so faulted requests,
401s and even requests dropped by an outage are recorded too; status 0 means no response.
Templates of Web API calls are their paths without ``/v1`` (``/albums/{id}``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from trendcache.emulators.request_log import RequestLog


@dataclass(frozen=True, slots=True)
class RequestRecord:
    at: float
    method: str
    path: str
    template: str
    query: str
    status: int


class Stats(RequestLog[RequestRecord]):
    def record(self, method: str, path: str, template: str, query: str, status: int) -> None:
        self._append(RequestRecord(time.time(), method, path, template, query, status))
