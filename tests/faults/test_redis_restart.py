"""Redis restarts, fails over or goes away: the limit, the lease and the queue carry on.

Redis keeps Lua scripts in memory only, so a restart (or SCRIPT FLUSH, or a failover to a
replica) forgets them; the limiter used to call its script by SHA and failed every sync
with NoScriptError until the process restarted. While Redis is down a sync records why and
backs off; once it is back the next sync works, in the same process.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from huey import RedisHuey
from redis import Redis

from tests.faults.redis_server import RedisServer
from tests.fixtures.app import ServicesFactory
from tests.pipeline.helpers import make_stale, runs
from trendcache.config import Settings
from trendcache.db import Database
from trendcache.emulators.spotify import SpotifyEmulator
from trendcache.locks import LeaseKeeper, RedisLocks
from trendcache.ratelimit import per_second, shared_limiter
from trendcache.redis_outage import RedisUnavailable, redis_problem

DOWN = "Redis (REDIS_URL) is unavailable"


def _settings(tmp_path: Path, redis_url: str) -> Settings:
    return Settings(_env_file=None, data_dir=tmp_path, redis_url=redis_url)  # type: ignore[call-arg]


def test_the_limiter_works_again_after_script_flush(
    redis_server: RedisServer, tmp_path: Path
) -> None:
    """SCRIPT FLUSH is what a restart or failover does to scripts (on a Redis of our own:
    scripts are server-wide, and the shared one serves other tests)."""
    limiter = shared_limiter("flush", [per_second(100, 1)], _settings(tmp_path, redis_server.url))
    client = Redis.from_url(redis_server.url)
    limiter.wait(timeout=1)
    client.script_flush()

    for _ in range(3):
        limiter.wait(timeout=1)

    assert client.zcard("trendcache:rate:flush") == 4, "every slot was recorded"
    client.close()


def test_limiter_locks_and_queue_work_again_after_a_restart(
    redis_server: RedisServer, tmp_path: Path
) -> None:
    limiter = shared_limiter("restart", [per_second(100, 1)], _settings(tmp_path, redis_server.url))
    client = Redis.from_url(redis_server.url)
    locks = RedisLocks(client)
    huey = RedisHuey("trendcache-restart", url=redis_server.url, results=False)
    echo = huey.task()(lambda value: value)
    limiter.wait(timeout=1)
    assert locks.acquire("sync", "before", ttl=30)
    echo(1)
    assert huey.pending_count() == 1
    keeper = LeaseKeeper(locks, "job", ttl=0.3)
    assert keeper.try_acquire()

    redis_server.kill()
    started = time.monotonic()
    with pytest.raises(RedisUnavailable, match=r"Redis \(REDIS_URL\) is unavailable"):
        limiter.wait(timeout=1)
    with pytest.raises(RedisUnavailable):
        locks.held("sync")
    assert time.monotonic() - started < 5, "an outage is reported, not waited out"
    assert redis_problem(client) is not None
    time.sleep(0.45)  # the keeper's renewals fail meanwhile: logged, tried again
    keeper.release()  # the lease runs out by itself: no error for the job that held it

    redis_server.start()  # empty: no keys, no scripts
    for _ in range(3):
        limiter.wait(timeout=1)
    assert redis_problem(client) is None
    assert not locks.held("sync"), "the restart forgot the lease"
    assert locks.acquire("sync", "after", ttl=30)
    assert locks.renew("sync", "after", ttl=30)
    locks.release("sync", "after")
    echo(2)
    assert huey.pending_count() == 1
    assert len(huey.read_schedule(None)) == 0  # huey's own script, loaded again by redis-py
    client.close()


def test_a_sync_records_a_redis_outage_and_recovers_after_the_restart(
    redis_server: RedisServer,
    make_services: ServicesFactory,
    sqlite_database: Database,
    spotify_emulator: SpotifyEmulator,
) -> None:
    services = make_services(sqlite_database, redis_url=redis_server.url)
    assert services.syncer.sync("schedule").source == "fresh"
    make_stale(sqlite_database)

    redis_server.kill()
    down = services.syncer.sync("schedule")
    again = services.syncer.sync("schedule")  # the next minute's automatic trigger

    assert down.source == "cache" and down.error is not None and DOWN in down.error
    assert [(run.status, run.error) for run in runs(sqlite_database)][-1] == ("failed", down.error)
    assert again.error is not None and "next try within" in again.error, "it backs off"
    assert len(runs(sqlite_database)) == 2, "the backoff started no new run"

    redis_server.start()
    requests_before = len(spotify_emulator.stats.requests)
    back = services.syncer.sync("cli", force=True)  # `sync --force`: past the backoff

    assert back.source == "fresh" and back.error is None
    assert len(spotify_emulator.stats.requests) > requests_before


def test_a_process_started_while_redis_is_down_syncs_once_it_is_up(
    redis_server: RedisServer, make_services: ServicesFactory, sqlite_database: Database
) -> None:
    redis_server.kill()
    services = make_services(sqlite_database, redis_url=redis_server.url)

    down = services.syncer.sync("cli")
    assert down.error is not None and DOWN in down.error

    redis_server.start()
    assert services.syncer.sync("cli", force=True).source == "fresh"
