"""GET /api/spotify/sync: the seed's syncSpotifyData, waiting for the sync or not."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx2 as httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tests.web.conftest import ClientFactory, serving, wait_for
from trendcache.accounts.users import create_user
from trendcache.db.models import SyncRun
from trendcache.emulators.spotify import SpotifyEmulator
from trendcache.services import Services
from trendcache.tasks import TaskQueue
from trendcache.web.app import create_app

URL = "/api/spotify/sync"


@pytest.fixture
def running_queue(queue: TaskQueue) -> Iterator[TaskQueue]:
    consumer = queue.consumer(workers=1, schedule=False)
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


def test_an_admin_may_force_a_fetch(
    client: TestClient, synced_services: Services, spotify_emulator: SpotifyEmulator
) -> None:
    token = create_user(synced_services.database, "ops", admin=True)
    before = client.get("/api/cache/trending").json()["fetchedAt"]
    spotify_emulator.stats.clear()
    response = client.get(
        URL, params={"force": "true"}, headers={"Authorization": f"Bearer {token}"}
    )
    body = response.json()
    assert body["source"] == "fresh"
    assert spotify_emulator.stats.total > 0
    assert body["fetchedAt"] > before


@pytest.mark.parametrize("wait", ["true", "false"])
def test_nobody_else_may_force_one(
    client: TestClient, synced_services: Services, spotify_emulator: SpotifyEmulator, wait: str
) -> None:
    plain = create_user(synced_services.database, "listener")
    spotify_emulator.stats.clear()
    params = {"force": "true", "wait": wait}
    anonymous = client.get(URL, params=params)
    assert anonymous.status_code == 401
    assert anonymous.headers["WWW-Authenticate"] == "Bearer"
    wrong = client.get(URL, params=params, headers={"Authorization": "Bearer tc_" + "x" * 43})
    assert wrong.status_code == 401
    refused = client.get(URL, params=params, headers={"Authorization": f"Bearer {plain}"})
    assert refused.status_code == 403
    assert "admin" in refused.json()["detail"]
    # ... and the normal stale check stays open to everyone, costing nothing when fresh.
    assert client.get(URL).json()["source"] == "cache"
    assert spotify_emulator.stats.total == 0


def test_waiting_callers_share_one_sync_and_hold_no_thread(
    web_services: Services, spotify_emulator: SpotifyEmulator
) -> None:
    """More waiting callers than the server's thread pool (40): one sync, and health,
    status and the page still answer while they wait."""
    spotify_emulator.faults.slow(5.0, path_prefix="/v1/browse/new-releases")
    spotify_emulator.stats.clear()
    app = create_app(web_services)
    with serving(app) as base, httpx.Client(base_url=base, timeout=30) as probe:

        def call() -> dict[str, object]:
            with httpx.Client(base_url=base, timeout=30) as caller:
                body: dict[str, object] = caller.get(URL).json()
                return body

        with ThreadPoolExecutor(max_workers=60) as pool:
            calls = [pool.submit(call) for _ in range(60)]
            assert wait_for(lambda: web_services.syncer.is_running(), timeout=10)
            for path in ("/healthz", "/api/status", "/"):
                assert probe.get(path).status_code == 200
            # ... answered while every caller still waited for the (5 s) sync.
            assert web_services.syncer.is_running()
            assert not any(future.done() for future in calls)
            bodies = [future.result() for future in calls]
    assert [body["source"] for body in bodies].count("fresh") == 60  # all shared its result
    assert {body["fetchedAt"] for body in bodies} != {None}
    with web_services.database.session() as session:
        assert session.scalar(select(func.count()).select_from(SyncRun)) == 1


def test_a_caller_waits_a_bounded_time(
    web_services: Services, spotify_emulator: SpotifyEmulator
) -> None:
    spotify_emulator.faults.slow(3.0, path_prefix="/v1/browse/new-releases")
    app = create_app(web_services)
    app.context.syncs.wait_seconds = 0.5
    with serving(app) as base, httpx.Client(base_url=base, timeout=30) as caller:
        body = caller.get(URL).json()
        assert web_services.syncer.is_running()  # answered before the (3 s) sync ended
        assert body["source"] == "cache"
        assert body["refreshing"] is True  # the sync goes on without the caller
        assert wait_for(lambda: caller.get("/api/cache/trending").json()["fetchedAt"])


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


def test_the_flight_works_again_after_the_app_restarts(
    web_services: Services, spotify_emulator: SpotifyEmulator
) -> None:
    app = create_app(web_services)
    with TestClient(app) as client:
        assert client.get("/healthz").status_code == 200
    with TestClient(app) as client:  # the same app, started again (its executor was shut)
        assert client.get(URL).json()["source"] == "fresh"
