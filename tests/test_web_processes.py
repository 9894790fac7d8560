"""`trendcache web` as an operator runs it: with `--processes 2` on PostgreSQL and Redis,
two web processes answer on one port, and a stale read queues a sync that only a separate
`trendcache worker` runs; on the embedded SQLite queue, more than one process is refused."""

from __future__ import annotations

import signal
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import httpx2
import pytest

from tests.cli.helpers import emulator_env, run
from tests.faults.servers import (
    Server,
    free_port,
    server_env,
    settings_of,
    start_command,
    sync_runs,
    synced_database,
)
from tests.pipeline.helpers import make_stale, runs
from trendcache.db import Database
from trendcache.emulators.spotify import SpotifyEmulator
from trendcache.tasks import TaskQueue

T = TypeVar("T")
WAIT_SECONDS = 90.0  # bounds every wait
CONNECTIONS = 400  # new connections tried, at most, to meet both processes


def wait_for(found: Callable[[], T | None], what: str, processes: list[Server]) -> T:
    deadline = time.monotonic() + WAIT_SECONDS
    while not (value := found()):
        for process in processes:
            assert process.exited() is None, f"a process exited:\n{process.tail()}"
        assert time.monotonic() < deadline, f"not seen in time: {what}"
        time.sleep(0.2)
    return value


def answered_by(url: str) -> tuple[str, int]:
    """On one new connection: which process it reached (`/livez`), and the status of
    `/api/cache/trending` read on that same connection (so from that process)."""
    with httpx2.Client(base_url=url, timeout=10) as client:
        process = client.get("/livez").json()["process"]
        return process, client.get("/api/cache/trending").status_code


def _no_services() -> Any:
    raise AssertionError("the test process runs no task")


@pytest.mark.parametrize(
    ("backend", "processes"), [("postgresql+redis", 2), ("sqlite", 1)], ids=["2-redis", "1-sqlite"]
)
def test_web_processes_serve_and_a_worker_runs_their_queued_sync(
    request: pytest.FixtureRequest,
    spotify_emulator: SpotifyEmulator,
    tmp_path: Path,
    backend: str,
    processes: int,
) -> None:
    """With Redis: two web processes behind one port. On the embedded default: one web
    process and a worker sharing DATA_DIR (the queue and the database are its files)."""
    data_dir = tmp_path / "data"
    if backend == "sqlite":
        data_dir.mkdir()
        url, extra = f"sqlite:///{data_dir / 'trendcache.sqlite3'}", {}
    else:
        url = request.getfixturevalue("postgres_database").url.render_as_string(False)
        request.getfixturevalue("redis_client")  # Redis's test database, emptied
        extra = {"REDIS_URL": request.getfixturevalue("redis_url")}
    env = server_env(spotify_emulator, url, data_dir, **extra)
    synced_database(env)
    database = Database(url)
    make_stale(database)  # before the web processes build their views
    before = sync_runs(url)
    port = free_port()
    web = start_command(
        ["web", "--port", str(port), "--processes", str(processes)],
        env,
        tmp_path / "web",
        interpreter=True,
    )
    worker: Server | None = None
    try:
        web.wait_ready()
        answering: set[str] = set()
        for _ in range(CONNECTIONS if processes > 1 else 5):
            process, status = answered_by(web.url)
            assert status == 200
            answering.add(process)
            if len(answering) == processes > 1:
                break
        assert len(answering) == processes, f"{answering} answered, of {processes}"
        pids = {int(process.rsplit(":", 1)[1]) for process in answering}
        if processes > 1:
            assert web.process.pid not in pids, "the supervisor serves nothing itself"
        else:
            assert pids == {web.process.pid}, "one process: the command's own"

        stale = httpx2.get(f"{web.url}/api/spotify/trending", timeout=10)
        assert stale.status_code == 200 and stale.headers["x-cache"] == "stale"
        queue = TaskQueue(settings_of(env), _no_services)
        assert queue.huey.pending_count() >= 1, "the stale read queued a sync"
        time.sleep(1.5)  # nothing here consumes it: no web process runs the queue
        assert sync_runs(url) == before, "no web process ran a sync"

        worker = start_command(["worker", "--no-schedule"], env, tmp_path / "worker")
        wait_for(lambda: sync_runs(url).get("ok", 0) > before["ok"], "the sync", [web, worker])
        assert [r.trigger for r in runs(database)] == ["cli", "on_demand"]
        assert sync_runs(url) == {"ok": 2}
        wait_for(
            lambda: httpx2.get(f"{web.url}/api/spotify/trending").headers["x-cache"] == "fresh",
            "the web processes serving the new data",
            [web, worker],
        )
    finally:
        web.stop()
        if worker is not None:
            worker.stop()
        database.dispose()
    # uvicorn ends a single process by raising the SIGTERM again once it has shut down.
    assert web.exited() in (0, -signal.SIGTERM), web.tail()
    assert "Traceback" not in web.output(), web.tail()


def test_several_web_processes_on_the_sqlite_queue_are_refused(
    spotify_emulator: SpotifyEmulator, tmp_path: Path
) -> None:
    env = emulator_env(spotify_emulator, DATA_DIR=str(tmp_path / "data"))
    done = run(["web", "--processes", "2"], tmp_path, env)
    assert done.returncode == 2
    [line] = done.stderr.strip().splitlines()
    assert "--processes 2 needs REDIS_URL" in line
    assert done.stdout == ""
