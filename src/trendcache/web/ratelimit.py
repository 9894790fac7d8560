"""Per-client limits for `GET /api/spotify/trending`: a sliding window with a Retry-After.

pyrate-limiter's `Limiter` counts every name in one bucket and answers only yes or no, so
each client gets its own `InMemoryBucket`, whose `put_decision` tells how long a refused
client must wait. Idle clients' buckets are dropped once their window has passed.
The count is per web process: with N processes a client may get up to N times the limit.
"""

from __future__ import annotations

import math
import threading

from pyrate_limiter import Decision, Duration, InMemoryBucket, MonotonicClock, Rate, RateItem

PRUNE_EVERY = 1000


class ClientRateLimiter:
    def __init__(self, limit: int, window_seconds: float = 60.0) -> None:
        self.window_ms = int(window_seconds * Duration.SECOND.value)
        self._rates = [Rate(limit, self.window_ms)]
        self._clock = MonotonicClock()
        self._buckets: dict[str, InMemoryBucket] = {}
        self._lock = threading.Lock()
        self._calls = 0

    def acquire(self, client: str) -> int | None:
        """Count one request; None if allowed, else whole seconds until one would be."""
        with self._lock:
            self._calls += 1
            if self._calls % PRUNE_EVERY == 0:
                self._prune()
            bucket = self._buckets.get(client)
            if bucket is None:
                bucket = self._buckets[client] = InMemoryBucket(self._rates)
            item = RateItem(client, self._clock.now())
            decision = bucket.put_decision(item)  # in-memory buckets answer synchronously
            assert isinstance(decision, Decision)
            if decision.allowed:
                return None
            wait_ms = decision.retry_after_ms
            if wait_ms is None:
                waiting = bucket.waiting(item)
                assert isinstance(waiting, int)
                wait_ms = waiting
        return max(1, math.ceil(wait_ms / 1000))

    @property
    def clients(self) -> int:
        return len(self._buckets)

    def _prune(self) -> None:
        now = self._clock.now()
        for client, bucket in list(self._buckets.items()):
            newest = bucket.peek(0)
            if newest is None or now - newest.timestamp > self.window_ms:
                del self._buckets[client]
