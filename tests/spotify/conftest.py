"""Spotify client pieces built the way production builds them, pointed at test servers."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.fixtures.app import FAST_RETRIES, SettingsFactory
from tests.spotify.replay import ReplayServer
from trendcache.ratelimit import SharedLimiter
from trendcache.spotify.client import SpotifyClient
from trendcache.spotify.connector import SpotifyConnector
from trendcache.spotify.errors import RequestBudgetExhausted

ConnectorFactory = Callable[..., SpotifyConnector]
ClientFactory = Callable[..., SpotifyClient]


class RecordingMeter:
    """A `RequestMeter` that remembers every outcome and may allow only `allow` requests."""

    def __init__(self, allow: int | None = None) -> None:
        self.allow = allow
        self.started = 0
        self.statuses: list[int | None] = []
        self._lock = threading.Lock()

    def before_request(self) -> None:
        with self._lock:
            if self.allow is not None and self.started >= self.allow:
                raise RequestBudgetExhausted(f"the test budget of {self.allow} is spent")
            self.started += 1

    def after_response(self, status: int | None) -> None:
        with self._lock:
            self.statuses.append(status)


@pytest.fixture
def make_connector(make_settings: SettingsFactory) -> Iterator[ConnectorFactory]:
    """`make_connector(limiter=None, **settings)`: a connector on the emulator, closed after."""
    built: list[SpotifyConnector] = []

    def make(limiter: SharedLimiter | None = None, **overrides: Any) -> SpotifyConnector:
        connector = SpotifyConnector(make_settings(**overrides), limiter, retry=FAST_RETRIES)
        built.append(connector)
        return connector

    yield make
    for connector in built:
        connector.close()


@pytest.fixture
def make_client(make_connector: ConnectorFactory) -> Iterator[ClientFactory]:
    """`make_client(meter=None, **settings)`: a `SpotifyClient` as a sync gets one."""
    built: list[SpotifyClient] = []

    def make(meter: RecordingMeter | None = None, **overrides: Any) -> SpotifyClient:
        client = make_connector(**overrides).client(meter or RecordingMeter())
        built.append(client)
        return client

    yield make
    for client in built:
        client.close()


@pytest.fixture(scope="session")
def _replay_server() -> Iterator[ReplayServer]:
    with ReplayServer() as server:
        yield server


@pytest.fixture
def replay(_replay_server: ReplayServer) -> ReplayServer:
    """The session's replay server with nothing queued and an empty log."""
    _replay_server.clear()
    return _replay_server


@pytest.fixture
def replay_client(replay: ReplayServer, make_client: ClientFactory) -> SpotifyClient:
    """A client whose API and accounts hosts are the replay server."""
    return make_client(
        spotify_api_base_url=replay.base_url, spotify_accounts_base_url=replay.accounts_url
    )
