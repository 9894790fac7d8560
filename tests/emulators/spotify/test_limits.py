"""The automatic limits: a rolling 30-second rate window and a rolling 24-hour quota."""

from __future__ import annotations

import httpx2

from tests.fixtures.spotify import local_client, spotify_token
from trendcache.emulators.spotify import SpotifyEmulator


def _call(client: httpx2.Client) -> httpx2.Response:
    return client.get("/artists/" + "0" * 22)  # cheap; a 404 still counts as a request


def _client(emulator: SpotifyEmulator) -> httpx2.Client:
    headers = {"Authorization": f"Bearer {spotify_token(emulator)}"}
    return local_client(base_url=emulator.base_url, headers=headers)


def test_rolling_30_second_window(
    spotify_emulator: SpotifyEmulator, spotify_client: httpx2.Client
) -> None:
    spotify_emulator.faults.rate_limit_per_30s = 3
    assert [_call(spotify_client).status_code for _ in range(3)] == [404] * 3
    limited = _call(spotify_client)
    assert limited.status_code == 429
    assert limited.json() == {"error": {"status": 429, "message": "API rate limit exceeded"}}
    assert 1 <= int(limited.headers["retry-after"]) <= 30
    spotify_emulator.advance(days=0, seconds=31)
    assert _call(spotify_client).status_code == 404


def test_daily_quota_rolls_over_24_hours(
    spotify_emulator: SpotifyEmulator, spotify_client: httpx2.Client
) -> None:
    spotify_emulator.faults.daily_quota = 5
    assert [_call(spotify_client).status_code for _ in range(5)] == [404] * 5
    refused = _call(spotify_client)
    assert refused.status_code == 429
    assert refused.json()["error"]["reason"] == "QUOTA_EXCEEDED"
    assert 86_300 <= int(refused.headers["retry-after"]) <= 86_400
    spotify_emulator.advance(days=0, seconds=12 * 3600)
    with _client(spotify_emulator) as fresh:  # the old token died after an hour
        waiting = _call(fresh)
        assert waiting.status_code == 429
        assert 43_100 <= int(waiting.headers["retry-after"]) <= 43_200
        spotify_emulator.advance(days=0, seconds=12 * 3600)
    with _client(spotify_emulator) as fresh:
        assert _call(fresh).status_code == 404


def test_quota_counts_only_answered_web_api_requests(
    spotify_emulator: SpotifyEmulator, spotify_client: httpx2.Client
) -> None:
    spotify_emulator.faults.daily_quota = 2
    for _ in range(3):
        spotify_token(spotify_emulator)  # the accounts service is not metered
    with local_client(base_url=spotify_emulator.base_url) as anonymous:
        assert _call(anonymous).status_code == 401  # unauthenticated: never reached the API
    spotify_emulator.faults.rate_limit_per_30s = 1
    assert _call(spotify_client).status_code == 404
    assert _call(spotify_client).status_code == 429  # the 30 s window refuses it ...
    spotify_emulator.faults.rate_limit_per_30s = None
    assert _call(spotify_client).status_code == 404  # ... so it used no quota
    assert _call(spotify_client).json()["error"]["reason"] == "QUOTA_EXCEEDED"


def test_reset_clears_the_windows(
    spotify_emulator: SpotifyEmulator, spotify_client: httpx2.Client
) -> None:
    spotify_emulator.faults.daily_quota = 1
    _call(spotify_client)
    assert _call(spotify_client).status_code == 429
    spotify_emulator.reset()
    spotify_emulator.faults.daily_quota = 1
    assert _call(spotify_client).status_code == 404
