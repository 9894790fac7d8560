"""What stands between a client and the data: identity, format, pace, load, outages."""

from __future__ import annotations

import time

import httpx2
import pytest

from tests.fixtures.musicbrainz import USER_AGENT
from tests.fixtures.spotify import local_client
from trendcache.emulators.musicbrainz import MusicBrainzEmulator

RATE_LIMITED = (
    b'{"error": "Your requests are exceeding the allowable rate limit. Please see '
    b'http://wiki.musicbrainz.org/XMLWebService for more information."}\n'
)
BUSY = b'{"error": "The MusicBrainz web server is currently busy. Please try again later."}\n'
PROBE = "/release/00000000-0000-4000-8000-000000000000"  # cheap; 404 still counts


def _client(emulator: MusicBrainzEmulator, agent: str | None = USER_AGENT) -> httpx2.Client:
    client = local_client(base_url=emulator.base_url, params={"fmt": "json"})
    if agent is None:
        del client.headers["user-agent"]
    else:
        client.headers["user-agent"] = agent
    return client


@pytest.fixture
def paced(musicbrainz_emulator: MusicBrainzEmulator) -> MusicBrainzEmulator:
    """The emulator at MusicBrainz's real pace: one request per second per client."""
    musicbrainz_emulator.requests_per_second = 1.0
    return musicbrainz_emulator


def test_two_requests_within_a_second_the_second_is_refused_and_counted(
    paced: MusicBrainzEmulator,
) -> None:
    with _client(paced) as client:
        assert client.get(PROBE).status_code == 404
        refused = client.get(PROBE)
    assert refused.status_code == 503 and refused.content == RATE_LIMITED
    headers = refused.headers
    assert headers["content-type"] == "application/json; charset=utf-8"
    assert headers["x-ratelimit-zone"] == "ws ip=127.0.0.1"
    assert headers["retry-after"] == "1"
    assert (headers["x-ratelimit-limit"], headers["x-ratelimit-remaining"]) == ("1", "0")
    assert time.time() <= int(headers["x-ratelimit-reset"]) <= time.time() + 2
    assert (headers["server"], headers["x-mb-rate-limiter"]) == ("openresty", "lua")
    (violation,) = paced.stats.violations
    assert violation.status == 503 and violation.client == f"127.0.0.1 {USER_AGENT}"
    assert violation.zone == "ws ip=127.0.0.1"


def test_clients_are_keyed_by_address_and_user_agent(paced: MusicBrainzEmulator) -> None:
    with _client(paced) as first, _client(paced, "other-app/2.0 ( ops@example.org )") as other:
        assert first.get(PROBE).status_code == 404
        assert other.get(PROBE).status_code == 404  # another application: its own budget
        with _client(paced) as second_worker:  # same app, same machine: the same budget
            assert second_worker.get(PROBE).status_code == 503
    assert len(paced.stats.violations) == 1
    assert len(paced.stats.by_client) == 2


def test_a_client_keeping_its_pace_is_never_refused(paced: MusicBrainzEmulator) -> None:
    with _client(paced) as client:
        first = client.get(PROBE)
        time.sleep(1.0)
        second = client.get(PROBE)
    assert (first.status_code, second.status_code) == (404, 404)
    assert paced.stats.violations == []
    gap = paced.stats.requests[1].arrived - paced.stats.requests[0].arrived
    assert gap >= 1.0


def test_a_faster_rate_allows_that_many_requests_per_second(
    musicbrainz_emulator: MusicBrainzEmulator,
) -> None:
    musicbrainz_emulator.requests_per_second = 4
    with _client(musicbrainz_emulator) as client:
        statuses = [client.get(PROBE).status_code for _ in range(5)]
    assert statuses == [404, 404, 404, 404, 503]
    assert len(musicbrainz_emulator.stats.violations) == 1


def test_global_load_shedding_is_another_zone_and_no_violation(
    musicbrainz_emulator: MusicBrainzEmulator, musicbrainz_client: httpx2.Client
) -> None:
    musicbrainz_emulator.faults.overloaded(2)
    shed = [musicbrainz_client.get(PROBE) for _ in range(2)]
    assert all(r.status_code == 503 and r.content == BUSY for r in shed)
    assert shed[0].headers["x-ratelimit-zone"] == "global"
    assert shed[0].headers["retry-after"] == "0"  # as captured: retrying at once is a trap
    assert musicbrainz_client.get(PROBE).status_code == 404
    assert musicbrainz_emulator.stats.violations == []
    assert [r.zone for r in musicbrainz_emulator.stats.requests] == ["global", "global", None]


def test_a_shed_request_still_uses_up_the_clients_second(paced: MusicBrainzEmulator) -> None:
    paced.faults.overloaded(1)
    with _client(paced) as client:
        assert client.get(PROBE).headers["x-ratelimit-zone"] == "global"
        retried_at_once = client.get(PROBE)  # honouring "Retry-After: 0" literally
    assert retried_at_once.headers["x-ratelimit-zone"] == "ws ip=127.0.0.1"
    assert len(paced.stats.violations) == 1


def test_overload_until_reset(
    musicbrainz_emulator: MusicBrainzEmulator, musicbrainz_client: httpx2.Client
) -> None:
    musicbrainz_emulator.faults.overloaded(None)
    assert {musicbrainz_client.get(PROBE).status_code for _ in range(5)} == {503}
    musicbrainz_emulator.reset()
    assert musicbrainz_client.get(PROBE).status_code == 404
    with pytest.raises(ValueError, match="positive"):
        musicbrainz_emulator.faults.overloaded(0)


@pytest.mark.parametrize(
    "agent", [None, "", "python-requests/2.32.3", "python-httpx2/2.16.2", "curl/8.5.0"]
)
def test_unidentified_clients_are_refused_before_they_count(
    paced: MusicBrainzEmulator, agent: str | None
) -> None:
    with _client(paced, agent) as anonymous:
        refused = anonymous.get(PROBE)
    assert refused.status_code == 403
    assert refused.json()["error"].startswith("Your requests are being throttled by MusicBrainz")
    assert refused.headers["x-ratelimit-who"] == "ua-missing"
    with _client(paced) as identified:
        assert identified.get(PROBE).status_code == 404
    assert paced.stats.violations == [] and paced.stats.by_status == {403: 1, 404: 1}


def test_a_library_agent_with_a_contact_is_accepted(paced: MusicBrainzEmulator) -> None:
    with _client(paced, "curl/8.5.0 ( ops@example.org )") as client:
        assert client.get(PROBE).status_code == 404


@pytest.mark.parametrize(
    ("params", "headers", "status", "says"),
    [
        ({}, {}, 406, "answers JSON only"),
        ({"fmt": "xml"}, {}, 406, "answers JSON only"),
        ({"fmt": "yaml"}, {}, 406, "Invalid format"),
        ({}, {"accept": "application/json"}, 404, ""),
        ({"fmt": "json"}, {}, 404, ""),
    ],
)
def test_json_must_be_asked_for(
    musicbrainz_emulator: MusicBrainzEmulator,
    params: dict[str, str],
    headers: dict[str, str],
    status: int,
    says: str,
) -> None:
    with local_client(
        base_url=musicbrainz_emulator.base_url, headers={"user-agent": USER_AGENT}
    ) as client:
        response = client.get(PROBE, params=params, headers=headers)
    assert response.status_code == status
    if status == 406:
        assert response.headers["content-type"] == "application/xml; charset=utf-8"
        assert response.text.startswith('<?xml version="1.0"') and says in response.text


def test_outage_drops_connections_but_not_the_control_surface(
    musicbrainz_emulator: MusicBrainzEmulator,
) -> None:
    musicbrainz_emulator.faults.outage = True
    with _client(musicbrainz_emulator) as client:
        with pytest.raises(httpx2.TransportError):
            client.get(PROBE)
        with local_client() as control:
            assert control.get(f"{musicbrainz_emulator.root_url}/_emulator").status_code == 200
        musicbrainz_emulator.faults.outage = False
        assert client.get(PROBE).status_code == 404
    dropped, answered = musicbrainz_emulator.stats.requests
    assert (dropped.status, dropped.template, dropped.client) == (
        0,
        "/ws/2/release/{mbid}",
        answered.client,
    )


def test_latency_slows_every_answer(
    musicbrainz_emulator: MusicBrainzEmulator, musicbrainz_client: httpx2.Client
) -> None:
    musicbrainz_emulator.faults.latency = 0.15
    started = time.monotonic()
    assert musicbrainz_client.get(PROBE).status_code == 404
    assert time.monotonic() - started >= 0.15
    musicbrainz_emulator.reset()
    assert musicbrainz_emulator.faults.latency == 0.0


def test_only_reads_and_known_paths(
    musicbrainz_emulator: MusicBrainzEmulator, musicbrainz_client: httpx2.Client
) -> None:
    posted = musicbrainz_client.post("/release", params={"query": "tracks:1"})
    assert (
        posted.status_code == 405
        and posted.json()["error"] == "POST is not allowed on this endpoint."
    )
    assert musicbrainz_client.get("/artist/x").status_code == 404
    assert musicbrainz_emulator.stats.by_endpoint == {"/ws/2/release": 1, "<unknown>": 1}
