"""kill -9 in the middle of a sync or of an enrichment batch, at several points, on both
databases: once the work is resumed, every table holds exactly what a clean run's does
(nothing lost, duplicated or half-written)."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from tests.faults.conftest import OwnPostgres
from tests.faults.tables import contents, differences
from tests.fixtures.app import FAST_MUSICBRAINZ_RETRIES, FAST_RETRIES, SettingsFactory
from trendcache.config import Settings
from trendcache.db import Database
from trendcache.db.migrate import upgrade
from trendcache.emulators.musicbrainz import MusicBrainzEmulator
from trendcache.emulators.spotify import SpotifyEmulator
from trendcache.musicbrainz.connector import MusicBrainzConnector
from trendcache.services import Services
from trendcache.spotify.connector import SpotifyConnector

LEASE = 1.0
MARKETS = ["US", "GB"]
LIMIT = 40


def _services(settings: Settings) -> Services:
    services = Services(
        settings,
        connector=SpotifyConnector(settings, retry=FAST_RETRIES),
        musicbrainz=lambda: MusicBrainzConnector(settings, retry=FAST_MUSICBRAINZ_RETRIES),
    )
    services.syncer.lease_seconds = LEASE
    services.enricher.claim_lease = timedelta(seconds=LEASE)
    return services


def _sync_until_killed(settings: Settings) -> None:
    _services(settings).syncer.sync("schedule")


def _enrich(settings: Settings) -> None:
    services = _services(settings)
    services.enricher.run_until_idle()
    services.close()


def _kill_when(child: Any, reached: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 30
    while not reached():
        assert time.monotonic() < deadline, "the child never got that far"
        time.sleep(0.005)
    assert child.pid is not None
    os.kill(child.pid, signal.SIGKILL)
    child.join(10)


def _settings(make_settings: SettingsFactory, url: str, tmp: Any) -> Settings:
    return make_settings(
        database_url=url,
        data_dir=tmp,
        spotify_markets=MARKETS,
        spotify_new_releases_limit=LIMIT,
    )


@pytest.fixture(params=["sqlite", "postgresql"])
def two_databases(request: pytest.FixtureRequest, tmp_path: Any) -> tuple[Database, Database]:
    """(clean, killed): two migrated, empty databases of one backend."""
    if request.param == "sqlite":
        clean = Database(f"sqlite:///{tmp_path / 'clean.sqlite3'}")
        upgrade(clean)
        return clean, request.getfixturevalue("sqlite_database")
    own: OwnPostgres = request.getfixturevalue("own_postgres")
    return Database(own.url), request.getfixturevalue("postgres_database")


@pytest.mark.parametrize("killed_after", [1, 3, 5])
def test_a_sync_killed_at_any_point_ends_as_a_clean_run(
    two_databases: tuple[Database, Database],
    make_settings: SettingsFactory,
    spotify_emulator: SpotifyEmulator,
    tmp_path: Any,
    killed_after: int,
) -> None:
    clean_db, killed_db = two_databases
    url = clean_db.url.render_as_string(hide_password=False)
    clean = _services(_settings(make_settings, url, tmp_path / "clean"))
    assert clean.syncer.sync("cli").source == "fresh"
    expected = contents(clean_db)
    requests = spotify_emulator.stats.total
    assert requests > killed_after, f"a sync makes only {requests} requests"
    clean.close()

    settings = _settings(
        make_settings, killed_db.url.render_as_string(hide_password=False), tmp_path / "killed"
    )
    spotify_emulator.stats.clear()
    spotify_emulator.faults.latency = 0.05
    child = multiprocessing.get_context("fork").Process(target=_sync_until_killed, args=(settings,))
    child.start()
    _kill_when(child, lambda: spotify_emulator.stats.total >= killed_after)
    spotify_emulator.faults.latency = 0.0

    resumed = _services(settings)
    result = resumed.syncer.sync("on_demand", timeout=30)
    assert result.source == "fresh", result.error
    assert differences(expected, contents(killed_db)) == []
    resumed.close()


@pytest.mark.parametrize("killed_after", [1, 4])
def test_enrichment_killed_mid_batch_ends_as_a_clean_run(
    two_databases: tuple[Database, Database],
    make_settings: SettingsFactory,
    musicbrainz_emulator: MusicBrainzEmulator,
    tmp_path: Any,
    killed_after: int,
) -> None:
    mb = musicbrainz_emulator
    clean_db, killed_db = two_databases
    runs = {}
    for name, database in (("clean", clean_db), ("killed", killed_db)):
        runs[name] = make_settings(
            database_url=database.url.render_as_string(hide_password=False),
            data_dir=tmp_path / name,
            spotify_markets=["US"],
            spotify_new_releases_limit=20,
            musicbrainz_base_url=mb.base_url,
            musicbrainz_rate=50,
        )
        synced = _services(runs[name])
        assert synced.syncer.sync("cli").error is None
        synced.close()
    _enrich(runs["clean"])
    expected = contents(clean_db)
    assert len(mb.stats.requests) > killed_after
    mb.reset()
    mb.requests_per_second = 50

    mb.faults.latency = 0.1
    child = multiprocessing.get_context("fork").Process(target=_enrich, args=(runs["killed"],))
    child.start()
    _kill_when(child, lambda: len(mb.stats.requests) >= killed_after)
    mb.faults.latency = 0.0
    time.sleep(LEASE + 0.2)  # the dead worker's claims run out
    _enrich(runs["killed"])
    assert differences(expected, contents(killed_db)) == []
