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
import math
import random
import time
from contextlib import AbstractContextManager, nullcontext, suppress
from pathlib import Path
from typing import Any

from pyrate_limiter import AbstractBucket, Duration, Rate, RateItem, RedisBucket, SQLiteBucket
from pyrate_limiter.buckets.redis_bucket import LuaScript
from pyrate_limiter.buckets.sqlite_bucket import Queries
from redis import Redis
from redis.exceptions import NoScriptError, RedisError

from trendcache.config import Settings
from trendcache.redis_outage import reaching_redis

log = logging.getLogger(__name__)

SAFETY_MARGIN = 0.05
MIN_MARGIN_MS = 20
MIN_SLEEP_SECONDS = 0.005
LEAK_EVERY_SECONDS = 60.0
# A keyed limit is asked inside a request: a Redis that stops answering fails it in
# seconds (a 503 naming Redis) instead of holding the request's thread for ever.
KEYED_REDIS_TIMEOUT_SECONDS = 5.0
# pyrate-limiter's script counts a window's entries up to the asking item's own stamp. Every
# process stamps its item before sending it, so an item another process stamped a moment
# later but got to Redis first went uncounted and a window overfilled when processes
# raced (benchmarks/client_limits.py: 61 to 63 admitted of 60 with 4 processes). Counting
# to +inf includes it; the script is otherwise pyrate-limiter's.
_OWN_STAMP_BOUND = "redis.call('ZCOUNT', bucket, window_start, now)"
PUT_ITEM = LuaScript.PUT_ITEM.replace(
    _OWN_STAMP_BOUND, "redis.call('ZCOUNT', bucket, window_start, '+inf')"
)
assert _OWN_STAMP_BOUND in LuaScript.PUT_ITEM, "pyrate-limiter's script changed: review PUT_ITEM"
SCRIPT_HASH = hashlib.sha1(PUT_ITEM.encode()).hexdigest()  # what Redis names it


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

    def try_acquire(self) -> int | None:
        """Take a slot if one is free now: None if taken, else whole seconds until one is."""
        with self._locked():
            now_ms = time.time_ns() // 1_000_000
            self._leak(now_ms)
            item = RateItem(self.name, now_ms)
            if self._bucket.put(item):
                return None
            delay_ms = int(self._bucket.waiting(item))  # type: ignore[arg-type]
        return max(1, math.ceil(delay_ms / 1000))

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
        bucket = cls(rates, redis, bucket_key, SCRIPT_HASH)
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
        script_hash = self.redis.script_load(PUT_ITEM)
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


def rate_window(requests_per_second: float) -> tuple[int, float]:
    """(count, seconds) of a configured rate: 1/s stays one per second; 0.5/s is one per
    two seconds."""
    if requests_per_second >= 1:
        return round(requests_per_second), 1.0
    return 1, 1 / requests_per_second


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


class KeyedLimiter:
    """A separate limit per key (a client address, a user name), shared like `SharedLimiter`.

    With REDIS_URL, each key has its own Redis bucket, expiring with its window; an attempt
    is one EVALSHA and one PEXPIRE (the script is loaded when Redis answers NOSCRIPT, not
    before every attempt), so it can sit on a busy route. Embedded,
    every key's entries share one table of the SQLite bucket file (a table per key would
    let anyone add tables by trying names), each key's bucket counting only its own.
    Keys are hashed: no user-chosen text reaches a table or a Redis key name.
    """

    def __init__(self, name: str, rates: list[Rate], settings: Settings) -> None:
        self.name = name
        self.rates = rates
        self._window_ms = max(rate.interval for rate in rates)
        self._redis: Redis | None = None
        self._table: SQLiteBucket | None = None
        if settings.redis_url:
            self._redis = Redis.from_url(
                settings.redis_url,
                socket_timeout=KEYED_REDIS_TIMEOUT_SECONDS,
                socket_connect_timeout=KEYED_REDIS_TIMEOUT_SECONDS,
            )
        else:
            path = Path(settings.data_dir).resolve() / "ratelimits.sqlite3"
            path.parent.mkdir(parents=True, exist_ok=True)
            self._table = SQLiteBucket.init_from_file(
                rates, table=f"rate_{name}", db_path=str(path), use_file_lock=True
            )
            with self._table.lock:
                self._table.conn.execute(
                    f"CREATE INDEX IF NOT EXISTS 'idx_rate_{name}_key' "
                    f"ON 'rate_{name}' (name, item_timestamp)"
                )
                self._table.conn.commit()

    def try_acquire(self, key: str) -> int | None:
        """Count one attempt for `key`: None if allowed, else whole seconds until it would be."""
        digest = hashlib.sha256(key.encode()).hexdigest()[:32]
        if self._redis is not None:
            redis_key = f"trendcache:rate:{self.name}:{digest}"
            bucket = ReloadingRedisBucket(self.rates, self._redis, redis_key, SCRIPT_HASH)
            wait = SharedLimiter(digest, bucket).try_acquire()
            self._redis.pexpire(redis_key, self._window_ms)
            return wait
        assert self._table is not None
        table = self._table
        one_key = _OneKeySQLiteBucket(self.rates, table.conn, table.table, table.lock, digest)
        return SharedLimiter(digest, one_key, table.lock).try_acquire()

    def close(self) -> None:
        if self._redis is not None:
            self._redis.close()
        if self._table is not None:
            self._table.close()  # type: ignore[no-untyped-call]


class _OneKeySQLiteBucket(SQLiteBucket):
    """pyrate-limiter's SQLite bucket on a table that many keys share, counting one key.

    Only the reads are narrowed to the key's rows (the count before a put, and the entry a
    refused put waits for); puts store the key as the entry's name, and leaking drops old
    entries of every key alike, as all keys have the same rates.
    """

    def __init__(self, rates: list[Rate], conn: Any, table: str, lock: Any, key: str) -> None:
        super().__init__(rates, conn, table, lock=lock)
        self.key = key

    def _build_full_count_query(self, current_timestamp: int) -> tuple[str, dict[str, Any]]:
        queries = []
        parameters: dict[str, Any] = {"key": self.key}
        for index, rate in enumerate(self.rates):
            parameters[f"interval{index}"] = rate.interval
            parameters[f"start{index}"] = self._algorithm.window_start(rate, current_timestamp)
            queries.append(
                f"SELECT :interval{index} AS interval, COUNT(*) FROM '{self.table}' "
                f"WHERE name = :key AND item_timestamp >= :start{index}"
            )
        return " UNION ALL ".join(queries), parameters

    def _peek_timestamp(self, offset: int) -> int | None:
        row = self.conn.execute(
            f"SELECT item_timestamp FROM '{self.table}' WHERE name = ? "
            "ORDER BY item_timestamp DESC LIMIT 1 OFFSET ?",
            (self.key, offset),
        ).fetchone()
        return None if row is None else int(row[0])

    def peek(self, index: int) -> RateItem | None:
        with self.lock:
            found = self._peek_timestamp(index)
        return None if found is None else RateItem(self.key, found)

    def count(self) -> int:
        with self.lock:
            query = Queries.COUNT_ALL.format(table=self.table) + " WHERE name = ?"
            return int(self.conn.execute(query, (self.key,)).fetchone()[0])
