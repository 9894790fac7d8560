"""Per-client limits for `GET /api/spotify/trending`: a sliding window with a Retry-After.

With REDIS_URL every web process counts in Redis (`SharedClientRateLimiter`, over the
`KeyedLimiter` the sign-in limit uses), so N processes on any number of hosts still allow
a client API_RATE_LIMIT_PER_MINUTE in all. Without it the count is kept in this process's
memory (`ClientRateLimiter`): the embedded deployment is one process, and a request pays
no file lock for it.

Redis being away while a client asks raises its error, which the app answers with a 503
naming Redis (web/outages.py), as for sign-ins: the limit is never silently lifted, and
the read path (`/api/cache/*`, the browse page) does not use it, so it stays up.

In memory, pyrate-limiter's `Limiter` would count every name in one bucket and answer
only yes or no, so each client gets its own `InMemoryBucket`, whose `put_decision` tells
how long a refused client must wait. Idle clients' buckets are dropped once their window
has passed.
"""

from __future__ import annotations

import math
import threading
from typing import Protocol

from pyrate_limiter import Decision, Duration, InMemoryBucket, MonotonicClock, Rate, RateItem

from trendcache.config import Settings
from trendcache.ratelimit import KeyedLimiter

PRUNE_EVERY = 1000
WINDOW_SECONDS = 60.0


class ClientLimiter(Protocol):
    def acquire(self, client: str) -> int | None:
        """Count one request; None if allowed, else whole seconds until one would be.

        May block (a Redis round trip): call it from a thread."""
        ...

    def close(self) -> None: ...


def client_rate_limiter(settings: Settings) -> ClientLimiter:
    """API_RATE_LIMIT_PER_MINUTE per client: shared through Redis when configured."""
    limit = settings.api_rate_limit_per_minute
    if settings.redis_url:
        return SharedClientRateLimiter(limit, settings)
    return ClientRateLimiter(limit)


class SharedClientRateLimiter:
    """Every process's requests of a client counted together, in Redis."""

    def __init__(
        self, limit: int, settings: Settings, window_seconds: float = WINDOW_SECONDS
    ) -> None:
        rates = [Rate(limit, int(window_seconds * Duration.SECOND.value))]
        self._keyed = KeyedLimiter("api_client", rates, settings)

    def acquire(self, client: str) -> int | None:
        return self._keyed.try_acquire(client)

    def close(self) -> None:
        self._keyed.close()


class ClientRateLimiter:
    """This process's count of each client's requests, in memory."""

    def __init__(self, limit: int, window_seconds: float = WINDOW_SECONDS) -> None:
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

    def close(self) -> None:
        """Nothing to release: the buckets live in this process's memory."""

    @property
    def clients(self) -> int:
        return len(self._buckets)

    def _prune(self) -> None:
        now = self._clock.now()
        for client, bucket in list(self._buckets.items()):
            newest = bucket.peek(0)
            if newest is None or now - newest.timestamp > self.window_ms:
                del self._buckets[client]
