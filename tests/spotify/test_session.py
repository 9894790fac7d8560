"""The session's promises, held to over real HTTP: Retry-After, backoff, limits, budget.

Timings are read from the emulator's request log (when each request reached it), never
from our own clock, so these tests prove behaviour without asserting our speed.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tests.fixtures.app import FAST_RETRIES, SettingsFactory
from tests.spotify.conftest import ConnectorFactory, RecordingMeter
from trendcache.clock import utcnow
from trendcache.emulators.spotify import SpotifyEmulator
from trendcache.ratelimit import RateLimitTimeout, per_second, shared_limiter
from trendcache.spotify.errors import (
    RequestBudgetExhausted,
    SpotifyMalformed,
    SpotifyNotFound,
    SpotifyQuotaExceeded,
    SpotifyRateLimited,
    SpotifyUnavailable,
)
from trendcache.spotify.session import SpotifySession

TOKEN = "/api/token"
NEW_RELEASES = "/browse/new-releases"
ONE = {"limit": 1}


def api_requests(emulator: SpotifyEmulator) -> list[tuple[float, int]]:
    """(arrival time, status) of every Web API request, oldest first."""
    return [(r.at, r.status) for r in emulator.stats.requests if r.template != TOKEN]


def session_of(
    make_connector: ConnectorFactory, meter: RecordingMeter | None = None, **overrides: Any
) -> SpotifySession:
    return make_connector(**overrides).client(meter or RecordingMeter()).session


# 429: rate limits and the daily quota


def test_a_429_is_retried_no_sooner_than_its_retry_after(
    spotify_emulator: SpotifyEmulator, make_connector: ConnectorFactory
) -> None:
    spotify_emulator.faults.rate_limit(retry_after=1, count=1)
    document = session_of(make_connector).get("browse/new-releases", ONE)

    assert len(document["albums"]["items"]) == 1
    (limited_at, limited), (retried_at, retried) = api_requests(spotify_emulator)
    assert (limited, retried) == (429, 200)
    assert retried_at - limited_at >= 1.0


def test_a_retry_after_beyond_the_maximum_fails_at_once(
    spotify_emulator: SpotifyEmulator, make_connector: ConnectorFactory
) -> None:
    spotify_emulator.faults.rate_limit(retry_after=30, count=1)
    session = session_of(make_connector, spotify_max_retry_after_seconds=5)

    with pytest.raises(SpotifyRateLimited, match="SPOTIFY_MAX_RETRY_AFTER_SECONDS") as caught:
        session.get("browse/new-releases", ONE)

    assert caught.value.retry_after == 30
    assert [status for _, status in api_requests(spotify_emulator)] == [429]


def test_the_quota_429_is_not_retried_and_says_until_when(
    spotify_emulator: SpotifyEmulator, make_connector: ConnectorFactory
) -> None:
    spotify_emulator.faults.quota_exceeded(retry_after=50_000)
    meter = RecordingMeter()
    session = session_of(make_connector, meter)

    before = utcnow()
    with pytest.raises(SpotifyQuotaExceeded) as caught:
        session.get("browse/new-releases", ONE)
    after = utcnow()

    wait = timedelta(seconds=50_000)
    assert before + wait <= caught.value.until <= after + wait
    assert [status for _, status in api_requests(spotify_emulator)] == [429]
    assert meter.statuses == [429]


def test_the_rolling_30_second_limit_is_ridden_out(
    spotify_emulator: SpotifyEmulator, make_connector: ConnectorFactory
) -> None:
    spotify_emulator.faults.rate_limit_per_30s = 3
    session = session_of(make_connector)
    for _ in range(3):
        session.get("browse/new-releases", ONE)
    # 29 s pass on the emulator: the window frees up in one second, so the 4th request's
    # 429 carries the emulator's own computed Retry-After of 1.
    spotify_emulator.advance(days=0, seconds=29)

    session.get("browse/new-releases", ONE)

    log = api_requests(spotify_emulator)
    assert [status for _, status in log] == [200, 200, 200, 429, 200]
    assert log[4][0] - log[3][0] >= 1.0


# 5xx, timeouts and outages


def test_server_errors_are_retried_until_success(
    spotify_emulator: SpotifyEmulator, make_connector: ConnectorFactory
) -> None:
    for status in (500, 502, 503):
        spotify_emulator.faults.server_error(status=status, count=1)

    document = session_of(make_connector).get("browse/new-releases", ONE)

    assert len(document["albums"]["items"]) == 1
    assert [status for _, status in api_requests(spotify_emulator)] == [500, 502, 503, 200]


def test_persistent_server_errors_end_in_unavailable(
    spotify_emulator: SpotifyEmulator, make_connector: ConnectorFactory
) -> None:
    spotify_emulator.faults.server_error(status=503, count=None)

    with pytest.raises(SpotifyUnavailable, match="503"):
        session_of(make_connector).get("browse/new-releases", ONE)

    assert [status for _, status in api_requests(spotify_emulator)] == [503] * FAST_RETRIES.attempts


def test_a_response_slower_than_the_timeout_is_retried(
    spotify_emulator: SpotifyEmulator, make_connector: ConnectorFactory
) -> None:
    spotify_emulator.faults.slow(1.0, count=1, path_prefix=NEW_RELEASES)
    meter = RecordingMeter()

    document = session_of(make_connector, meter, spotify_timeout_seconds=0.3).get(
        "browse/new-releases", ONE
    )

    assert len(document["albums"]["items"]) == 1
    assert meter.statuses == [None, 200]  # the timed-out attempt had no response


@pytest.mark.parametrize("token_cached", [True, False])
def test_a_full_outage_ends_in_unavailable_after_retries(
    spotify_emulator: SpotifyEmulator, make_connector: ConnectorFactory, token_cached: bool
) -> None:
    session = session_of(make_connector)
    if token_cached:
        session.get("browse/new-releases", ONE)
        spotify_emulator.stats.clear()
    spotify_emulator.faults.outage = True

    with pytest.raises(SpotifyUnavailable, match="unreachable"):
        session.get("browse/new-releases", ONE)

    dropped = [r for r in spotify_emulator.stats.requests if r.status == 0]
    assert len(dropped) == FAST_RETRIES.attempts
    assert {r.template for r in dropped} == {NEW_RELEASES if token_cached else TOKEN}


# Errors that are not retried


def test_a_404_is_not_retried(
    spotify_emulator: SpotifyEmulator, make_connector: ConnectorFactory
) -> None:
    with pytest.raises(SpotifyNotFound):
        session_of(make_connector).get("albums/0000000000000000000000")
    assert [status for _, status in api_requests(spotify_emulator)] == [404]


@pytest.mark.parametrize(
    "link",
    [
        "https://api.spotify.com/v1/browse/new-releases?offset=20&limit=20",
        "http://127.0.0.2:{port}/v1/browse/new-releases",
        "https://127.0.0.1:{port}/v1/browse/new-releases",
        "http://127.0.0.1:{port}/_emulator/reset",
    ],
)
def test_links_off_the_configured_api_are_refused_unsent(
    spotify_emulator: SpotifyEmulator, make_connector: ConnectorFactory, link: str
) -> None:
    with pytest.raises(SpotifyMalformed, match="off the configured API host"):
        session_of(make_connector).get(link.format(port=spotify_emulator.port))
    assert spotify_emulator.stats.total == 0


# The shared limiter


def test_the_configured_per_minute_limit_holds_back_the_next_request(
    spotify_emulator: SpotifyEmulator, make_connector: ConnectorFactory
) -> None:
    connector = make_connector(spotify_requests_per_minute=6)
    session = connector.client(RecordingMeter()).session
    for _ in range(6):
        session.get("browse/new-releases", ONE)

    # A seventh slot only opens a minute after the first: not within the next 0.3 s.
    with pytest.raises(RateLimitTimeout):
        connector.limiter.wait(timeout=0.3)
    assert len(api_requests(spotify_emulator)) == 6


def test_requests_past_the_shared_limit_wait_for_a_new_window(
    spotify_emulator: SpotifyEmulator,
    make_connector: ConnectorFactory,
    make_settings: SettingsFactory,
) -> None:
    # Two connectors stand for two processes sharing the SQLite bucket in the test's
    # DATA_DIR; a one-second window instead of the configured minute keeps the test short.
    settings = make_settings()
    sessions = [
        make_connector(limiter=shared_limiter("spotify", [per_second(3, 1)], settings))
        .client(RecordingMeter())
        .session
        for _ in range(2)
    ]
    for session in (*sessions, *sessions):
        session.get("browse/new-releases", ONE)

    arrivals = [at for at, _ in api_requests(spotify_emulator)]
    assert len(arrivals) == 4
    assert arrivals[3] - arrivals[0] >= 1.0  # the 4th took a slot in the next window


# The request meter


def test_the_meter_sees_every_request_and_its_outcome(
    spotify_emulator: SpotifyEmulator, make_connector: ConnectorFactory
) -> None:
    meter = RecordingMeter()
    session = session_of(make_connector, meter)
    session.get("browse/new-releases", ONE)
    spotify_emulator.faults.server_error(status=502, count=1)
    spotify_emulator.faults.revoke_tokens()
    session.get("browse/new-releases", ONE)
    with pytest.raises(SpotifyNotFound):
        session.get("albums/0000000000000000000000")

    assert meter.statuses == [status for _, status in api_requests(spotify_emulator)]
    assert meter.statuses == [200, 401, 502, 200, 404]
    assert meter.started == len(meter.statuses)


def test_a_failed_token_fetch_leaves_the_meter_balanced(
    spotify_emulator: SpotifyEmulator, make_connector: ConnectorFactory
) -> None:
    # DailyBudget counts a request as in flight from before_request to after_response;
    # a token fetch that fails in between must not leave one in flight for good.
    spotify_emulator.faults.server_error(status=503, count=1, path_prefix=TOKEN)
    meter = RecordingMeter()

    session_of(make_connector, meter).get("browse/new-releases", ONE)

    assert spotify_emulator.stats.count(TOKEN, status=503) == 1
    assert meter.statuses == [200]
    assert meter.started == 1


def test_a_spent_budget_stops_requests_before_they_are_sent(
    spotify_emulator: SpotifyEmulator, make_connector: ConnectorFactory
) -> None:
    meter = RecordingMeter(allow=1)
    client = make_connector().client(meter)
    client.session.get("browse/new-releases", ONE)
    spotify_emulator.stats.clear()

    with pytest.raises(RequestBudgetExhausted):
        client.new_releases(100)

    assert spotify_emulator.stats.total == 0
    assert meter.statuses == [200]


def test_a_budget_running_out_mid_listing_stops_the_paging(
    spotify_emulator: SpotifyEmulator, make_connector: ConnectorFactory
) -> None:
    meter = RecordingMeter(allow=2)
    client = make_connector().client(meter)

    with pytest.raises(RequestBudgetExhausted):
        client.search_new_albums("US", 100, page=20)

    assert meter.statuses == [200, 200]
    assert len(api_requests(spotify_emulator)) == 2
