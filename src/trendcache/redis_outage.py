"""Redis being away, as one exception a sync can record, and a ping for health checks.

With REDIS_URL set, the shared rate limit and the single-flight lease live in Redis. When
Redis is down, restarting, loading its data or a read-only replica after a failover,
redis-py raises a handful of different errors from deep inside a sync; `reaching_redis`
turns them into `RedisUnavailable`, whose message names the setting and the cause, so the
sync records it and backs off instead of failing with an internal error.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from redis import Redis
from redis.exceptions import ConnectionError, ReadOnlyError, RedisError, TimeoutError

# BusyLoadingError (a restarted Redis still loading its data) is a ConnectionError.
OUTAGE_ERRORS = (ConnectionError, TimeoutError, ReadOnlyError)


class RedisUnavailable(Exception):
    """Redis (REDIS_URL) did not answer or refused the write; `str()` says which and why."""


def describe(exc: RedisError) -> str:
    return f"Redis (REDIS_URL) is unavailable: {type(exc).__name__}: {exc}"


@contextmanager
def reaching_redis() -> Iterator[None]:
    """Raise `RedisUnavailable` for an outage inside the block; other errors pass unchanged."""
    try:
        yield
    except OUTAGE_ERRORS as exc:
        raise RedisUnavailable(describe(exc)) from exc


def redis_problem(redis: Redis) -> str | None:
    """Why Redis does not answer a PING (None when it does), for health checks."""
    try:
        redis.ping()
    except RedisError as exc:
        return describe(exc)
    return None
