"""However many triggers fire, in however many processes: one upstream fetch per key."""

from __future__ import annotations

import multiprocessing
import threading
from typing import Any

import pytest

from tests.fixtures.app import FAST_RETRIES
from tests.pipeline.helpers import runs
from trendcache.config import Settings
from trendcache.db import Database
from trendcache.emulators.spotify import SpotifyEmulator
from trendcache.services import Services
from trendcache.spotify.connector import SpotifyConnector


def test_concurrent_triggers_in_one_process_fetch_once(
    services: Services, spotify_emulator: SpotifyEmulator
) -> None:
    spotify_emulator.faults.latency = 0.05
    barrier = threading.Barrier(8)
    results: list[Any] = []

    def trigger(kind: str) -> None:
        barrier.wait()
        results.append(services.syncer.sync(kind))  # type: ignore[arg-type]

    threads = [
        threading.Thread(target=trigger, args=(kind,))
        for kind in ["on_demand", "api", "schedule", "cli"] * 2
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert spotify_emulator.stats.count("/browse/new-releases") == 2, "one listing, two pages"
    assert [r.source for r in results].count("fresh") == 1
    assert all(r.error is None for r in results)
    assert len(runs(services.database)) == 1


def _sync_in_child(settings: Settings, out: multiprocessing.Queue[Any]) -> None:
    services = Services(settings, connector=SpotifyConnector(settings, retry=FAST_RETRIES))
    result = services.syncer.sync("schedule")
    out.put((result.source, result.error))
    services.close()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_concurrent_processes_fetch_once(
    backend: str,
    request: pytest.FixtureRequest,
    make_settings: Any,
    spotify_emulator: SpotifyEmulator,
) -> None:
    fixture = "postgres_database" if backend == "postgresql" else "sqlite_database"
    database: Database = request.getfixturevalue(fixture)
    settings = make_settings(database_url=database.url.render_as_string(False))
    spotify_emulator.faults.latency = 0.05
    context = multiprocessing.get_context("fork")
    out: multiprocessing.Queue[Any] = context.Queue()
    children = [context.Process(target=_sync_in_child, args=(settings, out)) for _ in range(4)]
    for child in children:
        child.start()
    outcomes = [out.get(timeout=60) for _ in children]
    for child in children:
        child.join(10)
    assert [error for _, error in outcomes] == [None] * 4
    assert spotify_emulator.stats.count("/browse/new-releases") == 2
    assert sorted(source for source, _ in outcomes) == ["cache", "cache", "cache", "fresh"]
    assert [error for _, error in outcomes] == [None] * 4
    assert len(runs(database)) == 1
