"""Outgoing request limits shared by every process (pyrate-limiter buckets, sliding window).

Embedded default: a SQLite bucket file in DATA_DIR guarded by a file lock, shared by all
processes on this machine. With REDIS_URL: a Redis bucket shared by every machine, which
survives Redis restarts and failovers (`ReloadingRedisBucket`); while Redis is away a wait
raises `RedisUnavailable` at once, for the sync to record.

We use pyrate-limiter's buckets but not its `Limiter` loop: in blocking mode the Limiter
advances a waiting request's timestamp by the planned sleep instead of the time it is
really admitted, so under contention between processes the bucket believed requests older
than they were and let a window overfill by one (tests/test_ratelimit.py measured it), and
its non-blocking mode cannot take a file lock with current filelock releases. Here every
attempt is stamped while holding the bucket's lock, so the stamp is the admission time.
"""

from __future__ import annotations

import hashlib
import logging
import random
import time
from contextlib import AbstractContextManager, nullcontext, suppress
from pathlib import Path
from typing import Any

from pyrate_limiter import AbstractBucket, Duration, Rate, RateItem, RedisBucket, SQLiteBucket
from pyrate_limiter.buckets.redis_bucket import LuaScript
from redis import Redis
from redis.exceptions import NoScriptError, RedisError

from trendcache.config import Settings
from trendcache.redis_outage import reaching_redis

log = logging.getLogger(__name__)

SAFETY_MARGIN = 0.05
MIN_MARGIN_MS = 20
MIN_SLEEP_SECONDS = 0.005
LEAK_EVERY_SECONDS = 60.0


class RateLimitTimeout(Exception):
    """The limiter did not grant a slot within the time we were willing to wait."""


class SharedLimiter:
    """`wait()` blocks until this process may send one more request to the upstream."""

    def __init__(self, name: str, bucket: AbstractBucket, lock: Any = None) -> None:
        self.name = name
        self._bucket = bucket
        self._lock = lock
        self._last_leak = 0.0

    def _locked(self) -> AbstractContextManager[Any]:
        return self._lock if self._lock is not None else nullcontext()

    def wait(self, timeout: float = 300.0) -> None:
        deadline = time.monotonic() + timeout
        while True:
            with self._locked(), reaching_redis():
                now_ms = time.time_ns() // 1_000_000
                self._leak(now_ms)
                item = RateItem(self.name, now_ms)
                if self._bucket.put(item):
                    return
                delay_ms = int(self._bucket.waiting(item))  # type: ignore[arg-type]
            remaining = deadline - time.monotonic()
            if remaining <= 0 or delay_ms < 0:
                raise RateLimitTimeout(f"no {self.name} request slot within {timeout:.0f} s")
            pause = max(MIN_SLEEP_SECONDS, delay_ms / 1000) * random.uniform(1.0, 1.1)
            time.sleep(min(pause, remaining))

    def _leak(self, now_ms: int) -> None:
        """Drop entries older than the longest window, now and then, so buckets stay small."""
        if now_ms / 1000 - self._last_leak >= LEAK_EVERY_SECONDS:
            self._last_leak = now_ms / 1000
            self._bucket.leak(now_ms)


class ReloadingRedisBucket(RedisBucket):
    """pyrate-limiter's Redis bucket, which loads its Lua script again when Redis lost it.

    RedisBucket runs its script by SHA (EVALSHA). Redis keeps scripts only in memory, so
    after a restart, a failover to a replica or SCRIPT FLUSH every call would fail with
    NOSCRIPT until our process restarted (PyrateLimiter issue #182, open). Here a NOSCRIPT
    loads the script and runs the same check once more (the failed call changed nothing),
    with the item stamped again, as the stamp must be the time of admission. Redis being
    away while we start is no error: the SHA is computed here, the first call loads it.
    """

    @classmethod
    def connect(cls, rates: list[Rate], redis: Redis, bucket_key: str) -> ReloadingRedisBucket:
        script_hash = hashlib.sha1(LuaScript.PUT_ITEM.encode()).hexdigest()
        bucket = cls(rates, redis, bucket_key, script_hash)
        with suppress(RedisError):
            bucket._load()
        return bucket

    def put(self, item: RateItem) -> bool:
        try:
            return self._put(item)
        except NoScriptError:
            log.info("Redis had lost the rate-limit script (restart or failover); loading it")
            self._load()
            item.timestamp = time.time_ns() // 1_000_000
            return self._put(item)

    def _load(self) -> None:
        script_hash = self.redis.script_load(LuaScript.PUT_ITEM)
        assert isinstance(script_hash, str)
        self.script_hash = script_hash

    def _put(self, item: RateItem) -> bool:
        admitted = super().put(item)
        assert isinstance(admitted, bool), "a synchronous Redis client answers at once"
        return admitted


def per_second(count: int, seconds: float) -> Rate:
    """`count` requests per `seconds`, enforced over a slightly longer window (5 %, ≥20 ms).

    The margin keeps us under the upstream's limit despite clock granularity and the time
    between our stamp and the request reaching the upstream.
    """
    window_ms = seconds * Duration.SECOND.value
    return Rate(count, int(window_ms + max(window_ms * SAFETY_MARGIN, MIN_MARGIN_MS)))


def shared_limiter(name: str, rates: list[Rate], settings: Settings) -> SharedLimiter:
    if settings.redis_url:
        redis = Redis.from_url(settings.redis_url)
        key = f"trendcache:rate:{name}"
        return SharedLimiter(name, ReloadingRedisBucket.connect(rates, redis, key))
    path = Path(settings.data_dir).resolve() / "ratelimits.sqlite3"
    path.parent.mkdir(parents=True, exist_ok=True)
    bucket = SQLiteBucket.init_from_file(
        rates, table=f"rate_{name}", db_path=str(path), use_file_lock=True
    )
    return SharedLimiter(name, bucket, bucket.lock)
