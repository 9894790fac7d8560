"""The fault scenarios that held, as functions of their size: run small by the tests in
`tests/faults/`, big by `benchmarks/faults.py`, measured the same way in both.

Each runs real `trendcache serve` processes (see `servers.py`) against the Spotify emulator
of the calling process, whose fault switches and request log stand for Spotify, and
returns what an operator would measure: reads answered, reads failed, requests that
reached Spotify, sync runs, and what the server said about it.

- `outage_under_load`: Spotify down (connections dropped, 503s or too slow to answer) while
  stale data is read hard: every read answered with data, the failure reported, one failed
  sync and then backoff.
- `single_flight`: two servers on one database (and Redis) and a burst of anonymous
  waiting `/api/spotify/sync` calls across both: one sync's worth of upstream requests.
- `quota_pause`: a 429 quota answer pauses syncing; status and page say so, and neither
  reads nor the scheduler send anything to Spotify until the pause ends.

Tests fork their servers from the test process (fast, see `servers.start_server`); the
benchmark passes `interpreter=True` for `python -m trendcache serve` in a new interpreter.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any, Literal

import httpx2
from sqlalchemy import select

from tests.faults.load import Burst, burst, marker_of
from tests.faults.servers import (
    server_env,
    serving,
    settings_of,
    sync_runs,
    synced_database,
)
from tests.pipeline.helpers import make_stale
from trendcache.db import Database
from trendcache.db.models import SyncRun
from trendcache.emulators.spotify import SpotifyEmulator
from trendcache.pipeline.sync.syncer import FAILURE_BACKOFF_SECONDS
from trendcache.services import Services
from trendcache.tasks import DEBOUNCE_SECONDS, TaskQueue

Outage = Literal["outage", "server_error", "slow"]
READ_PATHS = ("/api/cache/trending", "/", "/api/spotify/trending?market=US", "/api/status")
SYNC_PATH = "/api/spotify/sync?wait=true"
LISTING = "/browse/new-releases"
ERROR = re.compile(rb'"error":(null|"[^"]*")')  # a sync answer's `error`, as sent
# A `slow` Spotify answers later than our client waits.
SLOW_TIMEOUT_SECONDS = 0.5
SLOW_SECONDS = 2.0


@dataclass
class Figures:
    """One scenario's measurements: a row of `benchmarks/faults.py`'s table."""

    scenario: str
    requests: int  # reads (or sync calls) sent to our servers
    failures: int  # of those, not a 200 with data
    upstream: int  # requests that reached (or were dropped by) Spotify
    syncs: dict[str, int]  # sync runs the scenario made, by status
    seconds: float
    examples: list[str] = field(default_factory=list)  # first failed reads
    details: dict[str, Any] = field(default_factory=dict)  # what the tests assert on
    latencies: list[float] = field(default_factory=list)  # of every request, in seconds

    def count(self, outcome: Burst) -> None:
        self.requests += outcome.requests
        self.failures += outcome.failures
        self.examples += outcome.examples
        self.latencies += outcome.latencies

    def percentile(self, share: float) -> float:
        """Seconds that `share` (0-1) of the requests took at most."""
        return Burst(latencies=self.latencies).percentile(share)


def _fresh(emulator: SpotifyEmulator) -> None:
    emulator.reset()
    emulator.tier = "extended"


def _new_runs(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    runs = {status: after[status] - before.get(status, 0) for status in after}
    return {status: count for status, count in sorted(runs.items()) if count}


def _make_stale(database_url: str) -> None:
    database = Database(database_url)
    try:
        make_stale(database)
    finally:
        database.dispose()


def _stale_server(
    emulator: SpotifyEmulator, folder: Path, database_url: str | None
) -> tuple[str, dict[str, str], dict[str, int]]:
    """A synced database made stale, the environment of a server on it, and its sync runs
    by status so far."""
    _fresh(emulator)
    url = database_url or _sqlite(folder)
    env = server_env(emulator, url, folder / "data")
    synced_database(env)
    _make_stale(url)
    return url, env, sync_runs(url)


def _sqlite(folder: Path) -> str:
    return f"sqlite:///{folder / 'trendcache.sqlite3'}"


def _wait_for(condition: Callable[[], Any], timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout:.0f} s")
        time.sleep(0.1)


def _get(url: str) -> Any:
    response = httpx2.get(url, timeout=30)
    assert response.status_code == 200, (url, response.status_code, response.text[:300])
    return response.json()


def _arm(emulator: SpotifyEmulator, fault: Outage) -> dict[str, str]:
    """Switch Spotify into `fault`; the server settings that fault needs."""
    if fault == "outage":
        emulator.faults.outage = True  # every connection dropped, the token endpoint's too
    elif fault == "server_error":
        emulator.faults.server_error(503, count=None)
    else:
        emulator.faults.slow(SLOW_SECONDS, count=None)
        return {"SPOTIFY_TIMEOUT_SECONDS": str(SLOW_TIMEOUT_SECONDS)}
    return {}


def outage_under_load(
    emulator: SpotifyEmulator,
    folder: Path,
    *,
    fault: Outage = "outage",
    reads: int = 2000,
    connections: int = 16,
    database_url: str | None = None,
    interpreter: bool = False,
) -> Figures:
    """Stale data, Spotify failing, `reads` concurrent reads while the server's sync fails;
    then more reads and an anonymous sync, which must back off."""
    url, env, before = _stale_server(emulator, folder, database_url)
    env.update(_arm(emulator, fault))
    emulator.stats.clear()
    figures = Figures(f"outage under load ({fault})", 0, 0, 0, {}, 0.0)
    began = time.monotonic()
    with serving(env, folder=folder, interpreter=interpreter) as [server]:
        started = time.monotonic()
        urls = [server.url + path for path in READ_PATHS]
        # The server found the data stale as it started: its sync is failing now, and
        # `/api/status` says it runs (`refreshing`) while Spotify's failures are retried.
        during: list[str] = []

        def answered(url: str, body: bytes) -> bool:
            if url.endswith("/api/status") and b'"refreshing":true' in body:
                during.append(url)
            return marker_of(url) in body

        figures.count(burst(urls, reads, connections, check=answered))
        view = _wait_for(
            lambda: (body := _get(f"{server.url}/api/cache/trending"))["error"] and body,
            60,
            "the failed sync reported in the cached view",
        )
        failed_upstream = emulator.stats.total
        # Backing off: stale reads keep asking for syncs (each process queues one at most
        # every DEBOUNCE_SECONDS, the start-up's first), an anonymous caller waits for one.
        time.sleep(max(0.0, started + DEBOUNCE_SECONDS + 0.2 - time.monotonic()))
        figures.count(burst(urls, max(100, reads // 10), connections))
        answer = _get(f"{server.url}{SYNC_PATH}")
        time.sleep(1.5)  # a queued sync starts within huey's 1 s poll
        figures.details = {
            "error": view["error"],
            "stale": view["stale"],
            "sync_answer": answer,
            "upstream_at_failure": failed_upstream,
            "status_reads_during_sync": len(during),
            "page": httpx2.get(f"{server.url}/", timeout=30).text,
        }
    figures.seconds = time.monotonic() - began
    figures.upstream = emulator.stats.total
    figures.syncs = _new_runs(before, sync_runs(url))
    _fresh(emulator)
    return figures


def single_flight(
    emulator: SpotifyEmulator,
    folder: Path,
    *,
    calls: int = 200,
    database_url: str | None = None,
    redis_url: str | None = None,
    latency: float = 0.05,
    label: str = "",
    interpreter: bool = False,
) -> Figures:
    """Two servers on one database (and Redis); the data goes stale under them; `calls`
    anonymous `/api/spotify/sync?wait=true` at once, spread across both."""
    _fresh(emulator)
    url = database_url or _sqlite(folder)
    extra = {"REDIS_URL": redis_url} if redis_url else {}
    envs = [server_env(emulator, url, folder / f"data-{n}", **extra) for n in "ab"]
    emulator.stats.clear()
    synced_database(envs[0])
    one_sync = emulator.stats.count(LISTING)
    figures = Figures(f"single flight, 2 servers, {label or 'SQLite'}", 0, 0, 0, {}, 0.0)
    began = time.monotonic()
    with serving(*envs, folder=folder, interpreter=interpreter) as servers:
        _make_stale(url)
        before = sync_runs(url)
        emulator.stats.clear()
        emulator.faults.latency = latency  # a sync long enough for the burst to meet it
        outcome = burst(
            [server.url + SYNC_PATH for server in servers], calls, calls, keep_bodies=True
        )
        figures.count(outcome)
        figures.syncs = _new_runs(before, sync_runs(url))
    figures.seconds = time.monotonic() - began
    figures.upstream = emulator.stats.total
    errors = [m.group(1).decode() for b in outcome.bodies if (m := ERROR.search(b))]
    figures.details = {
        "listing_requests": emulator.stats.count(LISTING),
        "one_sync_listing_requests": one_sync,
        "errors": errors,
    }
    _fresh(emulator)
    return figures


def age_runs(database_url: str, by: timedelta) -> None:
    """Move every sync run back in time, as if `by` had passed since it ran."""
    database = Database(database_url)
    try:
        with database.writer() as session:
            for run in session.scalars(select(SyncRun)):
                run.started_at -= by
                run.finished_at = run.finished_at and run.finished_at - by
    finally:
        database.dispose()


def scheduler_tick(env: Mapping[str, str]) -> list[str]:
    """Do what the schedule does each period (for the one process that claimed it), on
    the server's own queue (DATA_DIR's SQLite file): fire every scheduled task (`sync_due`
    and `enrich_due`). Returns their names once the server's consumer has taken them all."""
    queue = TaskQueue(settings_of(env), _no_services)
    for name in queue.scheduled:
        queue.fire(name, "test")
    _wait_for(lambda: queue.huey.pending_count() == 0, 30, "the server taking the scheduled tasks")
    return sorted(queue.scheduled)


def _no_services() -> Services:
    raise AssertionError("the test process runs no task")


def quota_pause(
    emulator: SpotifyEmulator,
    folder: Path,
    *,
    reads: int = 100,
    connections: int = 8,
    database_url: str | None = None,
    interpreter: bool = False,
) -> Figures:
    """Spotify answers 429 QUOTA_EXCEEDED to the stale server's first sync; then Spotify is
    healthy again and the failure older than any backoff, but until the pause ends nothing
    may reach Spotify: not `reads` page and API reads (anonymous waiting syncs among them),
    not the scheduler's minute job."""
    url, env, before = _stale_server(emulator, folder, database_url)
    emulator.faults.quota_exceeded(retry_after=50_000, count=None)
    emulator.stats.clear()
    figures = Figures("quota pause", 0, 0, 0, {}, 0.0)
    began = time.monotonic()
    with serving(env, folder=folder, interpreter=interpreter) as [server]:
        # Starting on stale data, the server queued a sync (and its scheduler one more).
        started = time.monotonic()
        status = _wait_for(
            lambda: (body := _get(f"{server.url}/api/status"))["pausedUntil"] and body,
            60,
            "the pause shown by /api/status",
        )
        page = _wait_for(  # the page renders from a snapshot that follows the database
            lambda: (
                "syncing resumes at" in (text := httpx2.get(server.url, timeout=30).text) and text
            ),
            15,
            "the page showing the pause",
        )
        at_pause = emulator.stats.total
        emulator.faults.clear()  # from here on, any request would be answered (and counted)
        # An hour and more later: failures no longer back off, only the pause holds.
        age_runs(url, timedelta(seconds=FAILURE_BACKOFF_SECONDS[-1] + 60))
        paths = [*READ_PATHS, SYNC_PATH, "/fragments/status"]
        urls = [server.url + path for path in paths]
        figures.count(burst(urls, reads // 2, connections))
        ticked = scheduler_tick(env)
        # Stale reads queue a sync, but not within DEBOUNCE_SECONDS of the last one asked
        # for (the start-up's): read again once they do.
        time.sleep(max(0.0, started + DEBOUNCE_SECONDS + 0.2 - time.monotonic()))
        figures.count(burst(urls, reads - reads // 2, connections))
        time.sleep(1.5)  # a queued sync starts within huey's 1 s poll; a fetch shows by now
        after = _get(f"{server.url}/api/status")
    figures.seconds = time.monotonic() - began
    figures.upstream = emulator.stats.total
    figures.syncs = _new_runs(before, sync_runs(url))
    figures.details = {
        "status": status,
        "status_after": after,
        "page": page,
        "upstream_at_pause": at_pause,
        "quota_answers": emulator.stats.count(LISTING, status=429),
        "scheduled": ticked,
    }
    _fresh(emulator)
    return figures
