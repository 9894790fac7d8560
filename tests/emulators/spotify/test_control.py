"""The ``/_emulator/`` HTTP control surface used by other processes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import httpx2
import pytest

from tests.fixtures.spotify import local_client
from trendcache.emulators.spotify import SpotifyEmulator


@pytest.fixture
def control(spotify_emulator: SpotifyEmulator) -> Iterator[httpx2.Client]:
    with local_client(base_url=f"{spotify_emulator.accounts_url}/_emulator") as client:
        yield client


def test_summary_describes_the_running_emulator(
    spotify_emulator: SpotifyEmulator, control: httpx2.Client
) -> None:
    summary = control.get("").json()
    assert summary["tier"] == "extended"
    assert summary["today"] == spotify_emulator.today.isoformat()
    assert summary["catalog"]["albums"] == len(spotify_emulator.catalog.albums)
    assert set(summary["catalog"]["new_releases"]) >= {"US", "JP", "BR"}


def test_tier_switch(
    spotify_emulator: SpotifyEmulator, control: httpx2.Client, spotify_client: httpx2.Client
) -> None:
    assert control.post("/tier", json={"tier": "development"}).json() == {"tier": "development"}
    assert spotify_emulator.tier == "development"
    assert spotify_client.get("/browse/new-releases").status_code == 403
    assert control.post("/tier", json={"tier": "gold"}).status_code == 400


def test_faults_over_http(
    spotify_emulator: SpotifyEmulator, control: httpx2.Client, spotify_client: httpx2.Client
) -> None:
    state = control.post(
        "/faults",
        json={
            "rate_limit": {"retry_after": 4, "count": 1, "path_prefix": "/search"},
            "server_error": [{"status": 500, "path_prefix": "/artists"}],
            "daily_quota": 1100,
            "latency": 0.01,
        },
    ).json()
    assert state["daily_quota"] == spotify_emulator.faults.daily_quota == 1100
    assert [r["kind"] for r in state["rules"]] == ["rate_limit", "server_error"]
    limited = spotify_client.get("/search", params={"q": "x", "type": "album"})
    assert (limited.status_code, limited.headers["retry-after"]) == (429, "4")
    assert spotify_client.get("/artists/" + "0" * 22).status_code == 500
    assert control.get("/faults").json()["rules"] == []
    control.post("/faults", json={"revoke_tokens": True, "token_ttl": 60})
    assert spotify_client.get("/artists/" + "0" * 22).status_code == 401
    assert spotify_emulator.faults.token_ttl == 60


@pytest.mark.parametrize(
    "body",
    [{"explode": True}, {"malformed": {"kind": "sideways"}}, {"slow": {"second": 1}}, [1, 2]],
)
def test_bad_fault_requests_are_refused(body: object, control: httpx2.Client) -> None:
    response = control.post("/faults", json=body)
    assert response.status_code == 400
    assert response.json()["error"]


def test_stats_advance_and_reset(
    spotify_emulator: SpotifyEmulator, control: httpx2.Client, spotify_client: httpx2.Client
) -> None:
    spotify_client.get("/search", params={"q": "x", "type": "album"})
    stats = control.get("/stats").json()
    assert stats["total"] == 2  # the fixture's token and the search; control calls not counted
    assert stats["by_endpoint"] == {"/api/token": 1, "/search": 1}
    assert stats["by_status"] == {"200": 2}
    assert stats["requests"][-1]["query"] == "q=x&type=album"
    start = spotify_emulator.today
    moved = control.post("/advance", json={"days": 3}).json()
    assert moved == {"today": (start + timedelta(days=3)).isoformat()}
    assert spotify_emulator.catalog.today == start + timedelta(days=3)
    control.post("/faults", json={"outage": True})
    reset = control.post("/reset").json()
    assert reset["today"] == start.isoformat()
    assert reset["faults"]["outage"] is False
    assert control.get("/stats").json()["total"] == 0
