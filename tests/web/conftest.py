"""Web fixtures: apps over a real SQLite database synced from the Spotify emulator."""

from __future__ import annotations

import re
import socket
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.fixtures.app import ServicesFactory
from tests.fixtures.musicbrainz import TEST_RATE, USER_AGENT
from tests.fixtures.spotify import fresh
from trendcache.config import Settings
from trendcache.db import Database
from trendcache.db.migrate import upgrade
from trendcache.emulators.musicbrainz import MusicBrainzEmulator
from trendcache.emulators.spotify import SpotifyEmulator
from trendcache.services import Services
from trendcache.tasks import TaskQueue
from trendcache.web.app import create_app
from trendcache.web.server import server_config

MARKETS = ["US", "GB"]
NEW_RELEASES = 40
ClientFactory = Callable[..., TestClient]


@pytest.fixture
def web_services(make_services: ServicesFactory, sqlite_database: Database) -> Services:
    """Services for two markets on an empty, migrated SQLite database."""
    return make_services(
        sqlite_database, spotify_markets=MARKETS, spotify_new_releases_limit=NEW_RELEASES
    )


def template_settings(folder: Path, spotify: SpotifyEmulator, **overrides: Any) -> Settings:
    """Settings for a session's template database in `folder`, on the Spotify emulator."""
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        spotify_client_id=spotify.client_id,
        spotify_client_secret=spotify.client_secret,
        spotify_api_base_url=spotify.base_url,
        spotify_accounts_base_url=spotify.accounts_url,
        data_dir=folder / "data",
        database_url=f"sqlite:///{folder / 'template.sqlite3'}",
        spotify_markets=MARKETS,
        spotify_new_releases_limit=NEW_RELEASES,
        spotify_requests_per_minute=6000,
        spotify_daily_request_budget=100_000,
        **overrides,
    )


@pytest.fixture(scope="session")
def synced_template(
    tmp_path_factory: pytest.TempPathFactory, _spotify_emulator_server: SpotifyEmulator
) -> Path:
    """A database after one real sync against the emulator, made once and copied per test."""
    folder = tmp_path_factory.mktemp("synced")
    fresh(_spotify_emulator_server)  # whatever tier a test left it in
    settings = template_settings(folder, _spotify_emulator_server)
    database = Database(settings.resolved_database_url)
    upgrade(database)
    services = Services(settings, database=database)
    result = services.syncer.sync("cli")
    assert result.source == "fresh", result.error
    services.close()
    return folder / "template.sqlite3"


def copy_database(template: Path, path: Path) -> None:
    with sqlite3.connect(template) as source, sqlite3.connect(path) as target:
        source.backup(target)


@pytest.fixture(scope="session")
def enriched_template(
    synced_template: Path,
    tmp_path_factory: pytest.TempPathFactory,
    _spotify_emulator_server: SpotifyEmulator,
    _musicbrainz_emulator_server: MusicBrainzEmulator,
) -> Path:
    """The synced database after enrichment ran until idle against the MusicBrainz emulator."""
    folder = tmp_path_factory.mktemp("enriched")
    path = folder / "template.sqlite3"
    copy_database(synced_template, path)
    emulator = _musicbrainz_emulator_server
    emulator.reset()
    emulator.requests_per_second = TEST_RATE
    fresh(_spotify_emulator_server)  # whatever tier a test left it in
    settings = template_settings(
        folder,
        _spotify_emulator_server,
        musicbrainz_base_url=emulator.base_url,
        musicbrainz_rate=50,
        musicbrainz_user_agent=USER_AGENT,
    )
    services = Services(settings, database=Database(settings.resolved_database_url))
    results = services.enricher.run_until_idle()
    services.close()
    assert results, "nothing was enriched"
    assert all(result.error is None for result in results), results
    return path


@pytest.fixture
def make_synced_services(
    make_services: ServicesFactory, synced_template: Path, tmp_path: Path
) -> Iterator[Callable[..., Services]]:
    """`make_synced_services(**settings)`: services on a copy of the synced database
    (`_template=` another database file to copy instead)."""
    databases: list[Database] = []

    def make(_template: Path = synced_template, **overrides: Any) -> Services:
        path = tmp_path / f"synced-{len(databases)}.sqlite3"
        copy_database(_template, path)
        databases.append(Database(f"sqlite:///{path}"))
        values = {"spotify_markets": MARKETS, "spotify_new_releases_limit": NEW_RELEASES}
        return make_services(databases[-1], **{**values, **overrides})

    yield make
    for database in databases:
        database.dispose()


@pytest.fixture
def synced_services(make_synced_services: Callable[..., Services]) -> Services:
    """Services for two markets on a database holding one real sync's data."""
    return make_synced_services()


@pytest.fixture
def make_enrichable_services(
    make_synced_services: Callable[..., Services], musicbrainz_emulator: MusicBrainzEmulator
) -> Callable[..., Services]:
    """Synced services that enrich from the MusicBrainz emulator (its albums all pending)."""

    def make(**overrides: Any) -> Services:
        values = {"musicbrainz_base_url": musicbrainz_emulator.base_url, "musicbrainz_rate": 50}
        return make_synced_services(**{**values, **overrides})

    return make


@pytest.fixture
def enriched_services(
    make_enrichable_services: Callable[..., Services], enriched_template: Path
) -> Services:
    """Services on a copy of the synced database after enrichment ran until idle."""
    return make_enrichable_services(_template=enriched_template)


@pytest.fixture
def make_client() -> Iterator[ClientFactory]:
    """`make_client(services, queue=None, **kwargs)`: a started TestClient on a new app."""
    clients: list[TestClient] = []

    def make(services: Services, queue: TaskQueue | None = None, **kwargs: Any) -> TestClient:
        client = TestClient(create_app(services, queue, **kwargs))
        client.__enter__()  # runs the lifespan: snapshots built, poller started
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def client(synced_services: Services, make_client: ClientFactory) -> TestClient:
    return make_client(synced_services)


@pytest.fixture
def queue(web_services: Services) -> TaskQueue:
    """A task queue on the test's data dir (no consumer: jobs just wait in it)."""
    return TaskQueue(web_services.settings, lambda: web_services)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def serving(app: FastAPI, **limits: Any) -> Iterator[str]:
    """Run `app` on a real uvicorn server in a thread, configured as `trendcache serve`
    configures it (`limits` override its limits on clients); yield its base URL."""
    port = free_port()
    config = server_config(app, app.state.web.settings, "127.0.0.1", port, **limits)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="uvicorn-test", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def wait_for(condition: Callable[[], Any], timeout: float = 15.0) -> Any:
    """Poll until `condition()` is truthy; fail the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"condition not met within {timeout} s")
        time.sleep(0.05)


def csrf_of(html: str) -> str:
    """The CSRF token of the first form on a page."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF token on the page"
    return found.group(1)


VIEWER = "/fragments/viewer"  # a signed-in visitor's bits of the (shared) browse page


def sign_in(client: TestClient, name: str, password: str) -> Any:
    """Sign `client` in through the sign-in form, as a browser would; the POST's response."""
    form = client.get("/login")
    return client.post(
        "/login",
        data={"csrf_token": csrf_of(form.text), "name": name, "password": password},
        follow_redirects=False,
    )
