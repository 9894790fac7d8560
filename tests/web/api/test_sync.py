"""GET /api/spotify/sync: the seed's syncSpotifyData, waiting for the sync or not."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import ClientFactory, wait_for
from trendcache.emulators.spotify import SpotifyEmulator
from trendcache.services import Services
from trendcache.tasks import TaskQueue

URL = "/api/spotify/sync"


@pytest.fixture
def running_queue(queue: TaskQueue) -> Iterator[TaskQueue]:
    consumer = queue.consumer(workers=1, periodic=False)
    consumer.start()
    yield queue
    consumer.stop(graceful=True)


def test_wait_runs_the_sync_and_returns_its_data(
    web_services: Services, make_client: ClientFactory
) -> None:
    client = make_client(web_services)
    response = client.get(URL, params={"wait": "true"})
    assert response.status_code == 200
    body = response.json()
    assert body["source"] == "fresh"
    assert body["queued"] is False
    assert body["error"] is None
    assert body["stale"] is False
    assert body["fetchedAt"] is not None
    assert body["data"]["scope"] == "all"
    assert body["data"]["newReleases"]
    assert "stale" not in body["data"]  # the view alone, cache state beside it
    # ... and the fast read shows the same data at once.
    cached = client.get("/api/cache/trending").json()
    assert cached["fetchedAt"] == body["data"]["generatedAt"]


def test_fresh_cache_costs_no_upstream_request(
    client: TestClient, spotify_emulator: SpotifyEmulator
) -> None:
    spotify_emulator.stats.clear()
    body = client.get(URL).json()
    assert body["source"] == "cache"
    assert body["data"]["newReleases"]
    assert spotify_emulator.stats.total == 0


def test_force_fetches_again(client: TestClient, spotify_emulator: SpotifyEmulator) -> None:
    before = client.get("/api/cache/trending").json()["fetchedAt"]
    spotify_emulator.stats.clear()
    body = client.get(URL, params={"force": "true"}).json()
    assert body["source"] == "fresh"
    assert spotify_emulator.stats.total > 0
    assert body["fetchedAt"] > before


def test_no_wait_returns_before_the_sync_has_finished(
    web_services: Services,
    make_client: ClientFactory,
    running_queue: TaskQueue,
    spotify_emulator: SpotifyEmulator,
) -> None:
    # Spotify takes 1.5 s to answer the sync's first listing request: a response that came
    # back with no data cannot have waited for the sync.
    spotify_emulator.faults.slow(1.5, path_prefix="/v1/browse/new-releases")
    client = make_client(web_services, running_queue)
    response = client.get(URL, params={"wait": "false"})
    assert response.status_code == 200
    body = response.json()
    assert body["source"] == "cache"
    assert body["queued"] is True
    assert body["fetchedAt"] is None
    assert body["data"]["newReleases"] == []
    # The queued sync runs in the background and the data arrives on its own.
    assert wait_for(lambda: client.get("/api/cache/trending").json()["fetchedAt"])
    assert client.get(URL, params={"wait": "false"}).json()["data"]["newReleases"]


def test_no_wait_without_a_queue_syncs_in_a_thread(
    web_services: Services, make_client: ClientFactory, spotify_emulator: SpotifyEmulator
) -> None:
    spotify_emulator.faults.slow(1.0, path_prefix="/v1/browse/new-releases")
    client = make_client(web_services)
    body = client.get(URL, params={"wait": "false"}).json()
    assert body["queued"] is True
    assert body["data"]["newReleases"] == []
    assert wait_for(lambda: client.get("/api/cache/trending").json()["fetchedAt"])


def test_bad_flags_are_422(client: TestClient) -> None:
    response = client.get(URL, params={"wait": "maybe"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "wait"]
