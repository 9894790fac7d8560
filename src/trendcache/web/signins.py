"""The sign-in limit against password guessing: per client address and per user name.

Ten attempts a minute from one address, and ten a minute for one user name from any
number of addresses (so a guesser with many addresses still gets ten guesses a minute at
an account). Both counts are kept where the outgoing rate limits are (`KeyedLimiter`:
Redis with REDIS_URL, else the SQLite bucket file in DATA_DIR), so every web process of a
deployment shares them. The client address is the connection's unless a trusted proxy
(TRUSTED_PROXIES) says otherwise; nobody else's `X-Forwarded-For` is believed.

A refused attempt is not counted against the other key. Anyone can lock a user name out
of signing in for a minute by guessing at it: the price of limiting per name.
"""

from __future__ import annotations

import threading

from pyrate_limiter import Duration, Rate

from trendcache.config import Settings
from trendcache.ratelimit import KeyedLimiter

SIGN_INS_PER_MINUTE = 10


class SignInLimiter:
    """`acquire(client, name)` before checking a password; opens its buckets on first use."""

    def __init__(self, settings: Settings, per_minute: int = SIGN_INS_PER_MINUTE) -> None:
        self._settings = settings
        self._rates = [Rate(per_minute, 60 * Duration.SECOND.value)]
        self._limiters: tuple[KeyedLimiter, KeyedLimiter] | None = None
        self._lock = threading.Lock()

    def acquire(self, client: str, name: str) -> int | None:
        """Count one attempt; None if allowed, else whole seconds until one would be.

        Blocking (a Redis round trip or the bucket file's lock): call it from a thread.
        """
        clients, names = self._opened()
        wait = clients.try_acquire(client)
        if wait is not None:
            return wait
        return names.try_acquire(name.strip().casefold())  # "Bob" and "bob": one count

    def _opened(self) -> tuple[KeyedLimiter, KeyedLimiter]:
        with self._lock:
            if self._limiters is None:
                self._limiters = (
                    KeyedLimiter("signin_client", self._rates, self._settings),
                    KeyedLimiter("signin_name", self._rates, self._settings),
                )
            return self._limiters

    def close(self) -> None:
        with self._lock:
            if self._limiters is not None:
                for limiter in self._limiters:
                    limiter.close()
                self._limiters = None
