"""Killing a syncing process at any moment loses nothing and blocks no one for long."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from typing import Any

import pytest

from tests.fixtures.app import FAST_RETRIES
from tests.pipeline.helpers import cache_row, runs
from trendcache.config import Settings
from trendcache.emulators.spotify import SpotifyEmulator
from trendcache.pipeline.keys import trending_key
from trendcache.services import Services
from trendcache.spotify.connector import SpotifyConnector

LEASE = 1.0


def _sync_until_killed(settings: Settings) -> None:
    services = Services(settings, connector=SpotifyConnector(settings, retry=FAST_RETRIES))
    services.syncer.lease_seconds = LEASE
    services.syncer.sync("schedule")


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_sync_killed_mid_fetch_is_taken_over_after_its_lease(
    backend: str,
    request: pytest.FixtureRequest,
    make_settings: Any,
    spotify_emulator: SpotifyEmulator,
) -> None:
    fixture = "postgres_database" if backend == "postgresql" else "sqlite_database"
    database = request.getfixturevalue(fixture)
    settings = make_settings(database_url=database.url.render_as_string(False))
    spotify_emulator.faults.latency = 0.3
    child = multiprocessing.get_context("fork").Process(target=_sync_until_killed, args=(settings,))
    child.start()
    deadline = time.monotonic() + 30
    while spotify_emulator.stats.count("/browse/new-releases") == 0:
        assert time.monotonic() < deadline, "the child never started fetching"
        time.sleep(0.02)
    assert child.pid is not None
    os.kill(child.pid, signal.SIGKILL)
    child.join(10)
    assert cache_row(database, trending_key()) is None, "nothing half-written"

    spotify_emulator.faults.latency = 0.0
    services = Services(
        settings, database=database, connector=SpotifyConnector(settings, retry=FAST_RETRIES)
    )
    services.syncer.lease_seconds = LEASE
    result = services.syncer.sync("on_demand", timeout=30)
    assert result.source == "fresh"
    assert cache_row(database, trending_key()) is not None
    assert [run.status for run in runs(database)] == ["interrupted", "ok"]
