"""``/_emulator``: reset, stats and faults for other processes (the demo, end-to-end runs)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx2
import pytest

from tests.fixtures.spotify import local_client
from trendcache.emulators.musicbrainz import MusicBrainzEmulator

PROBE = "/release/00000000-0000-4000-8000-000000000000"


@pytest.fixture
def control(musicbrainz_emulator: MusicBrainzEmulator) -> Iterator[httpx2.Client]:
    with local_client(base_url=f"{musicbrainz_emulator.root_url}/_emulator") as client:
        yield client


def test_stats_and_reset_over_http(
    musicbrainz_emulator: MusicBrainzEmulator,
    musicbrainz_client: httpx2.Client,
    control: httpx2.Client,
) -> None:
    musicbrainz_emulator.requests_per_second = 1
    musicbrainz_client.get(PROBE)
    musicbrainz_client.get(PROBE)
    stats = control.get("/stats").json()
    assert (stats["total"], stats["violations"]) == (2, 1)
    assert stats["by_status"] == {"404": 1, "503": 1}
    assert [r["violation"] for r in stats["requests"]] == [False, True]
    assert stats["requests"][1]["zone"] == "ws ip=127.0.0.1"
    summary = control.post("/reset").json()
    assert summary["catalog"]["albums"] == len(musicbrainz_emulator.truth)
    assert control.get("/stats").json()["total"] == 0  # the control surface is not logged
    assert musicbrainz_client.get(PROBE).status_code == 404  # windows were reset too


def test_faults_over_http(
    musicbrainz_emulator: MusicBrainzEmulator,
    musicbrainz_client: httpx2.Client,
    control: httpx2.Client,
) -> None:
    set_faults = {"overloaded": 1, "latency": 0.01, "requests_per_second": 50}
    faults = control.post("/faults", json=set_faults).json()
    assert faults["faults"] == {
        "latency": 0.01,
        "outage": False,
        "hostile_names": False,
        "overloaded": 1,
    }
    assert faults["requests_per_second"] == musicbrainz_emulator.requests_per_second == 50
    assert musicbrainz_client.get(PROBE).headers["x-ratelimit-zone"] == "global"
    assert control.post("/faults", json={"overloaded": None}).json()["faults"]["overloaded"] == (
        "until reset"
    )
    assert control.post("/faults", json={"outage": True}).status_code == 200
    assert musicbrainz_emulator.faults.outage
    assert control.post("/faults", json={"hostile_names": True}).json()["faults"]["hostile_names"]
    assert musicbrainz_emulator.faults.hostile_names
    control.post("/reset")
    assert control.get("/faults").json()["faults"] == {
        "latency": 0.0,
        "outage": False,
        "hostile_names": False,
        "overloaded": 0,
    }


@pytest.mark.parametrize(
    "body", [b'{"volume": 11}', b"[1, 2]", b"{not json", b'{"requests_per_second": 0}']
)
def test_bad_fault_requests_are_refused(control: httpx2.Client, body: bytes) -> None:
    response = control.post("/faults", content=body)
    assert response.status_code == 400 and response.json()["error"]
