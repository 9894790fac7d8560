"""Named locks shared by every process: the single-flight guarantee for upstream fetches.

A lock is a lease: it expires unless renewed, so a killed holder never blocks the others
for longer than one lease. On the database (the embedded default) a lease is a row claimed
with one atomic upsert; with Redis configured it is a Redis lock.
"""

from __future__ import annotations

import os
import secrets
import socket
import threading
from datetime import timedelta
from typing import Protocol

from redis import Redis
from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from trendcache.db import Database
from trendcache.db.models import Lease
from trendcache.db.types import utcnow


def new_owner() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(4)}"


class Locks(Protocol):
    def acquire(self, name: str, owner: str, ttl: float) -> bool: ...
    def renew(self, name: str, owner: str, ttl: float) -> bool: ...
    def release(self, name: str, owner: str) -> None: ...
    def held(self, name: str) -> bool: ...


class DatabaseLocks:
    """Leases as rows of the `leases` table; atomic on SQLite and PostgreSQL alike."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def acquire(self, name: str, owner: str, ttl: float) -> bool:
        now = utcnow()
        values = {"name": name, "owner": owner, "expires_at": now + timedelta(seconds=ttl)}
        insert = pg_insert if not self.database.is_sqlite else sqlite_insert
        statement = insert(Lease).values(values)
        statement = statement.on_conflict_do_update(
            index_elements=[Lease.name],
            set_={"owner": owner, "expires_at": values["expires_at"]},
            where=(Lease.expires_at < now) | (Lease.owner == owner),
        )
        with self.database.writer() as session:
            won = session.execute(statement.returning(Lease.owner)).first()
        return won is not None

    def renew(self, name: str, owner: str, ttl: float) -> bool:
        with self.database.writer() as session:
            result = session.execute(
                update(Lease)
                .where(Lease.name == name, Lease.owner == owner)
                .values(expires_at=utcnow() + timedelta(seconds=ttl))
            )
        return bool(getattr(result, "rowcount", 0))

    def release(self, name: str, owner: str) -> None:
        with self.database.writer() as session:
            session.execute(delete(Lease).where(Lease.name == name, Lease.owner == owner))

    def held(self, name: str) -> bool:
        with self.database.session() as session:
            expires = session.scalar(select(Lease.expires_at).where(Lease.name == name))
        return expires is not None and expires > utcnow()


class RedisLocks:
    """Leases as Redis keys (SET NX PX), released only by their owner."""

    _RELEASE = (
        "if redis.call('get', KEYS[1]) == ARGV[1] then "
        "return redis.call('del', KEYS[1]) end return 0"
    )
    _RENEW = (
        "if redis.call('get', KEYS[1]) == ARGV[1] then "
        "return redis.call('pexpire', KEYS[1], ARGV[2]) end return 0"
    )

    def __init__(self, redis: Redis, prefix: str = "trendcache:lock:") -> None:
        self.redis = redis
        self.prefix = prefix

    def acquire(self, name: str, owner: str, ttl: float) -> bool:
        key = self.prefix + name
        if self.redis.set(key, owner, nx=True, px=int(ttl * 1000)):
            return True
        return bool(self.renew(name, owner, ttl))

    def renew(self, name: str, owner: str, ttl: float) -> bool:
        return bool(self.redis.eval(self._RENEW, 1, self.prefix + name, owner, int(ttl * 1000)))

    def release(self, name: str, owner: str) -> None:
        self.redis.eval(self._RELEASE, 1, self.prefix + name, owner)

    def held(self, name: str) -> bool:
        return bool(self.redis.exists(self.prefix + name))


class LeaseKeeper:
    """Holds a lease while a long job runs, renewing it from a background thread."""

    def __init__(self, locks: Locks, name: str, ttl: float = 30.0) -> None:
        self.locks = locks
        self.name = name
        self.ttl = ttl
        self.owner = new_owner()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.lost = False

    def try_acquire(self) -> bool:
        if not self.locks.acquire(self.name, self.owner, self.ttl):
            return False
        self._thread = threading.Thread(target=self._renew, name=f"lease:{self.name}", daemon=True)
        self._thread.start()
        return True

    def _renew(self) -> None:
        while not self._stop.wait(self.ttl / 3):
            if not self.locks.renew(self.name, self.owner, self.ttl):
                self.lost = True
                return

    def release(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self.locks.release(self.name, self.owner)
