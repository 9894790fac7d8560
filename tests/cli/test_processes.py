"""`trendcache serve` and `trendcache worker` as an operator runs them: real processes
(`trendcache web`: tests/test_web_processes.py; two workers sharing the schedule:
tests/faults/test_schedule_failover.py)."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import httpx2
import pytest

from tests.cli.helpers import COMMAND, _env, emulator_env, free_port, listenbrainz_env, run
from tests.pipeline.helpers import cache_row, runs
from trendcache.db import Database
from trendcache.emulators.spotify import SpotifyEmulator
from trendcache.pipeline.heartbeats import read_heartbeats
from trendcache.pipeline.keys import trending_key
from trendcache.services import Services
from trendcache.tasks import TaskQueue

T = TypeVar("T")


@contextmanager
def running_worker(tmp_path: Path, env: dict[str, str]) -> Iterator[subprocess.Popen[str]]:
    """`trendcache worker` with one thread, stopped afterwards."""
    worker = subprocess.Popen(
        [*COMMAND, "worker", "--workers", "1"],
        cwd=tmp_path,
        env=_env(env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        yield worker
    finally:
        worker.terminate()
        worker.wait(20)


def wait_while_alive(worker: subprocess.Popen[str], found: Callable[[], T | None], what: str) -> T:
    """What `found` returns once it is truthy; fails if the worker dies or a minute passes."""
    deadline = time.monotonic() + 60
    while not (value := found()):
        assert worker.poll() is None, worker.stdout.read() if worker.stdout else ""
        assert time.monotonic() < deadline, f"the worker never {what}"
        time.sleep(0.1)
    return value


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], str]]:
    port = free_port()
    process = subprocess.Popen(
        [*COMMAND, "serve", "--port", str(port)],
        cwd=tmp_path,
        env=_env({"DATA_DIR": str(tmp_path / "data")}),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    yield process, f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(20)


def test_serve_without_credentials_runs_the_demo_and_fills_the_page(
    server: tuple[subprocess.Popen[str], str],
) -> None:
    process, url = server
    assert process.stdout is not None
    notice = ""
    while "demo data" not in notice:
        line = process.stdout.readline()
        assert line, "serve exited before announcing the demo"
        notice = line
    assert "built-in Spotify emulator" in notice
    deadline = time.monotonic() + 60
    body: dict[str, Any] = {}
    while time.monotonic() < deadline and not body.get("newReleases"):
        try:
            body = httpx2.get(f"{url}/api/cache/trending", timeout=2).json()
        except httpx2.TransportError:
            time.sleep(0.1)
    assert body["newReleases"], "the first sync filled the cache by itself"
    page = httpx2.get(url, timeout=5)
    assert page.status_code == 200
    assert body["newReleases"][0]["name"].replace("'", "&#39;") in page.text
    assert "Demo data" in page.text


def test_serve_syncs_each_stale_source_at_start(
    tmp_path: Path, spotify_emulator: SpotifyEmulator, listenbrainz_emulator: Any
) -> None:
    env = emulator_env(
        spotify_emulator,
        DATA_DIR=str(tmp_path / "data"),
        ENABLE_ENRICHMENT="false",
        ENABLE_BACKGROUND_SYNC="false",  # only serve's own first syncs
        **listenbrainz_env(listenbrainz_emulator),
    )
    port = free_port()
    process = subprocess.Popen(
        [*COMMAND, "serve", "--port", str(port)],
        cwd=tmp_path,
        env=_env(env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    database = Database(f"sqlite:///{tmp_path / 'data' / 'trendcache.sqlite3'}")
    try:

        def synced() -> set[str] | None:
            try:
                done = {r.source for r in runs(database) if r.status == "ok"}
            except Exception:  # not migrated yet
                return None
            return done if done == {"spotify", "listenbrainz"} else None

        wait_while_alive(process, synced, "synced both sources")
        assert {r.trigger for r in runs(database)} == {"on_demand"}
    finally:
        process.terminate()
        process.wait(20)
        database.dispose()


def test_worker_processes_the_redis_queue_on_postgresql(
    tmp_path: Path,
    spotify_emulator: SpotifyEmulator,
    make_services: Any,
    postgres_database: Any,
    redis_client: Any,
    redis_url: str,
) -> None:
    services: Services = make_services(postgres_database, redis_url=redis_url)
    env = emulator_env(
        spotify_emulator,
        DATABASE_URL=services.settings.resolved_database_url,
        REDIS_URL=redis_url,
        DATA_DIR=str(tmp_path / "data"),
    )
    with running_worker(tmp_path, env) as worker:
        TaskQueue(services.settings, lambda: services).request_sync("api")
        wait_while_alive(worker, lambda: cache_row(services.database, trending_key()), "synced")


def test_a_running_worker_records_its_heartbeat(
    tmp_path: Path, spotify_emulator: SpotifyEmulator, make_services: Any, database: Database
) -> None:
    services: Services = make_services(database)
    env = emulator_env(
        spotify_emulator,
        DATABASE_URL=services.settings.resolved_database_url,
        DATA_DIR=str(tmp_path / "data"),
        ENABLE_BACKGROUND_SYNC="false",
    )
    with running_worker(tmp_path, env) as worker:
        beats = wait_while_alive(
            worker, lambda: read_heartbeats(services.database), "recorded a heartbeat"
        )
    assert [(beat.worker.rsplit(":", 1)[1], beat.role) for beat in beats] == [
        (str(worker.pid), "worker")
    ]


def test_every_worker_runs_the_schedule_and_scheduler_is_only_accepted(tmp_path: Path) -> None:
    help_text = " ".join(run(["worker", "--help"], tmp_path).stdout.split())
    assert "--schedule" in help_text and "--no-schedule" in help_text
    assert "--scheduler" in help_text and "No longer needed" in help_text
    assert "--processes" in run(["web", "--help"], tmp_path).stdout
    old_command = run(["worker", "--scheduler"], tmp_path, {"DATA_DIR": str(tmp_path / "data")})
    assert old_command.returncode == 2
    assert "needs SPOTIFY_CLIENT_ID" in old_command.stderr, "parsed: only credentials lack"
