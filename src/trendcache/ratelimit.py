"""Outgoing request limits shared by every process (pyrate-limiter, sliding window).

Embedded default: a SQLite bucket file in DATA_DIR guarded by a file lock, shared by all
processes on this machine. With REDIS_URL: a Redis bucket shared by every machine.
"""

from __future__ import annotations

from pathlib import Path

from pyrate_limiter import AbstractBucket, Duration, Limiter, Rate, RedisBucket, SQLiteBucket
from redis import Redis

from trendcache.config import Settings


class RateLimitTimeout(Exception):
    """The limiter did not grant a slot within the time we were willing to wait."""


class SharedLimiter:
    """`wait()` blocks until this process may send one more request to the upstream."""

    def __init__(self, name: str, bucket: AbstractBucket) -> None:
        self.name = name
        self._limiter = Limiter(bucket, buffer_ms=20)

    def wait(self, timeout: float = 300.0) -> None:
        if not self._limiter.try_acquire(self.name, blocking=True, timeout=timeout):
            raise RateLimitTimeout(f"no {self.name} request slot within {timeout:.0f} s")


def per_second(count: int, seconds: float) -> Rate:
    return Rate(count, int(seconds * Duration.SECOND.value))


def shared_limiter(name: str, rates: list[Rate], settings: Settings) -> SharedLimiter:
    bucket: AbstractBucket
    if settings.redis_url:
        redis = Redis.from_url(settings.redis_url)
        bucket = RedisBucket.init(rates, redis, f"trendcache:rate:{name}")
    else:
        path = Path(settings.data_dir).resolve() / "ratelimits.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        bucket = SQLiteBucket.init_from_file(
            rates, table=f"rate_{name}", db_path=str(path), use_file_lock=True
        )
    return SharedLimiter(name, bucket)
