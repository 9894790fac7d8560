"""Enrichment across processes: killed mid-batch, and two workers at MusicBrainz's pace.

The albums are the Spotify emulator's listing, stored as a sync stores it (see
tests/pipeline/listings.py)."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from tests.fixtures.app import FAST_MUSICBRAINZ_RETRIES, FAST_RETRIES
from tests.pipeline.listings import store_listings
from trendcache.config import Settings
from trendcache.db import Database
from trendcache.db.migrate import upgrade
from trendcache.db.models import EnrichmentState
from trendcache.emulators.musicbrainz import MusicBrainzEmulator
from trendcache.emulators.spotify import SpotifyEmulator
from trendcache.musicbrainz.connector import MusicBrainzConnector
from trendcache.services import Services
from trendcache.spotify.connector import SpotifyConnector

LEASE = timedelta(seconds=1)


def _services(settings: Settings) -> Services:
    services = Services(
        settings,
        connector=SpotifyConnector(settings, retry=FAST_RETRIES),
        musicbrainz=lambda: MusicBrainzConnector(settings, retry=FAST_MUSICBRAINZ_RETRIES),
    )
    services.enricher.claim_lease = LEASE
    return services


def _enrich(settings: Settings) -> None:
    services = _services(settings)
    services.enricher.run_until_idle()
    services.close()


def _listed(
    make_settings: Any,
    database: Database,
    spotify: SpotifyEmulator,
    mb: MusicBrainzEmulator,
    **extra: Any,
) -> Settings:
    """Settings on `database`, which holds the emulator's listing as a sync stores it."""
    settings: Settings = make_settings(
        database_url=database.url.render_as_string(False),
        musicbrainz_base_url=mb.base_url,
        **extra,
    )
    store_listings(database, spotify)
    return settings


def _decided(database: Database) -> Counter[str]:
    with database.session() as session:
        return Counter(session.scalars(select(EnrichmentState.status)))


def test_a_killed_worker_repeats_at_most_the_request_in_flight(
    make_settings: Any,
    tmp_path: Path,
    spotify_emulator: SpotifyEmulator,
    musicbrainz_emulator: MusicBrainzEmulator,
) -> None:
    mb, spotify = musicbrainz_emulator, spotify_emulator
    clean = _listed(make_settings, _database(tmp_path / "clean"), spotify, mb, musicbrainz_rate=50)
    _enrich(clean)
    needed = len(mb.stats.requests)
    mb.reset()

    database = _database(tmp_path / "killed")
    settings = _listed(make_settings, database, spotify, mb, musicbrainz_rate=50)
    mb.faults.latency = 0.3
    child = multiprocessing.get_context("fork").Process(target=_enrich, args=(settings,))
    child.start()
    deadline = time.monotonic() + 30
    while len(mb.stats.requests) < 3:
        assert time.monotonic() < deadline, "the worker never got going"
        time.sleep(0.01)
    assert child.pid is not None
    os.kill(child.pid, signal.SIGKILL)
    child.join(10)
    assert len(mb.stats.requests) < needed, "killed mid-batch"

    mb.faults.latency = 0.0
    time.sleep(LEASE.total_seconds() + 0.2)  # the dead worker's claim runs out
    _enrich(settings)
    assert len(mb.stats.requests) <= needed + 1, "only the request in flight is sent again"
    asked = Counter((r.path, r.query) for r in mb.stats.requests)
    assert sum(count - 1 for count in asked.values()) <= 1
    assert _decided(database)["pending"] == 0


def _database(folder: Path) -> Database:
    folder.mkdir()
    database = Database(f"sqlite:///{folder / 'trendcache.sqlite3'}")
    upgrade(database)
    return database


def test_two_worker_processes_together_stay_under_one_request_a_second(
    make_settings: Any,
    sqlite_database: Database,
    spotify_emulator: SpotifyEmulator,
    musicbrainz_emulator: MusicBrainzEmulator,
) -> None:
    settings = _listed(
        make_settings,
        sqlite_database,
        spotify_emulator,
        musicbrainz_emulator,
        musicbrainz_rate=1.0,
        enrichment_batch_size=25,
    )
    musicbrainz_emulator.requests_per_second = 1.0
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_enrich, args=(settings,)) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(180)
    assert [worker.exitcode for worker in workers] == [0, 0]
    assert musicbrainz_emulator.stats.violations == []
    assert {r.status for r in musicbrainz_emulator.stats.requests} == {200}
    clients = {r.client for r in musicbrainz_emulator.stats.requests}
    assert len(clients) == 1, "both workers identify alike, so MusicBrainz sees one client"
    decided = _decided(sqlite_database)
    assert decided["pending"] == 0
    assert decided["matched"] > 0
