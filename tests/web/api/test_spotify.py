"""GET /api/spotify/trending: Spotify-shaped paging from the cache, rate limited per client."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import stamina
from fastapi.testclient import TestClient
from sqlalchemy import update

from tests.web.conftest import NEW_RELEASES, ClientFactory, wait_for
from trendcache.clock import utcnow
from trendcache.db.models import CacheData
from trendcache.emulators.spotify import SpotifyEmulator
from trendcache.services import Services

URL = "/api/spotify/trending"


def query(link: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(link).query)


def test_spotify_paging_shape(client: TestClient) -> None:
    response = client.get(URL, params={"market": "GB", "limit": 5, "offset": 5})
    assert response.status_code == 200
    assert response.headers["x-cache"] == "fresh"
    albums = response.json()["albums"]
    assert set(albums) == {"href", "items", "limit", "next", "offset", "previous", "total"}
    assert albums["limit"] == 5
    assert albums["offset"] == 5
    assert len(albums["items"]) == 5
    assert albums["total"] > 10
    item = albums["items"][0]
    assert {"album_type", "artists", "id", "images", "name", "release_date", "uri"} <= set(item)
    assert urlsplit(albums["href"]).path == URL
    assert query(albums["href"]) == {"market": ["GB"], "offset": ["5"], "limit": ["5"]}
    assert query(albums["next"])["offset"] == ["10"]
    assert query(albums["previous"])["offset"] == ["0"]


def test_pages_follow_the_cached_order(client: TestClient) -> None:
    whole = client.get(URL, params={"limit": 50}).json()["albums"]
    assert whole["total"] <= NEW_RELEASES
    first = client.get(URL, params={"limit": 3}).json()["albums"]
    assert first["previous"] is None
    assert [a["id"] for a in first["items"]] == [a["id"] for a in whole["items"][:3]]
    second = client.get(first["next"]).json()["albums"]
    assert [a["id"] for a in second["items"]] == [a["id"] for a in whole["items"][3:6]]
    last = client.get(URL, params={"limit": 50, "offset": whole["total"] - 1}).json()["albums"]
    assert len(last["items"]) == 1
    assert last["next"] is None


def test_default_market_is_the_first_configured(client: TestClient) -> None:
    default = client.get(URL).json()["albums"]
    assert query(default["href"])["market"] == ["US"]
    assert default["limit"] == 20


def test_bad_parameters(client: TestClient) -> None:
    for params, field in (
        ({"limit": 0}, "limit"),
        ({"limit": 51}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"offset": -1}, "offset"),
        ({"market": "USA"}, "market"),
    ):
        response = client.get(URL, params=params)
        assert response.status_code == 422, params
        assert response.json()["detail"][0]["loc"] == ["query", field]
    unknown = client.get(URL, params={"market": "JP"})
    assert unknown.status_code == 400
    assert "US, GB" in unknown.json()["detail"]


def test_rate_limited_per_client_with_retry_after(
    make_synced_services: Callable[..., Services], make_client: ClientFactory
) -> None:
    services = make_synced_services(api_rate_limit_per_minute=3)
    client = make_client(services)
    statuses = [client.get(URL).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = client.get(URL)
    assert refused.status_code == 429
    assert refused.json() == {"error": {"status": 429, "message": "API rate limit exceeded"}}
    assert 1 <= int(refused.headers["retry-after"]) <= 61
    other = TestClient(client.app, client=("203.0.113.7", 40000))
    assert other.get(URL).status_code == 200
    services.flusher.flush()  # what the process counted, in the shared table
    assert "trendcache_api_rate_limited_total 2.0" in client.get("/metrics").text


def test_stale_data_is_served_and_a_sync_queued(
    synced_services: Services, make_client: ClientFactory, spotify_emulator: SpotifyEmulator
) -> None:
    with synced_services.database.writer() as session:
        session.execute(update(CacheData).values(expires=utcnow() - timedelta(hours=1)))
    client = make_client(synced_services)
    spotify_emulator.stats.clear()
    response = client.get(URL)
    assert response.status_code == 200
    assert response.headers["x-cache"] == "stale"
    assert response.json()["albums"]["items"]
    assert wait_for(lambda: client.get(URL).headers["x-cache"] == "fresh")
    assert spotify_emulator.stats.total > 0


def test_no_data_runs_the_first_sync_and_serves_it(
    web_services: Services, make_client: ClientFactory
) -> None:
    client = make_client(web_services)
    response = client.get(URL, params={"market": "GB"})
    assert response.status_code == 200
    assert response.headers["x-cache"] == "fresh"
    assert response.json()["albums"]["items"]


def test_no_data_and_a_failing_sync_is_503_with_the_reason(
    web_services: Services, make_client: ClientFactory, spotify_emulator: SpotifyEmulator
) -> None:
    client = make_client(web_services)
    spotify_emulator.faults.outage = True
    with stamina.set_testing(True, attempts=1):
        response = client.get(URL)
    assert response.status_code == 503
    error = response.json()["error"]
    assert error["status"] == 503
    assert "no data for US yet" in error["message"]
    assert "Spotify" in error["message"]
