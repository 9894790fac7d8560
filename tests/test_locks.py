import itertools
import multiprocessing
import time
from typing import Any

import pytest
from redis import Redis
from sqlalchemy import select

from tests.test_owners import exited_owner
from trendcache.db import Database
from trendcache.db.models import Lease
from trendcache.locks import FORGET_EXPIRED_SECONDS, DatabaseLocks, LeaseKeeper, Locks, RedisLocks
from trendcache.owners import new_owner


def test_only_one_owner_holds_a_lease(locks: Locks) -> None:
    assert locks.acquire("sync", "a", ttl=30)
    assert not locks.acquire("sync", "b", ttl=30)
    assert locks.held("sync")
    assert locks.acquire("sync", "a", ttl=30), "the owner may re-acquire its own lease"
    locks.release("sync", "b")
    assert locks.held("sync"), "only the owner can release"
    locks.release("sync", "a")
    assert not locks.held("sync")
    assert locks.acquire("sync", "b", ttl=30)


def test_an_expired_lease_can_be_taken_over(locks: Locks) -> None:
    assert locks.acquire("sync", "crashed", ttl=0.2)
    time.sleep(0.3)
    assert not locks.held("sync")
    assert locks.acquire("sync", "next", ttl=30)
    assert not locks.renew("sync", "crashed", ttl=30), "a lost lease cannot be renewed"


def test_lease_keeper_renews_while_the_job_runs(locks: Locks) -> None:
    keeper = LeaseKeeper(locks, "long-job", ttl=0.3)
    assert keeper.try_acquire()
    time.sleep(0.8)
    assert locks.held("long-job")
    assert not LeaseKeeper(locks, "long-job", ttl=0.3).try_acquire()
    keeper.release()
    assert not locks.held("long-job")
    assert not keeper.lost


def _contend(
    url: str, redis_url: str | None, name: str, rounds: int, out: "multiprocessing.Queue[Any]"
) -> None:
    database = Database(url)
    locks: Locks = RedisLocks(Redis.from_url(redis_url)) if redis_url else DatabaseLocks(database)
    held: list[tuple[float, float]] = []
    for _ in range(rounds):
        keeper = LeaseKeeper(locks, name, ttl=5)
        if keeper.try_acquire():
            began = time.time()
            time.sleep(0.03)  # hold it while the others try
            held.append((began, time.time()))
            keeper.release()
        time.sleep(0.005)
    out.put(held)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql", "redis"])
def test_processes_never_hold_a_lease_together(
    backend: str, request: pytest.FixtureRequest
) -> None:
    """Four processes contend for one lease; their holding intervals must never overlap."""
    redis_url = request.getfixturevalue("redis_url") if backend == "redis" else None
    fixture = "postgres_database" if backend == "postgresql" else "sqlite_database"
    url = request.getfixturevalue(fixture).url.render_as_string(False)
    context = multiprocessing.get_context("fork")
    out: multiprocessing.Queue[Any] = context.Queue()
    workers = [
        context.Process(target=_contend, args=(url, redis_url, f"race-{backend}", 12, out))
        for _ in range(4)
    ]
    for worker in workers:
        worker.start()
    intervals = sorted(interval for _ in workers for interval in out.get(timeout=60))
    for worker in workers:
        worker.join(10)
    assert len(intervals) >= 4
    for (_, previous_end), (next_start, _) in itertools.pairwise(intervals):
        assert next_start >= previous_end, "two processes held the lease at once"


def test_a_lease_of_an_exited_process_is_taken_over_at_once(locks: Locks) -> None:
    """An owner of this machine whose process is gone holds nothing (not for 30 s more)."""
    assert locks.acquire("sync", exited_owner(), ttl=30)
    assert not locks.held("sync")
    assert locks.acquire("sync", "next", ttl=30)
    assert locks.held("sync")
    assert not locks.acquire("sync", "third", ttl=30), "taken over by one, then held"


def test_a_lease_of_a_live_process_is_respected(locks: Locks) -> None:
    assert locks.acquire("sync", new_owner(), ttl=30)  # this very process: alive
    assert locks.held("sync")
    assert not locks.acquire("sync", "next", ttl=30)


def test_another_hosts_lease_is_respected_until_it_expires(locks: Locks) -> None:
    """We cannot see another machine's processes, whatever its owner says."""
    host, _, token, tag = new_owner().split(":")
    elsewhere = f"other-{host}"[:30] + f":999999:{token}:{tag}"
    assert locks.acquire("sync", elsewhere, ttl=0.5)
    assert locks.held("sync")
    assert not locks.acquire("sync", "next", ttl=30)
    time.sleep(0.6)
    assert locks.acquire("sync", "next", ttl=30)


def test_a_claim_is_taken_once_by_anyone(locks: Locks) -> None:
    assert locks.claim("schedule:job:14:05", "a", ttl=30)
    assert not locks.claim("schedule:job:14:05", "b", ttl=30)
    assert not locks.claim("schedule:job:14:05", "a", ttl=30), "not even by its owner again"
    assert locks.claim("schedule:job:14:06", "b", ttl=30), "another period is another claim"


def test_a_claim_is_never_taken_over_from_a_dead_owner(locks: Locks) -> None:
    """A lease of a dead process is taken over at once; a claim is not: what it stood for
    (a period of the schedule, fired) happened."""
    dead = exited_owner()
    assert locks.claim("schedule:job:14:05", dead, ttl=30)
    assert not locks.claim("schedule:job:14:05", new_owner(), ttl=30)


def test_an_expired_claim_may_be_claimed_again(locks: Locks) -> None:
    assert locks.claim("schedule:job:14:05", "a", ttl=0.2)
    time.sleep(0.3)
    assert locks.claim("schedule:job:14:05", "b", ttl=30)


def test_claims_forget_long_expired_rows(sqlite_database: Database) -> None:
    locks = DatabaseLocks(sqlite_database)
    stale = -(FORGET_EXPIRED_SECONDS + 60)
    assert locks.claim("schedule:job:old", "a", ttl=stale)
    assert locks.acquire("sync", "a", ttl=stale)
    assert locks.claim("schedule:job:recent", "a", ttl=-1)
    assert locks.claim("schedule:job:now", "a", ttl=30)
    with sqlite_database.session() as session:
        names = sorted(session.scalars(select(Lease.name)))
    assert names == ["schedule:job:now", "schedule:job:recent"]
