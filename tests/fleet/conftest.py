"""The fleet: one PostgreSQL, one Redis, both emulators, 3 `trendcache web` processes and
2 `trendcache worker` processes (each a real process started by the CLI), and nginx in
front of the web processes, round-robin. One fleet per module (`fleet`), started once.

Processes are forked from the test process (`tests/faults/servers.py`: the same
`trendcache.cli.main`, without paying for a new interpreter each). nginx runs from a
config of its own in a temporary folder (pid, logs and temp paths there) on a free port.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import httpx2
import pytest
from redis import Redis
from sqlalchemy import func, select

from tests.faults.servers import Server, free_port, server_env, start_command, synced_database
from tests.fixtures.database import throwaway_postgres
from tests.fixtures.musicbrainz import USER_AGENT
from tests.fleet.nginx import Nginx, start_nginx
from trendcache.db import Database
from trendcache.db.models import EnrichmentState
from trendcache.emulators.musicbrainz import MusicBrainzEmulator
from trendcache.emulators.spotify import SpotifyEmulator

T = TypeVar("T")
WEB_PROCESSES = 3
WORKERS = 2
WAIT_SECONDS = 60.0  # bounds every wait
# MusicBrainz's limit in the fleet (and the emulator's): 1 req/s in production; faster
# here so that enriching the fleet's albums fits the module's time, counted the same way.
MUSICBRAINZ_RATE = 4.0
LISTING = "/browse/new-releases"  # a Spotify listing page
BATCH_SIZE = 8  # small batches, so both workers enrich at once
CLAIMED = re.compile(r"enrichment batch (\w+) claimed")
FINISHED = re.compile(r"enrichment batch (\w+): \{")


def wait_for(found: Callable[[], T | None], what: str, processes: list[Server]) -> T:
    """`found()` once it is truthy; fails after WAIT_SECONDS, or when a process exited."""
    deadline = time.monotonic() + WAIT_SECONDS
    while not (value := found()):
        for process in processes:
            assert process.exited() is None, f"a process exited:\n{process.tail()}"
        assert time.monotonic() < deadline, f"not seen in {WAIT_SECONDS:.0f} s: {what}"
        time.sleep(0.05)
    return value


def fleet_env(
    spotify: SpotifyEmulator,
    musicbrainz: MusicBrainzEmulator,
    database_url: str,
    redis_url: str,
    data_dir: Path,
    **extra: str,
) -> dict[str, str]:
    """Every setting a fleet process runs with (the workers'; web processes log less),
    `extra` over them."""
    settings = {
        "REDIS_URL": redis_url,
        "ENABLE_ENRICHMENT": "true",
        "MUSICBRAINZ_BASE_URL": musicbrainz.base_url,
        "MUSICBRAINZ_USER_AGENT": USER_AGENT,
        "MUSICBRAINZ_RATE": str(MUSICBRAINZ_RATE),
        "LISTENBRAINZ_ENABLED": "false",  # no test reaches the internet
        "ENRICHMENT_BATCH_SIZE": str(BATCH_SIZE),
        "SCHEDULE_SECONDS": "2",
        # Syncs only when a web request asks (the schedule still fires `sync_due`).
        "ENABLE_BACKGROUND_SYNC": "false",
        "LOG_LEVEL": "DEBUG",  # the workers' schedule and batch lines
    }
    return server_env(spotify, database_url, data_dir, **{**settings, **extra})


def seen_within(views: list[str], synced: dict[str, Any], within: float) -> dict[str, float]:
    """Seconds after which each of `views` (`/api/cache/trending` URLs) served the sync
    answered as `synced`, polled for at most `within` seconds; a view missing did not."""
    answered = time.monotonic()
    seen: dict[str, float] = {}
    while len(seen) < len(views) and time.monotonic() - answered < within:
        for view in views:
            if view not in seen:
                body = httpx2.get(view, timeout=within).json()
                if body["fetchedAt"] == synced["fetchedAt"] and not body["stale"]:
                    seen[view] = time.monotonic() - answered
        time.sleep(0.02)
    return seen


@dataclass
class Fleet:
    """The running fleet and what it runs against."""

    env: dict[str, str]
    web_env: dict[str, str]
    database_url: str
    database: Database
    redis: Redis
    spotify: SpotifyEmulator
    musicbrainz: MusicBrainzEmulator
    folder: Path
    one_sync_listings: int  # listing requests one sync sends Spotify
    web: list[Server] = field(default_factory=list)
    workers: list[Server] = field(default_factory=list)  # running
    every_worker: list[Server] = field(default_factory=list)  # killed ones too, for their logs
    nginx: Nginx | None = None

    @property
    def url(self) -> str:
        """nginx, in front of every web process."""
        assert self.nginx is not None
        return self.nginx.url

    @property
    def processes(self) -> list[Server]:
        return [*self.web, *self.workers]

    def start_workers(self, count: int = 1) -> list[Server]:
        """`count` more `trendcache worker` processes, started together (each logs to
        `worker-N.log` in a folder of its own)."""
        started = []
        for _ in range(count):
            folder = self.folder / f"worker-{len(list(self.folder.glob('worker-*')))}"
            started.append(start_command(["worker", "--workers", "2"], self.env, folder))
        self.workers += started
        self.every_worker += started
        wait_for(
            lambda: all("schedule on" in worker.output() for worker in started),
            "the workers started",
            started,
        )
        return started

    def top_up(self) -> None:
        """Workers started until WORKERS run again (as systemd restarts a killed one)."""
        if len(self.workers) < WORKERS:
            self.start_workers(WORKERS - len(self.workers))

    def albums(self) -> dict[str, int]:
        """enrichment_state rows by status."""
        return albums_by_status(self.database)

    def stop(self) -> None:
        """terminate → wait → kill, every process (nginx first, so nothing new arrives)."""
        if self.nginx is not None:
            self.nginx.stop()
        for process in self.processes:
            process.stop()


def albums_by_status(database: Database) -> dict[str, int]:
    """enrichment_state rows by status."""
    with database.session() as session:
        rows = session.execute(
            select(EnrichmentState.status, func.count()).group_by(EnrichmentState.status)
        )
        return {status: int(count) for status, count in rows}


def claimed_count(database: Database) -> int:
    """Albums in a claimed batch (an enrichment under way, or orphaned by a killed worker)."""
    with database.session() as session:
        query = select(func.count()).where(EnrichmentState.batch_id.is_not(None))
        return int(session.scalar(query.select_from(EnrichmentState)) or 0)


def _process(url: str) -> str:
    """Which process answered (`/livez` names it)."""
    return str(httpx2.get(f"{url}/livez", timeout=10).json()["process"])


def claimed(worker: Server) -> list[str]:
    """Enrichment batches this worker claimed, in order."""
    return CLAIMED.findall(worker.output())


def finished(worker: Server) -> list[str]:
    """Enrichment batches this worker finished (decided or handed back), in order."""
    return FINISHED.findall(worker.output())


@pytest.fixture(scope="module")
def fleet(
    _spotify_emulator_server: SpotifyEmulator,
    _musicbrainz_emulator_server: MusicBrainzEmulator,
    redis_url: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Fleet]:
    spotify, musicbrainz = _spotify_emulator_server, _musicbrainz_emulator_server
    spotify.reset()
    spotify.tier = "extended"
    spotify.stats.clear()
    musicbrainz.reset()
    musicbrainz.requests_per_second = MUSICBRAINZ_RATE
    folder = tmp_path_factory.mktemp("fleet")
    redis = Redis.from_url(redis_url)
    redis.flushdb()
    with throwaway_postgres(f"trendcache_fleet_{os.getpid()}") as (database_url, _admin):
        data_dir = folder / "data"
        data_dir.mkdir()
        env = fleet_env(spotify, musicbrainz, database_url, redis_url, data_dir)
        web_env = {**env, "LOG_LEVEL": "WARNING"}
        synced_database(env)  # albums to enrich, queued by the sync
        fleet = Fleet(
            env,
            web_env,
            database_url,
            Database(database_url),
            redis,
            spotify,
            musicbrainz,
            folder,
            spotify.stats.count(LISTING),
        )
        try:
            for _ in range(WEB_PROCESSES):
                port = free_port()
                fleet.web.append(
                    start_command(["web", "--port", str(port)], web_env, folder / f"web-{port}")
                )
            for web in fleet.web:
                web.wait_ready()
            fleet.nginx = start_nginx([web.url for web in fleet.web], folder / "nginx")
            behind = {_process(fleet.url) for _ in range(2 * WEB_PROCESSES)}
            assert behind == {_process(web.url) for web in fleet.web}, "nginx spreads requests"
            fleet.start_workers(WORKERS)
            yield fleet
        finally:
            fleet.stop()
            fleet.database.dispose()
            redis.flushdb()
            redis.close()
            spotify.reset()
            musicbrainz.reset()
