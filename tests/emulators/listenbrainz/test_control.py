"""The emulator's fault switches and control surface, as another process would use them."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx2
import pytest

from tests.fixtures.musicbrainz import USER_AGENT
from tests.fixtures.spotify import local_client
from trendcache.emulators.listenbrainz import ListenBrainzEmulator

CHART = "/1/stats/sitewide/release-groups"


@pytest.fixture
def http(listenbrainz_emulator: ListenBrainzEmulator) -> Iterator[httpx2.Client]:
    headers = {"User-Agent": USER_AGENT}
    with local_client(base_url=listenbrainz_emulator.base_url, headers=headers) as client:
        yield client


def test_counted_faults_answer_in_turn_then_heal(
    http: httpx2.Client, listenbrainz_emulator: ListenBrainzEmulator
) -> None:
    body = {"outage": 1, "too_many_requests": 1, "reset_in": 4, "malformed_json": 1}
    summary = http.post("/_emulator/faults", json=body).json()
    assert summary["faults"]["outage"] == 1

    outage, limited, broken, healthy = (http.get(CHART) for _ in range(4))

    assert (outage.status_code, outage.headers["content-type"]) == (503, "text/html; charset=utf-8")
    assert limited.status_code == 429
    assert limited.headers["x-ratelimit-remaining"] == "0"
    assert limited.headers["x-ratelimit-reset-in"] == "4"
    assert "retry-after" not in limited.headers, "ListenBrainz sends none"
    assert broken.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        json.loads(broken.content)
    assert healthy.status_code == 200
    log = listenbrainz_emulator.stats.requests
    assert [r.fault for r in log] == ["outage", "too_many_requests", "malformed_json", None]


def test_past_the_limit_comes_429_and_the_headers_count_down(
    http: httpx2.Client, listenbrainz_emulator: ListenBrainzEmulator
) -> None:
    http.post("/_emulator/faults", json={"limit_per_ip": 2, "window": 30})

    answers = [http.get(CHART, params={"count": 1}) for _ in range(3)]

    assert [a.status_code for a in answers] == [200, 200, 429]
    assert [a.headers["x-ratelimit-remaining"] for a in answers] == ["1", "0", "0"]
    assert all(a.headers["x-ratelimit-limit"] == "2" for a in answers)
    assert all(0 < int(a.headers["x-ratelimit-reset-in"]) <= 30 for a in answers)
    assert answers[2].text.startswith("You have exceeded your rate limit.")


def test_a_token_is_counted_apart_with_its_own_limit(
    http: httpx2.Client, listenbrainz_emulator: ListenBrainzEmulator
) -> None:
    http.post("/_emulator/faults", json={"limit_per_ip": 1, "limit_per_token": 3})

    anonymous = http.get(CHART)
    with_token = http.get(CHART, headers={"Authorization": "Token abc"})

    assert anonymous.headers["x-ratelimit-limit"] == "1"
    assert with_token.status_code == 200
    assert with_token.headers["x-ratelimit-limit"] == "3"
    assert with_token.headers["x-ratelimit-remaining"] == "2"


def test_unknown_fault_fields_are_refused_and_reset_heals(
    http: httpx2.Client, listenbrainz_emulator: ListenBrainzEmulator
) -> None:
    refused = http.post("/_emulator/faults", json={"explode": True})
    assert refused.status_code == 400
    http.post("/_emulator/faults", json={"stats_not_computed": True, "outage": 5})
    assert http.get(CHART).status_code == 503

    summary = http.post("/_emulator/reset").json()

    assert summary["faults"]["outage"] == 0
    assert summary["faults"]["stats_not_computed"] is False
    assert http.get(CHART).status_code == 200
    assert listenbrainz_emulator.stats.total == 1


def test_an_unknown_path_is_a_listenbrainz_404(http: httpx2.Client) -> None:
    response = http.get("/1/stats/sitewide/nothing")
    assert response.status_code == 404
    assert response.json()["code"] == 404
