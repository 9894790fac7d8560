"""GET /api/cache/trending: from memory, with ETags, staleness and clear errors."""

from __future__ import annotations

from datetime import timedelta

import stamina
from fastapi.testclient import TestClient
from sqlalchemy import update

from tests.web.conftest import MARKETS, ClientFactory, wait_for
from trendcache.clock import utcnow
from trendcache.db.models import CacheData
from trendcache.emulators.spotify import SpotifyEmulator
from trendcache.services import Services

URL = "/api/cache/trending"


def test_all_markets_view_with_cache_state(client: TestClient) -> None:
    response = client.get(URL)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["scope"] == "all"
    assert body["markets"] == MARKETS
    assert body["tier"] == "extended"
    assert body["newReleases"]
    assert body["popularAlbums"]
    assert body["trendingArtists"]
    album = body["newReleases"][0]
    assert album["bestPosition"] == 1
    assert set(album["positions"]) <= set(MARKETS)
    assert album["image"].startswith("http")
    assert body["fetchedAt"] is not None
    assert body["expires"] > body["fetchedAt"]
    assert body["stale"] is False
    assert body["refreshing"] is False
    assert body["error"] is None
    assert body["pausedUntil"] is None


def test_one_market(client: TestClient) -> None:
    body = client.get(URL, params={"market": "GB"}).json()
    assert body["scope"] == "GB"
    assert body["markets"] == ["GB"]
    assert all(set(album["positions"]) == {"GB"} for album in body["newReleases"])


def test_lower_case_market_is_the_same_market(client: TestClient) -> None:
    upper = client.get(URL, params={"market": "GB"})
    lower = client.get(URL, params={"market": "gb"})
    assert lower.status_code == 200
    assert lower.content == upper.content


def test_unusual_query_falls_through_to_the_route_with_the_same_answer(client: TestClient) -> None:
    """`?market=US&x=1` skips the lean path; FastAPI's route must answer identically."""
    lean = client.get(URL, params={"market": "US"})
    routed = client.get(URL, params={"market": "US", "unrelated": "1"})
    assert routed.content == lean.content
    assert routed.headers["etag"] == lean.headers["etag"]


def test_etag_and_304(client: TestClient) -> None:
    first = client.get(URL)
    etag = first.headers["etag"]
    assert etag.startswith('"')
    assert etag.endswith('"')
    for header in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        again = client.get(URL, headers={"If-None-Match": header})
        assert again.status_code == 304, header
        assert again.content == b""
        assert again.headers["etag"] == etag
    changed = client.get(URL, headers={"If-None-Match": '"something-else"'})
    assert changed.status_code == 200
    routed = client.get(URL, params={"x": "1"}, headers={"If-None-Match": etag})
    assert routed.status_code == 304


def test_markets_have_their_own_etags(client: TestClient) -> None:
    tags = {client.get(URL, params={"market": m}).headers["etag"] for m in MARKETS}
    tags.add(client.get(URL).headers["etag"])
    assert len(tags) == len(MARKETS) + 1


def test_unknown_market_is_400_naming_the_configured_ones(client: TestClient) -> None:
    response = client.get(URL, params={"market": "FR"})
    assert response.status_code == 400
    message = response.json()["detail"]
    assert "FR" in message
    assert "US, GB" in message


def test_malformed_market_is_422(client: TestClient) -> None:
    for bad in ("USA", "1", "", "U$"):
        response = client.get(URL, params={"market": bad})
        assert response.status_code == 422, bad
        assert response.json()["detail"][0]["loc"] == ["query", "market"]


def test_before_the_first_sync(web_services: Services, make_client: ClientFactory) -> None:
    client = make_client(web_services)
    response = client.get(URL, params={"market": "US"})
    assert response.status_code == 200
    body = response.json()
    assert body["fetchedAt"] is None
    assert body["expires"] is None
    assert body["stale"] is True
    assert body["scope"] == "US"
    assert body["newReleases"] == body["popularAlbums"] == body["trendingArtists"] == []


def test_snapshot_rebuilds_after_a_sync_in_process(
    web_services: Services, make_client: ClientFactory
) -> None:
    client = make_client(web_services)
    empty = client.get(URL)
    assert empty.json()["fetchedAt"] is None
    web_services.syncer.sync("cli")  # on_change wakes the snapshot thread at once
    filled = wait_for(lambda: client.get(URL).json()["fetchedAt"])
    assert filled
    response = client.get(URL, headers={"If-None-Match": empty.headers["etag"]})
    assert response.status_code == 200
    assert response.json()["newReleases"]


def test_stale_flips_when_expires_passes(synced_services: Services, client: TestClient) -> None:
    assert client.get(URL).json()["stale"] is False
    with synced_services.database.writer() as session:
        session.execute(update(CacheData).values(expires=utcnow() - timedelta(seconds=1)))
    body = wait_for(lambda: (b := client.get(URL).json())["stale"] and b)
    assert body["newReleases"]  # stale data is still served


def test_stale_flips_on_time_without_any_write(
    synced_services: Services, make_client: ClientFactory
) -> None:
    """Nothing in the database changes when data expires; the snapshot must still notice."""
    with synced_services.database.writer() as session:
        session.execute(update(CacheData).values(expires=utcnow() + timedelta(seconds=1.5)))
    client = make_client(synced_services)
    assert client.get(URL).json()["stale"] is False
    assert wait_for(lambda: client.get(URL).json()["stale"])
    synced_services.flusher.flush()  # what the process counted, in the shared table
    assert 'trendcache_snapshot_rebuilds_total{reason="expired"} 1.0' in client.get("/metrics").text


def test_failed_refresh_serves_older_data_with_the_error(
    synced_services: Services, client: TestClient, spotify_emulator: SpotifyEmulator
) -> None:
    spotify_emulator.faults.outage = True
    with stamina.set_testing(True, attempts=1):  # fail at once instead of backing off
        result = synced_services.syncer.sync("api", force=True)
    assert result.error
    body = wait_for(lambda: (b := client.get(URL).json())["error"] and b)
    assert body["newReleases"]
    assert body["errorAt"] is not None
