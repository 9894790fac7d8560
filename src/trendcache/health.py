"""What a running trendcache depends on, checked: the database (can it read, can it write),
Redis and the job queue when the configuration uses them.

`/healthz` runs the checks (at most once a second per process, however often it is
probed); a request that meets a dependency failure reports it at once, so the pages can
say what is wrong ("the database is read-only") instead of waiting for data that cannot
arrive. A failure stays reported until a check finds the dependency well again.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from redis import Redis
from redis.exceptions import RedisError
from sqlalchemy import text, update
from sqlalchemy.exc import InterfaceError, InternalError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from trendcache.db import Database
from trendcache.db.errors import first_line, underlying
from trendcache.db.models import StateEntry
from trendcache.redis_outage import RedisUnavailable

CHECK_INTERVAL_SECONDS = 1.0
# How often a web process checks on its own, so its pages learn of a failure that no
# request ran into (a sync job in another thread failing to write, say).
WATCH_SECONDS = 5.0
# What each dependency is called in plain words, on the pages and in 503 answers.
NAMES = {"database": "the database", "redis": "Redis", "queue": "the job queue"}
# What a lost dependency raises: connection errors, a read-only database, a pool that
# cannot connect in time. Integrity and programming errors are bugs, not outages.
OUTAGES: tuple[type[Exception], ...] = (
    OperationalError,
    InterfaceError,
    InternalError,
    PoolTimeout,
    RedisError,
    RedisUnavailable,
    sqlite3.Error,
)


@dataclass(frozen=True)
class Check:
    ok: bool
    detail: str  # "ok", "read-only: …", "unreachable: …"


def describe(exc: BaseException) -> str:
    """One line about a dependency's failure: read-only, or unreachable and why."""
    if isinstance(exc, RedisUnavailable) and exc.__cause__ is not None:
        original = exc.__cause__  # what redis-py said, without our wrapping
    else:
        original = underlying(exc)
    reason = first_line(original)
    lowered = reason.lower()
    if "read-only" in lowered or "readonly" in lowered:
        return f"read-only: {reason}"
    return f"unreachable: {type(original).__name__}: {reason}"


def dependency_of(exc: BaseException) -> str | None:
    """Which dependency an exception comes from, if it is a dependency failure at all."""
    if isinstance(exc, RedisError | RedisUnavailable):
        return "redis"
    if isinstance(exc, sqlite3.Error):  # raised by the SQLite queue's own storage
        return "queue"
    if isinstance(exc, SQLAlchemyError):
        return "database"
    return None


class Dependencies:
    """The checks of one process, their last results, and failures requests ran into."""

    def __init__(
        self,
        database: Database,
        redis: Redis | None = None,
        *,
        interval: float = CHECK_INTERVAL_SECONDS,
    ) -> None:
        self._checks: dict[str, Callable[[], None]] = {"database": lambda: _database(database)}
        if redis is not None:
            self._checks["redis"] = lambda: _ping(redis)
        self.interval = interval
        self._lock = threading.Lock()
        self._results: dict[str, Check] = {}
        self._checked_at = -interval
        self._stop = threading.Event()
        self._watcher: threading.Thread | None = None

    def watch(self, every: float = WATCH_SECONDS) -> None:
        """Check every `every` seconds in a daemon thread until `stop_watching()`."""
        self._stop.clear()

        def loop() -> None:
            while not self._stop.wait(every):
                self.check()

        self._watcher = threading.Thread(target=loop, name="health-watch", daemon=True)
        self._watcher.start()

    def stop_watching(self) -> None:
        self._stop.set()
        if self._watcher is not None:
            self._watcher.join(timeout=5)
            self._watcher = None

    def add(self, name: str, check: Callable[[], None]) -> None:
        """Another dependency to check (`check` raises when it is not well)."""
        self._checks[name] = check

    @property
    def names(self) -> list[str]:
        return list(self._checks)

    def check(self) -> dict[str, Check]:
        """Every dependency's state, checked now unless that was done within `interval`."""
        with self._lock:
            if time.monotonic() - self._checked_at < self.interval:
                return dict(self._results)
            results = {}
            for name, check in self._checks.items():
                try:
                    check()
                except Exception as exc:
                    results[name] = Check(False, describe(exc))
                else:
                    results[name] = Check(True, "ok")
            self._results, self._checked_at = results, time.monotonic()
            return dict(results)

    def report(self, name: str, exc: BaseException) -> str:
        """A request met `name` failing; until a check finds it well, it counts as down."""
        detail = describe(exc)
        with self._lock:
            self._results[name] = Check(False, detail)
        return detail

    def outage(self) -> str | None:
        """The first known failure in plain words, without checking anything now."""
        with self._lock:
            results = dict(self._results)
        for name, result in results.items():
            if not result.ok:
                return sentence(name, result.detail)
        return None


def sentence(name: str, detail: str) -> str:
    """'The database is read-only (…).': what a page or a 503 says about a failure."""
    state, _, reason = detail.partition(": ")
    words = "is read-only" if state == "read-only" else "is unavailable"
    return f"{NAMES.get(name, name).capitalize()} {words} ({reason})."


def _database(database: Database) -> None:
    """Reads, and takes a write (an UPDATE of no row, rolled back): a database that answers
    but refuses writes (a read-only replica, a read-only file) is not well."""
    with database.session() as session:
        session.execute(text("SELECT 1"))
        session.execute(
            update(StateEntry)
            .where(StateEntry.name == "health.write-check")
            .values(name=StateEntry.name)
        )
        session.rollback()


def _ping(redis: Redis) -> None:
    redis.ping()
