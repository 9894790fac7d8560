"""A log of every API request the emulator answered; ``/_emulator`` is not logged."""

from __future__ import annotations

from dataclasses import dataclass

from trendcache.emulators.request_log import RequestLog


@dataclass(frozen=True, slots=True)
class RequestRecord:
    at: float  # wall-clock arrival, seconds since the epoch
    arrived: float  # monotonic arrival, for spacing between requests
    method: str
    path: str
    template: str  # e.g. "/1/stats/sitewide/release-groups"
    query: str
    status: int
    user_agent: str
    authorization: str | None  # as sent, so tests can see the token went out
    fault: str | None = None  # the switched fault that answered, if one did


class Stats(RequestLog[RequestRecord]):
    def record(self, entry: RequestRecord) -> None:
        self._append(entry)
