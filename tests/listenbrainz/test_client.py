"""The client's promises, held to over real HTTP against the ListenBrainz emulator.

Timings come from the emulator's request log (when each request reached it), so these
tests prove what ListenBrainz would see, not how fast our side thinks it went.
"""

from __future__ import annotations

from datetime import timedelta
from itertools import pairwise
from urllib.parse import parse_qs

import pytest

from tests.fixtures.listenbrainz import ListenBrainzSettings
from tests.fixtures.musicbrainz import USER_AGENT
from tests.listenbrainz.conftest import ConnectorFactory
from trendcache.emulators.listenbrainz import ListenBrainzEmulator, RequestRecord
from trendcache.listenbrainz.client import ListenBrainzClient, validate
from trendcache.listenbrainz.connector import listenbrainz_connector
from trendcache.listenbrainz.errors import (
    ListenBrainzMalformed,
    ListenBrainzRateLimited,
    ListenBrainzRefused,
    ListenBrainzUnavailable,
    ListenBrainzUserAgentError,
)
from trendcache.listenbrainz.models import (
    FreshReleasesDocument,
    FreshSort,
    StatsNotComputed,
    StatsRange,
)
from trendcache.listenbrainz.sanitize import clean_document
from trendcache.tally import Tally
from trendcache.upstream_metrics import REQUESTS

CHART = "/1/stats/sitewide/release-groups"
FRESH = "/1/explore/fresh-releases/"


def gaps(requests: list[RequestRecord]) -> list[float]:
    return [later.arrived - earlier.arrived for earlier, later in pairwise(requests)]


# What comes back


def test_fresh_releases_are_typed_and_asked_for_as_given(
    client: ListenBrainzClient, listenbrainz_emulator: ListenBrainzEmulator
) -> None:
    pivot = listenbrainz_emulator.catalog.today - timedelta(days=10)
    fresh = client.fresh_releases(
        release_date=pivot, days=20, sort=FreshSort.ARTIST_CREDIT_NAME, future=False
    )

    assert fresh.total_count == len(fresh.releases) > 0
    assert all(pivot - timedelta(days=20) <= r.release_date <= pivot for r in fresh.releases)
    names = [r.artist_credit_name for r in fresh.releases]
    assert names == sorted(names)
    (request,) = listenbrainz_emulator.stats.requests
    assert parse_qs(request.query) == {
        "release_date": [pivot.isoformat()],
        "days": ["20"],
        "sort": ["artist_credit_name"],
        "past": ["true"],
        "future": ["false"],
    }


def test_the_chart_comes_page_by_page(
    client: ListenBrainzClient, listenbrainz_emulator: ListenBrainzEmulator
) -> None:
    first = client.top_release_groups(StatsRange.MONTH, count=100)
    second = client.top_release_groups(StatsRange.MONTH, count=100, offset=100)

    assert not isinstance(first, StatsNotComputed)
    assert not isinstance(second, StatsNotComputed)
    assert first.range is StatsRange.MONTH
    assert len(first.release_groups) == len(second.release_groups) == 100
    assert first.release_groups[-1].listen_count >= second.release_groups[0].listen_count
    ids = {g.release_group_mbid for g in first.release_groups + second.release_groups}
    assert len(ids) == 200


def test_stats_not_computed_is_a_result_not_an_error(
    client: ListenBrainzClient, listenbrainz_emulator: ListenBrainzEmulator
) -> None:
    listenbrainz_emulator.faults.stats_not_computed = True

    result = client.top_release_groups(StatsRange.THIS_WEEK)

    assert result == StatsNotComputed(StatsRange.THIS_WEEK)
    assert str(result) == "ListenBrainz has not computed its this_week statistics yet"
    assert listenbrainz_emulator.stats.by_status == {204: 1}, "asked once, not retried"


@pytest.mark.parametrize("days", [0, 91])
def test_days_out_of_range_are_refused_before_anything_is_sent(
    client: ListenBrainzClient, listenbrainz_emulator: ListenBrainzEmulator, days: int
) -> None:
    with pytest.raises(ValueError, match="days must be between 1 and 90"):
        client.fresh_releases(days=days)
    assert listenbrainz_emulator.stats.total == 0


@pytest.mark.parametrize("count", [0, 1001])
def test_a_count_out_of_range_is_refused_before_anything_is_sent(
    client: ListenBrainzClient, listenbrainz_emulator: ListenBrainzEmulator, count: int
) -> None:
    with pytest.raises(ValueError, match="count must be between 1 and 1000"):
        client.top_release_groups(count=count)
    assert listenbrainz_emulator.stats.total == 0


# Malformed answers


def test_a_body_that_is_not_json_is_a_clear_error(
    client: ListenBrainzClient, listenbrainz_emulator: ListenBrainzEmulator
) -> None:
    listenbrainz_emulator.faults.add("malformed_json", 1)

    with pytest.raises(ListenBrainzMalformed, match=r"not JSON .*/1/explore/fresh-releases/"):
        client.fresh_releases()
    assert listenbrainz_emulator.stats.total == 1, "a malformed answer is not retried"


def test_json_of_the_wrong_shape_names_what_is_wrong(
    client: ListenBrainzClient, listenbrainz_emulator: ListenBrainzEmulator
) -> None:
    listenbrainz_emulator.faults.add("malformed_shape", 1)

    with pytest.raises(ListenBrainzMalformed) as error:
        client.top_release_groups()
    assert str(error.value).startswith(
        "malformed release-group chart from ListenBrainz: payload.release_groups: Field required"
    )


def test_an_item_without_a_usable_mbid_is_refused_by_name() -> None:
    """A release MBID that is no MBID becomes null when cleaned; validation names it."""
    document = {
        "payload": {
            "total_count": 1,
            "releases": [
                {
                    "release_mbid": "not-an-mbid",
                    "release_group_mbid": "4f1c579a-8a9c-4f96-92ae-befcdf3e0d32",
                    "artist_mbids": ["1c70a3fc-fa3c-4be1-8b55-c3192db8a884"],
                    "artist_credit_name": "Röyksopp",
                    "release_name": "Profound Mysteries",
                    "release_date": "2022-04-29",
                }
            ],
        }
    }
    with pytest.raises(ListenBrainzMalformed, match=r"payload\.releases\.0\.release_mbid"):
        validate(FreshReleasesDocument, clean_document(document), "fresh releases")


# Failures and retries


def test_an_outage_is_retried_until_it_heals(
    client: ListenBrainzClient, listenbrainz_emulator: ListenBrainzEmulator
) -> None:
    listenbrainz_emulator.faults.add("outage", 2)

    assert client.fresh_releases().total_count > 0
    assert [r.status for r in listenbrainz_emulator.stats.requests] == [503, 503, 200]


def test_an_outage_longer_than_the_retries_is_unavailable(
    client: ListenBrainzClient, listenbrainz_emulator: ListenBrainzEmulator
) -> None:
    listenbrainz_emulator.faults.add("outage", 10)

    with pytest.raises(ListenBrainzUnavailable, match=r"answered 503 \(4 attempts\)"):
        client.fresh_releases()
    assert listenbrainz_emulator.stats.count(FRESH, status=503) == 4


def test_a_refusal_is_not_retried_and_quotes_listenbrainz(
    make_connector: ConnectorFactory, listenbrainz_emulator: ListenBrainzEmulator
) -> None:
    session = make_connector().client().session

    with pytest.raises(ListenBrainzRefused, match=r"400 .*: Invalid range: decade"):
        session.get("1/stats/sitewide/release-groups", [("range", "decade")])
    assert listenbrainz_emulator.stats.total == 1


def test_a_429_is_waited_out_by_its_reset_in_then_retried(
    client: ListenBrainzClient, listenbrainz_emulator: ListenBrainzEmulator
) -> None:
    listenbrainz_emulator.faults.add("too_many_requests", 1)
    listenbrainz_emulator.faults.reset_in = 2

    assert not isinstance(client.top_release_groups(), StatsNotComputed)
    refused, admitted = listenbrainz_emulator.stats.requests
    assert (refused.status, admitted.status) == (429, 200)
    assert admitted.arrived - refused.arrived >= 2.0, "never sooner than reset-in"


def test_a_429_asking_for_too_long_a_wait_ends_the_fetch(
    client: ListenBrainzClient, listenbrainz_emulator: ListenBrainzEmulator
) -> None:
    listenbrainz_emulator.faults.add("too_many_requests", 1)
    listenbrainz_emulator.faults.reset_in = 3600

    with pytest.raises(ListenBrainzRateLimited, match="wait 3600 s") as error:
        client.top_release_groups()
    assert error.value.seconds == 3600
    assert listenbrainz_emulator.stats.total == 1


# Pace and identity


def test_requests_never_come_faster_than_one_a_second(
    make_connector: ConnectorFactory, listenbrainz_emulator: ListenBrainzEmulator
) -> None:
    client = make_connector(paced=True).client()

    for _ in range(4):
        client.top_release_groups(count=1)

    requests = listenbrainz_emulator.stats.requests
    assert [r.status for r in requests] == [200] * 4
    assert min(gaps(requests)) >= 1.0


def test_a_window_reported_spent_is_waited_out_before_the_next_request(
    client: ListenBrainzClient, listenbrainz_emulator: ListenBrainzEmulator
) -> None:
    """Two requests a 3 s window: the second answer says 0 remaining, so the third waits
    for the window to end instead of being refused."""
    listenbrainz_emulator.limiter.per_ip = 2
    listenbrainz_emulator.limiter.window = 3

    for _ in range(3):
        client.top_release_groups(count=1)

    first, second, third = listenbrainz_emulator.stats.requests
    assert [r.status for r in (first, second, third)] == [200, 200, 200], "no 429 met"
    assert third.arrived - first.arrived >= 3.0


def test_every_client_of_a_connector_knows_the_window_is_spent(
    make_connector: ConnectorFactory, listenbrainz_emulator: ListenBrainzEmulator
) -> None:
    """One fetch emptied the window; the next fetch, on a new client, still waits."""
    listenbrainz_emulator.limiter.per_ip = 1
    listenbrainz_emulator.limiter.window = 2
    connector = make_connector()

    connector.client().top_release_groups(count=1)
    connector.client().top_release_groups(count=1)

    first, second = listenbrainz_emulator.stats.requests
    assert (first.status, second.status) == (200, 200)
    assert second.arrived - first.arrived >= 2.0


def test_the_user_agent_goes_with_every_request_and_no_token_unless_set(
    make_connector: ConnectorFactory, listenbrainz_emulator: ListenBrainzEmulator
) -> None:
    make_connector().client().fresh_releases()
    make_connector(listenbrainz_token="  ").client().fresh_releases()
    make_connector(listenbrainz_token="lb-token-123").client().fresh_releases()

    anonymous, blank, identified = listenbrainz_emulator.stats.requests
    assert anonymous.user_agent == blank.user_agent == identified.user_agent == USER_AGENT
    assert anonymous.authorization is None
    assert blank.authorization is None, "a blank token is no token"
    assert identified.authorization == "Token lb-token-123"


@pytest.mark.parametrize("agent", [None, "python-requests/2.32", "MyApp/1.0 ( me@example.com )"])
def test_an_agent_listenbrainz_would_refuse_stops_the_connector(
    make_connector: ConnectorFactory, agent: str | None
) -> None:
    with pytest.raises(ListenBrainzUserAgentError, match="MUSICBRAINZ_USER_AGENT"):
        make_connector(musicbrainz_user_agent=agent)


def test_requests_are_counted_for_the_listenbrainz_service(
    make_connector: ConnectorFactory, listenbrainz_emulator: ListenBrainzEmulator
) -> None:
    tally = Tally()
    client = make_connector(tally=tally).client()
    listenbrainz_emulator.faults.add("outage", 1)

    client.top_release_groups()
    client.fresh_releases()

    counts = {
        tuple(value for _, value in labels): amount
        for (sample, labels), amount in tally.take().items()
        if sample == REQUESTS.name
    }
    assert counts == {
        ("listenbrainz", CHART, "503"): 1,
        ("listenbrainz", CHART, "2xx"): 1,
        ("listenbrainz", FRESH.rstrip("/"), "2xx"): 1,
    }


def test_the_connector_services_would_build_paces_through_the_shared_limiter(
    listenbrainz_settings: ListenBrainzSettings, listenbrainz_emulator: ListenBrainzEmulator
) -> None:
    tally = Tally()
    connector = listenbrainz_connector(listenbrainz_settings(), tally)
    try:
        client = connector.client()
        client.fresh_releases(days=90)
        client.top_release_groups(StatsRange.WEEK, count=1000)
    finally:
        connector.close()

    first, second = listenbrainz_emulator.stats.requests
    assert second.arrived - first.arrived >= 1.0
    assert connector.metrics.tally is tally
    assert any(labels[0] == ("service", "listenbrainz") for _, labels in tally.take())
