"""The request log both emulators keep, thread-safe, with the counters tests assert on.

Each emulator has its own record type (a frozen dataclass); the log only needs every
record to carry the path ``template`` it was routed to and the ``status`` answered
(0 when the connection was dropped without an answer).
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import asdict
from typing import Any, ClassVar, Generic, Protocol, TypeVar


class Record(Protocol):
    __dataclass_fields__: ClassVar[dict[str, Any]]

    @property
    def template(self) -> str: ...

    @property
    def status(self) -> int: ...


R = TypeVar("R", bound=Record)


class RequestLog(Generic[R]):
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._records: list[R] = []

    def _append(self, entry: R) -> None:
        with self._lock:
            self._records.append(entry)

    @property
    def requests(self) -> list[R]:
        with self._lock:
            return list(self._records)

    @property
    def total(self) -> int:
        return len(self.requests)

    @property
    def by_endpoint(self) -> dict[str, int]:
        """Counts per path template, e.g. ``/albums/{id}``."""
        return dict(Counter(r.template for r in self.requests))

    @property
    def by_status(self) -> dict[int, int]:
        return dict(Counter(r.status for r in self.requests))

    def count(self, template: str | None = None, *, status: int | None = None) -> int:
        """Requests for ``template`` (any when None), optionally only those with ``status``."""
        return sum(1 for _ in self._matching(template, status))

    def _matching(self, template: str | None, status: int | None) -> Iterator[R]:
        return (
            r
            for r in self.requests
            if (template is None or r.template == template)
            and (status is None or r.status == status)
        )

    def clear(self) -> None:
        with self._lock:
            self._records.clear()

    def as_json(self) -> dict[str, Any]:
        """Counters and records of one consistent snapshot of the log."""
        requests = self.requests
        return {
            "total": len(requests),
            **self._json_counts(requests),
            "requests": [asdict(r) for r in requests],
        }

    def _json_counts(self, requests: Sequence[R]) -> dict[str, Any]:
        return {
            "by_endpoint": dict(Counter(r.template for r in requests)),
            "by_status": {str(k): v for k, v in Counter(r.status for r in requests).items()},
        }
