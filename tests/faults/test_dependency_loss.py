"""Losing the database or Redis at runtime: 503 with the reason (never a bare 500), the page
says so (never "Fetching…" forever), `/healthz` tells which dependency, `/livez` stays up,
and all comes back by itself."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.faults.conftest import OwnPostgres
from tests.faults.redis_server import RedisServer
from tests.fixtures.app import ServicesFactory
from tests.pipeline.helpers import make_stale
from tests.web.conftest import wait_for
from trendcache.accounts.users import create_user
from trendcache.db import Database
from trendcache.services import Services
from trendcache.web.app import create_app

pytestmark = pytest.mark.postgres


@pytest.fixture
def synced(make_services: ServicesFactory, own_postgres: OwnPostgres) -> Services:
    services = make_services(Database(own_postgres.url), spotify_markets=["US", "GB"])
    assert services.syncer.sync("cli").source == "fresh"
    return services


@pytest.fixture
def client(synced: Services) -> Iterator[TestClient]:
    with TestClient(create_app(synced)) as client:
        assert client.get("/healthz").json() == {
            "status": "ok",
            "database": "ok",
            "snapshots": True,
        }
        yield client


def unavailable(client: TestClient, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 503, (path, response.status_code, response.text[:300])
    assert response.headers["Retry-After"].isdigit()
    body = response.json()
    assert body["dependency"] == "database"
    detail: str = body["detail"]
    return detail


def test_a_database_that_is_gone(client: TestClient, own_postgres: OwnPostgres) -> None:
    own_postgres.refuse_connections()
    assert wait_for(lambda: client.get("/healthz").status_code == 503)
    for path in ("/api/status", "/api/stats/trending", "/api/spotify/sync"):
        assert unavailable(client, path).startswith("The database is unavailable (")
    assert client.get("/healthz").json()["database"].startswith("unreachable: ")
    assert client.get("/livez").json()["status"] == "ok"
    # What is in memory is still served, and the page says why nothing new comes.
    assert client.get("/api/cache/trending").status_code == 200
    page = client.get("/")
    assert page.status_code == 200
    assert "The database is unavailable" in page.text

    own_postgres.refuse_connections(False)
    assert wait_for(lambda: client.get("/healthz").status_code == 200)
    assert client.get("/api/status").status_code == 200
    assert "The database is unavailable" not in client.get("/").text


def test_a_read_only_database(
    client: TestClient, synced: Services, own_postgres: OwnPostgres
) -> None:
    make_stale(synced.database)
    own_postgres.read_only()
    # Checks run at most once a second: the fixture's own check may still be the answer.
    health = wait_for(lambda: (r := client.get("/healthz")).status_code == 503 and r)
    assert health.json()["database"].startswith("read-only: ")
    assert client.get("/api/status").status_code == 200  # reads still work
    assert unavailable(client, "/api/spotify/sync").startswith("The database is read-only (")
    page = client.get("/").text
    assert "The database is read-only" in page
    assert "First sync in progress" not in page
    assert "Refreshing" not in page

    own_postgres.read_only(False)
    assert wait_for(lambda: client.get("/healthz").status_code == 200)


def test_redis_that_is_gone(
    make_services: ServicesFactory, own_postgres: OwnPostgres, redis_server: RedisServer
) -> None:
    services = make_services(
        Database(own_postgres.url), spotify_markets=["US"], redis_url=redis_server.url
    )
    assert services.syncer.sync("cli").source == "fresh"
    admin = {"Authorization": f"Bearer {create_user(services.database, 'ops', admin=True)}"}
    with TestClient(create_app(services)) as client:
        assert client.get("/healthz").json()["redis"] == "ok"
        redis_server.kill()
        health = wait_for(lambda: (r := client.get("/healthz")).status_code == 503 and r)
        assert health.json()["redis"].startswith("unreachable: ")
        assert health.json()["database"] == "ok"
        assert client.get("/livez").status_code == 200
        forced = client.get("/api/spotify/sync", params={"force": "true"}, headers=admin)
        for response in (forced, client.get("/api/status")):
            assert response.status_code == 503
            assert response.json()["dependency"] == "redis"
            assert response.json()["detail"].startswith("Redis is unavailable (ConnectionError")
        assert client.get("/api/cache/trending").status_code == 200

        redis_server.start()
        assert wait_for(lambda: client.get("/healthz").status_code == 200)
        forced = client.get("/api/spotify/sync", params={"force": "true"}, headers=admin)
        assert forced.json()["source"] == "fresh", forced.json()
