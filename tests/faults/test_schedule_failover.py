"""The schedule without a human rule: two `trendcache worker` processes, both running the
schedule (no `--scheduler` on either), on one database and queue (SQLite in one DATA_DIR;
PostgreSQL with Redis). Each period's `sync_due` and `enrich_due` fire exactly once across
both; SIGKILL the process that fired the latest period, and the other fires the next ones.

The period is SCHEDULE_SECONDS=2 instead of a minute. Who fired what is read from the
workers' own logs at LOG_LEVEL=DEBUG: the claimer logs `schedule: firing TASK for PERIOD`,
whoever ran the queued task `schedule: TASK runs for PERIOD`.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

import pytest

from tests.faults.servers import Server, server_env, start_command, synced_database
from trendcache.emulators.spotify import SpotifyEmulator

T = TypeVar("T")
FIRING = re.compile(r"schedule: firing (\w+) for (\S+)")
RUNS = re.compile(r"schedule: (\w+) runs for (\S+)")
TASKS = ("sync_due", "enrich_due")
WAIT_SECONDS = 90.0  # bounds every wait; a period is 2 s


def fired(worker: Server) -> list[tuple[str, str]]:
    """(task, period) this worker claimed and fired, in order."""
    return [(m[1], m[2]) for m in FIRING.finditer(worker.output())]


def ran(worker: Server) -> list[tuple[str, str]]:
    return [(m[1], m[2]) for m in RUNS.finditer(worker.output())]


def wait_for(found: Callable[[], T | None], what: str, workers: list[Server]) -> T:
    deadline = time.monotonic() + WAIT_SECONDS
    while not (value := found()):
        for worker in workers:
            assert worker.exited() is None, f"a worker exited:\n{worker.tail()}"
        assert time.monotonic() < deadline, f"not seen in time: {what}"
        time.sleep(0.2)
    return value


@pytest.mark.parametrize("backend", ["sqlite", "postgresql+redis"])
def test_one_worker_fires_each_period_and_another_takes_over_when_it_is_killed(
    request: pytest.FixtureRequest,
    spotify_emulator: SpotifyEmulator,
    tmp_path: Path,
    backend: str,
) -> None:
    data_dir = tmp_path / "data"
    extra = {"SCHEDULE_SECONDS": "2", "LOG_LEVEL": "DEBUG"}
    database_url = f"sqlite:///{data_dir / 'trendcache.sqlite3'}"
    if backend == "postgresql+redis":
        database_url = request.getfixturevalue("own_postgres").url
        request.getfixturevalue("redis_client")  # Redis's test database, emptied
        extra["REDIS_URL"] = request.getfixturevalue("redis_url")
    data_dir.mkdir()
    env = server_env(spotify_emulator, database_url, data_dir, **extra)
    synced_database(env)  # fresh: sync_due has nothing to sync, only to be fired
    workers = [
        start_command(["worker", "--workers", "1"], env, tmp_path / f"worker-{index}")
        for index in range(2)
    ]
    try:
        wait_for(
            lambda: all("schedule on" in worker.output() for worker in workers),
            "both workers started",
            workers,
        )
        started = time.time()
        # A few periods with both running (each ticked by both)...
        wait_for(
            lambda: len({p for w in workers for _, p in ran(w) if _after(p, started)}) >= 3,
            "three periods run with both workers up",
            workers,
        )
        holder = wait_for(
            lambda: _latest_holder(workers), "the holder of the latest period", workers
        )
        [survivor] = [w for w in workers if w is not holder]
        holder.kill()
        latest = max(p for t, p in fired(holder) if t == "sync_due")
        # ...then the survivor alone fires (and runs) the next ones.
        wait_for(
            lambda: len({p for t, p in ran(survivor) if t == "sync_due" and p > latest}) >= 2,
            "two periods after the kill",
            [survivor],
        )
        survivor.stop()
    finally:
        for worker in workers:
            worker.stop()

    claims = Counter(fired(holder) + fired(survivor))
    runs = Counter(ran(holder) + ran(survivor))
    assert claims and set(claims.values()) == {1}, f"a period fired twice: {claims}"
    assert set(runs.values()) == {1}, f"a period ran twice: {runs}"
    assert set(runs) <= set(claims), "nothing runs that was not fired"
    assert {task for task, _ in claims} == set(TASKS)
    after = sorted(p for t, p in fired(survivor) if t == "sync_due" and p > latest)
    assert len(after) >= 2, "the survivor fired the periods after the kill"
    for period in after:  # each ran, on the survivor (the holder is gone)
        assert {(task, period) for task in TASKS} <= set(ran(survivor))


def _latest_holder(workers: list[Server]) -> Server | None:
    """The worker that fired the latest period's sync_due so far."""
    periods = [
        (p, index) for index, w in enumerate(workers) for t, p in fired(w) if t == "sync_due"
    ]
    return workers[max(periods)[1]] if periods else None


def _after(period: str, started: float) -> bool:
    """The period (`2026-12-04T14:05:02`, UTC) began after `started` (Unix time)."""
    return datetime.strptime(period, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=UTC).timestamp() > started
