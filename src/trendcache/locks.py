"""Named locks shared by every process: the single-flight guarantee for upstream fetches.

A lock is a lease: it expires unless renewed, so a killed holder never blocks the others
for longer than one lease, and a holder that was a process of this machine which is gone
(`owners.owner_is_dead`) blocks no one at all: its lease is not `held()` and the next
`acquire()` takes it over at once. A claim (`claim()`) is the other kind: taken once, for
something that must happen once (a period of the schedule), never renewed, released or
taken over, dead holder or not; it simply expires. On the database (the embedded default)
a lease is a row claimed with one atomic upsert; with Redis configured it is a Redis key,
and Redis being away raises `RedisUnavailable`.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime, timedelta
from typing import Protocol

from redis import Redis
from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from trendcache.clock import utcnow
from trendcache.db import Database
from trendcache.db.models import Lease
from trendcache.owners import new_owner, owner_is_dead
from trendcache.redis_outage import reaching_redis

log = logging.getLogger(__name__)


# Claims leave a row per name on the database: each claim removes rows this long expired.
FORGET_EXPIRED_SECONDS = 3600.0


def _taking_over(name: str, dead: str) -> None:
    log.warning("lease %s: its holder %s is no longer running; taking it over", name, dead)


class Locks(Protocol):
    def acquire(self, name: str, owner: str, ttl: float) -> bool: ...
    def renew(self, name: str, owner: str, ttl: float) -> bool: ...
    def release(self, name: str, owner: str) -> None: ...
    def held(self, name: str) -> bool: ...
    def claim(self, name: str, owner: str, ttl: float) -> bool: ...


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
        if won is not None:
            return True
        holder = self._holder(name)
        if holder is None or not owner_is_dead(holder[0]):
            return False
        _taking_over(name, holder[0])
        with self.database.writer() as session:  # only if the dead owner still has it
            result = session.execute(
                update(Lease)
                .where(Lease.name == name, Lease.owner == holder[0])
                .values(owner=owner, expires_at=values["expires_at"])
            )
        return bool(getattr(result, "rowcount", 0))

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
        holder = self._holder(name)
        return holder is not None and holder[1] > utcnow() and not owner_is_dead(holder[0])

    def claim(self, name: str, owner: str, ttl: float) -> bool:
        """Take `name` for `ttl` seconds unless anyone holds it, even a dead owner (or
        `owner` itself). Every claim also forgets the rows expired for
        FORGET_EXPIRED_SECONDS, whatever their name: a schedule claims a new name each
        period, and a lease that long expired is as good as gone."""
        now = utcnow()
        values = {"name": name, "owner": owner, "expires_at": now + timedelta(seconds=ttl)}
        insert = pg_insert if not self.database.is_sqlite else sqlite_insert
        statement = (
            insert(Lease)
            .values(values)
            .on_conflict_do_update(
                index_elements=[Lease.name],
                set_={"owner": owner, "expires_at": values["expires_at"]},
                where=Lease.expires_at < now,
            )
        )
        with self.database.writer() as session:
            won = session.execute(statement.returning(Lease.owner)).first()
        try:  # apart: the claim stands whatever happens to the clean-up
            with self.database.writer() as session:
                forgotten = now - timedelta(seconds=FORGET_EXPIRED_SECONDS)
                session.execute(delete(Lease).where(Lease.expires_at < forgotten))
        except Exception as exc:
            log.warning("leases: expired rows not removed (next time): %s", exc)
        return won is not None

    def _holder(self, name: str) -> tuple[str, datetime] | None:
        with self.database.session() as session:
            row = session.execute(
                select(Lease.owner, Lease.expires_at).where(Lease.name == name)
            ).first()
        return (row.owner, row.expires_at) if row is not None else None


class RedisLocks:
    """Leases as Redis keys (SET NX PX), released only by their owner.

    Scripts run with EVAL, not by SHA, so a restarted Redis (which forgets scripts) needs
    nothing reloaded; a restart does forget the leases, as if they had expired.
    """

    _RELEASE = (
        "if redis.call('get', KEYS[1]) == ARGV[1] then "
        "return redis.call('del', KEYS[1]) end return 0"
    )
    _RENEW = (
        "if redis.call('get', KEYS[1]) == ARGV[1] then "
        "return redis.call('pexpire', KEYS[1], ARGV[2]) end return 0"
    )
    _TAKE_OVER = (
        "if redis.call('get', KEYS[1]) == ARGV[1] then "
        "return redis.call('set', KEYS[1], ARGV[2], 'PX', ARGV[3]) end return false"
    )

    def __init__(self, redis: Redis, prefix: str = "trendcache:lock:") -> None:
        self.redis = redis
        self.prefix = prefix

    def acquire(self, name: str, owner: str, ttl: float) -> bool:
        key, milliseconds = self.prefix + name, int(ttl * 1000)
        with reaching_redis():
            if self.redis.set(key, owner, nx=True, px=milliseconds):
                return True
            if self.renew(name, owner, ttl):
                return True
            holder = self._holder(name)
            if holder is None or not owner_is_dead(holder):
                return False
            _taking_over(name, holder)
            return bool(self.redis.eval(self._TAKE_OVER, 1, key, holder, owner, milliseconds))

    def renew(self, name: str, owner: str, ttl: float) -> bool:
        with reaching_redis():
            renewed = self.redis.eval(self._RENEW, 1, self.prefix + name, owner, int(ttl * 1000))
        return bool(renewed)

    def release(self, name: str, owner: str) -> None:
        with reaching_redis():
            self.redis.eval(self._RELEASE, 1, self.prefix + name, owner)

    def held(self, name: str) -> bool:
        holder = self._holder(name)
        return holder is not None and not owner_is_dead(holder)

    def claim(self, name: str, owner: str, ttl: float) -> bool:
        """Take `name` for `ttl` seconds unless anyone holds it, even a dead owner."""
        with reaching_redis():
            return bool(self.redis.set(self.prefix + name, owner, nx=True, px=int(ttl * 1000)))

    def _holder(self, name: str) -> str | None:
        with reaching_redis():
            value = self.redis.get(self.prefix + name)
        if value is None:
            return None
        return value.decode() if isinstance(value, bytes) else str(value)


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
        """Renew every third of the lease; a failed attempt (Redis or the database briefly
        away) is tried again next time, and the lease counts as lost once it ran out."""
        renewed_at = time.monotonic()
        while not self._stop.wait(self.ttl / 3):
            try:
                if not self.locks.renew(self.name, self.owner, self.ttl):
                    self.lost = True
                    return
                renewed_at = time.monotonic()
            except Exception as exc:
                log.warning("lease %s: could not renew it: %s", self.name, exc)
                if time.monotonic() - renewed_at >= self.ttl:
                    self.lost = True
                    return

    def release(self) -> None:
        """Stop renewing and let go; if that fails the lease simply runs out."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        try:
            self.locks.release(self.name, self.owner)
        except Exception as exc:
            log.warning("lease %s: not released (it runs out by itself): %s", self.name, exc)
