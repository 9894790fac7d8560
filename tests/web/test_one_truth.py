"""One truth across processes: what one process changes, every web process serves within 1 s.

Two `Services` stand for two processes against one PostgreSQL (and one Redis): A changes
the data (a real sync against the Spotify emulator, an enrichment batch against the
MusicBrainz emulator), B runs the web app. B's periodic check is turned off (an hour)
where the bus alone must carry the change, so a test passes only if the message did; with
the bus down, the periodic check (every 0.5 s) is what gets there. Latencies are measured
from the moment A's change returned (everything committed) and printed; the assertion is
"within the deadline", polled, never a fixed sleep.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.cli.helpers import emulator_env, run
from tests.fixtures.app import ServicesFactory
from tests.fixtures.musicbrainz import USER_AGENT
from tests.pipeline.history.test_backfill import forget_history
from tests.pipeline.listings import store_listings
from tests.web.conftest import MARKETS, NEW_RELEASES, free_port
from trendcache.changes import RedisBus
from trendcache.db import Database
from trendcache.emulators.musicbrainz import MusicBrainzEmulator
from trendcache.emulators.spotify import SpotifyEmulator
from trendcache.services import Services
from trendcache.web.api.cache import PATH
from trendcache.web.api.trending_stats import PATH as STATS_PATH
from trendcache.web.app import create_app

DEADLINE = 1.0  # seconds: the "served by every web process within 1 s"
SAFETY_NET_DEADLINE = 10.0  # the periodic check's, with the bus down
NO_PERIODIC_CHECK = 3600.0


@pytest.fixture(params=["postgresql", "redis"])
def bus(request: pytest.FixtureRequest) -> dict[str, Any]:
    """The settings choosing the bus: PostgreSQL NOTIFY alone, or Redis pub/sub."""
    return (
        {} if request.param == "postgresql" else {"redis_url": request.getfixturevalue("redis_url")}
    )


@pytest.fixture
def two_processes(
    make_services: ServicesFactory,
    postgres_database: Database,
    musicbrainz_emulator: MusicBrainzEmulator,
) -> Callable[..., tuple[Services, Services]]:
    """`two_processes(**settings)`: A and B, each with its own engine on one database."""

    def make(**overrides: Any) -> tuple[Services, Services]:
        values = {
            "spotify_markets": MARKETS,
            "spotify_new_releases_limit": NEW_RELEASES,
            "musicbrainz_base_url": musicbrainz_emulator.base_url,
            "musicbrainz_rate": 50,
            "musicbrainz_user_agent": USER_AGENT,
            **overrides,
        }
        url = postgres_database.url.render_as_string(False)
        return make_services(Database(url), **values), make_services(Database(url), **values)

    return make


def started(services: Services, *, poll_seconds: float | None = None) -> TestClient:
    """A running app on `services`; `poll_seconds` replaces its periodic check's interval."""
    app = create_app(services)
    if poll_seconds is not None:
        app.context.snapshots.poll_seconds = poll_seconds
    client = TestClient(app)
    client.__enter__()  # the lifespan: snapshots built, listener started
    return client


def served_within(
    client: TestClient, wanted: Callable[[dict[str, Any]], bool], limit: float
) -> float:
    """Seconds until `client` serves a trending document `wanted` accepts; fails past `limit`."""
    start = time.monotonic()
    while True:
        if wanted(client.get(PATH).json()):
            return time.monotonic() - start
        if time.monotonic() - start > limit:
            pytest.fail(f"not served within {limit} s")
        time.sleep(0.01)


def albums(document: dict[str, Any]) -> int:
    return len(document["newReleases"])


def decided(document: dict[str, Any]) -> int:
    """Albums shown with an enrichment decision (anything but still waiting)."""
    return sum(item["musicbrainz"]["status"] != "pending" for item in document["newReleases"])


def test_a_sync_and_an_enrichment_decision_are_served_by_another_process_within_1_s(
    two_processes: Callable[..., tuple[Services, Services]], bus: dict[str, Any]
) -> None:
    a, b = two_processes(**bus)
    web = started(b, poll_seconds=NO_PERIODIC_CHECK)  # only the bus can tell it in time
    try:
        assert albums(web.get(PATH).json()) == 0
        result = a.syncer.sync("cli")
        assert result.source == "fresh", result.error
        synced = served_within(web, lambda doc: albums(doc) > 0, DEADLINE)
        assert decided(web.get(PATH).json()) == 0

        batches = a.enricher.run_until_idle(max_batches=1)
        assert batches and batches[0].error is None, batches
        enriched = served_within(web, lambda doc: decided(doc) > 0, DEADLINE)
        print(f"{b.changes.name}: sync served in {synced:.3f} s, decision in {enriched:.3f} s")
        assert b.listener is not None and b.listener.heard >= 2
    finally:
        web.__exit__(None, None, None)


def test_with_the_bus_down_the_periodic_check_still_gets_there(
    two_processes: Callable[..., tuple[Services, Services]], redis_url: str
) -> None:
    a, b = two_processes(redis_url=redis_url)  # Redis for the locks; the bus on a closed port
    for services in (a, b):
        services.changes = RedisBus(f"redis://127.0.0.1:{free_port()}/0")
    web = started(b)  # the periodic check as configured: every 0.5 s
    try:
        result = a.syncer.sync("cli")  # its announcement fails, quietly
        assert result.source == "fresh", result.error
        later = served_within(web, lambda doc: albums(doc) > 0, SAFETY_NET_DEADLINE)
        coverage = web.get(STATS_PATH).json()["enrichment"]  # computed and kept by B
        assert coverage["total"] > 0 and coverage["pending"] == coverage["total"]

        batches = a.enricher.run_until_idle(max_batches=1)
        assert batches and batches[0].error is None, batches
        decision = served_within(web, lambda doc: decided(doc) > 0, SAFETY_NET_DEADLINE)
        # The statistics and their album mirror probe the database's stamps per request.
        after = web.get(STATS_PATH).json()["enrichment"]
        assert after["total"] == coverage["total"] and after["pending"] < coverage["pending"]
        print(
            f"bus down: the periodic check served the sync in {later:.3f} s, "
            f"the decision in {decision:.3f} s; the statistics at the next request"
        )
        assert b.listener is not None and b.listener.connections == 0  # the bus never answered
    finally:
        web.__exit__(None, None, None)


def test_on_sqlite_the_periodic_check_serves_another_process_change(
    make_services: ServicesFactory, sqlite_database: Database, spotify_emulator: SpotifyEmulator
) -> None:
    """No bus on one machine: each process checks the database every 0.5 s."""
    url = sqlite_database.url.render_as_string(False)
    values = {"spotify_markets": MARKETS, "spotify_new_releases_limit": NEW_RELEASES}
    a, b = make_services(Database(url), **values), make_services(Database(url), **values)
    web = started(b)
    try:
        assert a.syncer.sync("cli").source == "fresh"
        seen = served_within(web, lambda doc: albums(doc) > 0, DEADLINE)
        print(f"SQLite: served by the periodic check in {seen:.3f} s")
    finally:
        web.__exit__(None, None, None)


def test_a_backfill_run_by_the_cli_is_seen_by_a_running_app(
    make_services: ServicesFactory,
    postgres_database: Database,
    spotify_emulator: SpotifyEmulator,
    tmp_path: Path,
) -> None:
    """History stored before it existed: `trendcache backfill` in another process builds
    it; the running app's statistics show it and its listener heard the announcement."""
    store_listings(postgres_database, spotify_emulator, ("US",))
    forget_history(postgres_database)
    url = postgres_database.url.render_as_string(False)
    b = make_services(Database(url), spotify_markets=["US"])
    heard = threading.Event()
    b.on_change(heard.set)
    web = started(b, poll_seconds=NO_PERIODIC_CHECK)
    try:
        assert web.get(STATS_PATH).json()["latestSnapshotId"] is None
        done = run(["backfill"], tmp_path, {"DATABASE_URL": url})
        assert done.returncode == 0, done.stderr
        ended = time.monotonic()
        assert heard.wait(DEADLINE), "the app did not hear the backfill"
        print(f"backfill heard {time.monotonic() - ended:.3f} s after the command ended")
        assert web.get(STATS_PATH).json()["latestSnapshotId"] is not None
    finally:
        web.__exit__(None, None, None)


def test_a_sync_run_by_the_cli_is_served_by_a_running_app_within_1_s(
    make_services: ServicesFactory,
    postgres_database: Database,
    spotify_emulator: SpotifyEmulator,
    tmp_path: Path,
) -> None:
    """`trendcache sync` (as a worker's sync, through its own `Services`) announces."""
    url = postgres_database.url.render_as_string(False)
    settings = {"spotify_markets": MARKETS, "spotify_new_releases_limit": NEW_RELEASES}
    web = started(make_services(Database(url), **settings), poll_seconds=NO_PERIODIC_CHECK)
    try:
        assert albums(web.get(PATH).json()) == 0
        env = emulator_env(
            spotify_emulator,
            DATABASE_URL=url,
            SPOTIFY_MARKETS=",".join(MARKETS),
            SPOTIFY_NEW_RELEASES_LIMIT=str(NEW_RELEASES),
        )
        done = run(["sync"], tmp_path, env)
        assert done.returncode == 0, done.stderr
        seen = served_within(web, lambda doc: albums(doc) > 0, DEADLINE)
        print(f"CLI sync served {seen:.3f} s after the command ended")
    finally:
        web.__exit__(None, None, None)
