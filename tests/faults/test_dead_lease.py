"""A syncing process killed with SIGKILL mid-sync: its lease dies with it.

It used to hold the sync lease until it ran out (30 s): `/api/status` said a sync was
running all that time and the next sync waited for it. A lease whose holder was a process
of this machine that is gone is now recognised at once, on both databases and on Redis;
while the holder lives, its lease is respected as before.
"""

from __future__ import annotations

import multiprocessing
import time
from multiprocessing.process import BaseProcess

import pytest

from tests.fixtures.app import FAST_RETRIES, ServicesFactory
from tests.pipeline.helpers import runs
from trendcache.config import Settings
from trendcache.db import Database
from trendcache.emulators.spotify import SpotifyEmulator
from trendcache.pipeline.sync.status import read_status
from trendcache.services import Services
from trendcache.spotify.connector import SpotifyConnector

STARTUP_SECONDS = 30.0
NEW_RELEASES = "/browse/new-releases"


def _sync_in_child(settings: Settings) -> None:
    services = Services(settings, connector=SpotifyConnector(settings, retry=FAST_RETRIES))
    services.syncer.sync("cli")


def start_sync_process(settings: Settings) -> BaseProcess:
    """A process of its own (forked: no second start-up of the interpreter) that syncs."""
    child = multiprocessing.get_context("fork").Process(target=_sync_in_child, args=(settings,))
    child.start()
    return child


def wait_until_running(database: Database, child: BaseProcess) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while not any(run.status == "running" for run in runs(database)):
        assert child.is_alive(), "the sync process ended before it was killed"
        assert time.monotonic() < deadline, "the sync process never started its sync"
        time.sleep(0.05)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql", "redis"])
def test_a_killed_syncs_lease_is_taken_over_at_once(
    backend: str,
    request: pytest.FixtureRequest,
    make_services: ServicesFactory,
    spotify_emulator: SpotifyEmulator,
) -> None:
    database: Database = request.getfixturevalue(
        "postgres_database" if backend == "postgresql" else "sqlite_database"
    )
    overrides = {}
    if backend == "redis":
        request.getfixturevalue("redis_client")  # an empty test database
        overrides["redis_url"] = request.getfixturevalue("redis_url")
    services = make_services(database, **overrides)
    # The child's first listing request hangs: it holds the lease, mid-sync, when killed.
    spotify_emulator.faults.slow(60, count=1, path_prefix=NEW_RELEASES)
    child = start_sync_process(services.settings)
    try:
        wait_until_running(database, child)
        live = read_status(services.syncer)
        assert live.refreshing, "a live process's lease is respected"
        assert services.syncer.sync("on_demand", wait=False).busy
    finally:
        child.kill()  # SIGKILL
        child.join(10)

    status = read_status(services.syncer).as_json()
    # The dead lease has ~30 s to run: a sync that gives up waiting after 5 s only gets
    # through if it recognised the dead owner and took the lease over at once.
    result = services.syncer.sync("on_demand", timeout=5)

    assert not status["refreshing"] and status["lastSync"]["status"] == "interrupted", status
    assert result.source == "fresh" and not result.busy, "waited for the dead lease"
    assert [run.status for run in runs(database)] == ["interrupted", "ok"]
