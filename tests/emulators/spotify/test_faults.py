"""Every fault switch, seen from a client over real HTTP."""

from __future__ import annotations

import asyncio
import json
import time

import httpx2
import pytest

from tests.fixtures.spotify import LOCAL_TLS, local_client, spotify_token
from trendcache.emulators.spotify import SpotifyEmulator

SEARCH = ("/search", {"q": "tag:new", "type": "album"})


def _search(client: httpx2.Client) -> httpx2.Response:
    path, params = SEARCH
    return client.get(path, params=params)


def test_rate_limit_fault_counts_and_targets(
    spotify_emulator: SpotifyEmulator, spotify_client: httpx2.Client
) -> None:
    spotify_emulator.faults.rate_limit(retry_after=7, count=2, path_prefix="/search")
    assert spotify_client.get("/browse/new-releases").status_code == 200  # not targeted
    for _ in range(2):
        limited = _search(spotify_client)
        assert limited.status_code == 429
        assert limited.headers["retry-after"] == "7"
        assert "reason" not in limited.json()["error"]
    assert _search(spotify_client).status_code == 200


def test_quota_fault_lasts_until_reset(
    spotify_emulator: SpotifyEmulator, spotify_client: httpx2.Client
) -> None:
    spotify_emulator.faults.quota_exceeded()
    for _ in range(3):
        response = _search(spotify_client)
        assert response.status_code == 429
        assert response.headers["retry-after"] == "50000"
        assert response.json() == {
            "error": {"status": 429, "message": "Too many requests", "reason": "QUOTA_EXCEEDED"}
        }
    spotify_emulator.reset()
    assert _search(spotify_client).status_code == 200


def test_server_error_fault(
    spotify_emulator: SpotifyEmulator, spotify_client: httpx2.Client
) -> None:
    spotify_emulator.faults.server_error(status=502, path_prefix="/v1/albums")
    assert _search(spotify_client).status_code == 200
    album_id = _search(spotify_client).json()["albums"]["items"][0]["id"]
    failed = spotify_client.get(f"/albums/{album_id}")
    assert failed.status_code == 502
    assert failed.json() == {"error": {"status": 502, "message": "Bad gateway"}}
    assert spotify_client.get(f"/albums/{album_id}").status_code == 200
    with pytest.raises(ValueError, match="5xx"):
        spotify_emulator.faults.server_error(status=404)


def test_faults_can_target_the_token_endpoint(spotify_emulator: SpotifyEmulator) -> None:
    spotify_emulator.faults.server_error(status=503, path_prefix="/api/token")
    with pytest.raises(httpx2.HTTPStatusError):
        spotify_token(spotify_emulator)
    assert spotify_token(spotify_emulator)


def test_latency_delays_every_response_but_requests_overlap(
    spotify_emulator: SpotifyEmulator,
) -> None:
    spotify_emulator.faults.latency = 0.3
    headers = {"Authorization": f"Bearer {spotify_token(spotify_emulator)}"}

    async def burst() -> list[int]:
        async with httpx2.AsyncClient(
            base_url=spotify_emulator.base_url, headers=headers, verify=LOCAL_TLS
        ) as c:
            responses = await asyncio.gather(*(c.get("/artists/" + "0" * 22) for _ in range(6)))
        return [r.status_code for r in responses]

    started = time.monotonic()
    assert asyncio.run(burst()) == [404] * 6
    elapsed = time.monotonic() - started
    assert 0.3 <= elapsed < 1.2  # six sequential responses would take 1.8 s


def test_slow_response_trips_client_timeouts(
    spotify_emulator: SpotifyEmulator, spotify_client: httpx2.Client
) -> None:
    spotify_emulator.faults.slow(0.5, count=1, path_prefix="/search")
    path, params = SEARCH
    with pytest.raises(httpx2.ReadTimeout):
        spotify_client.get(path, params=params, timeout=0.15)
    started = time.monotonic()
    assert _search(spotify_client).status_code == 200
    assert time.monotonic() - started < 0.4


def test_token_ttl_and_expiry(spotify_emulator: SpotifyEmulator) -> None:
    spotify_emulator.faults.token_ttl = 0
    with local_client(base_url=spotify_emulator.accounts_url) as client:
        issued = client.post(
            "/api/token",
            data={"grant_type": "client_credentials"},
            auth=(spotify_emulator.client_id, spotify_emulator.client_secret),
        ).json()
    assert issued["expires_in"] == 0
    headers = {"Authorization": f"Bearer {issued['access_token']}"}
    with local_client(base_url=spotify_emulator.base_url, headers=headers) as api:
        expired = _search(api)
    assert expired.status_code == 401
    assert expired.json()["error"]["message"] == "The access token expired"
    assert 'error="invalid_token"' in expired.headers["www-authenticate"]


def test_tokens_expire_as_the_clock_advances(
    spotify_emulator: SpotifyEmulator, spotify_client: httpx2.Client
) -> None:
    assert _search(spotify_client).status_code == 200
    spotify_emulator.advance(days=0, seconds=3599)
    assert _search(spotify_client).status_code == 200
    spotify_emulator.advance(days=0, seconds=2)
    assert _search(spotify_client).status_code == 401


def test_revoke_tokens_expires_only_existing_ones(
    spotify_emulator: SpotifyEmulator, spotify_client: httpx2.Client
) -> None:
    spotify_emulator.faults.revoke_tokens()
    assert _search(spotify_client).json()["error"]["message"] == "The access token expired"
    fresh = {"Authorization": f"Bearer {spotify_token(spotify_emulator)}"}
    with local_client(base_url=spotify_emulator.base_url, headers=fresh) as client:
        assert _search(client).status_code == 200


@pytest.mark.parametrize("kind", ["truncated", "not_json", "wrong_shape", "empty"])
def test_malformed_bodies(
    kind: str, spotify_emulator: SpotifyEmulator, spotify_client: httpx2.Client
) -> None:
    spotify_emulator.faults.malformed(kind=kind)  # type: ignore[arg-type]
    response = _search(spotify_client)
    assert response.status_code == 200
    if kind == "wrong_shape":
        items = response.json()["albums"]["items"]
        assert items
        assert all("id" not in i and "name" not in i for i in items)
    elif kind == "not_json":
        assert response.headers["content-type"].startswith("text/html")
        assert response.text.startswith("<!DOCTYPE html>")
    else:
        assert response.headers["content-type"] == "application/json; charset=utf-8"
        with pytest.raises(json.JSONDecodeError):
            json.loads(response.content)
        assert (response.content == b"") is (kind == "empty")
    assert _search(spotify_client).json()["albums"]["items"][0]["id"]


def test_outage_drops_connections_everywhere_but_control(
    spotify_emulator: SpotifyEmulator, spotify_client: httpx2.Client
) -> None:
    spotify_emulator.faults.outage = True
    with pytest.raises(httpx2.TransportError):
        _search(spotify_client)
    with pytest.raises(httpx2.TransportError):
        spotify_token(spotify_emulator)
    with local_client() as control:
        assert control.get(f"{spotify_emulator.accounts_url}/_emulator").status_code == 200
        control.post(f"{spotify_emulator.accounts_url}/_emulator/faults", json={"outage": False})
    assert _search(spotify_client).status_code == 200
    assert spotify_emulator.stats.count("/search", status=0) == 1
    assert spotify_emulator.stats.count("/api/token", status=0) == 1


def test_stats_record_faulted_requests(
    spotify_emulator: SpotifyEmulator, spotify_client: httpx2.Client
) -> None:
    spotify_emulator.faults.server_error(count=1)
    spotify_emulator.faults.rate_limit(count=1)
    statuses = [_search(spotify_client).status_code for _ in range(3)]
    assert statuses == [503, 429, 200]
    stats = spotify_emulator.stats
    assert stats.count("/search") == 3
    assert stats.by_status[503] == stats.by_status[429] == 1
    assert stats.by_endpoint["/api/token"] == 1  # the fixture's token
    assert [r.status for r in stats.requests if r.template == "/search"] == statuses


def test_count_must_be_positive(spotify_emulator: SpotifyEmulator) -> None:
    with pytest.raises(ValueError, match="count"):
        spotify_emulator.faults.rate_limit(count=0)
