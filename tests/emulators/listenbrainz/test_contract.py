"""Contract: the emulator answers in the shape ListenBrainz documents.

The documented samples (tests/reference/listenbrainz, see its SOURCE.md) fix the shape:
every documented key, with its JSON type, in every answer, and nothing undocumented
beyond the fields the view's own code adds (listed here with where they come from). The
client's models accept both the samples and the emulator's answers, so a client proven
against the emulator reads the real service's documented answers too.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import httpx2
import pytest

from tests.fixtures.listenbrainz import documented
from tests.fixtures.musicbrainz import USER_AGENT
from tests.fixtures.spotify import local_client
from trendcache.emulators.listenbrainz import Catalog, ListenBrainzEmulator
from trendcache.listenbrainz.models import FreshReleasesDocument, ReleaseGroupChartDocument
from trendcache.listenbrainz.sanitize import clean_document

FRESH = "/1/explore/fresh-releases/"
CHART = "/1/stats/sitewide/release-groups"
# Sent by the view beyond its docstring's sample (listenbrainz/db/model/fresh_releases.py,
# listenbrainz/db/fresh_releases.py); either type is left out when MusicBrainz has none.
FRESH_EXTRA = {"caa_id", "caa_release_mbid", "listen_count", "release_tags"}
FRESH_OPTIONAL = {"release_group_primary_type", "release_group_secondary_type"}
NULLABLE = {"caa_id", "caa_release_mbid"}
RATE_HEADERS = (
    "x-ratelimit-limit",
    "x-ratelimit-remaining",
    "x-ratelimit-reset",
    "x-ratelimit-reset-in",
)


def json_type(value: Any) -> str:
    return {dict: "object", list: "array", str: "string", bool: "boolean", int: "integer"}.get(
        type(value), "number" if isinstance(value, float) else "null"
    )


def assert_item_shape(
    item: dict[str, Any], sample: dict[str, Any], *, extra: set[str], optional: set[str]
) -> None:
    missing = set(sample) - set(item) - optional
    assert not missing, f"documented keys missing: {sorted(missing)}"
    undocumented = set(item) - set(sample) - extra - optional
    assert not undocumented, f"undocumented keys: {sorted(undocumented)}"
    for key, value in sample.items():
        if key in item and not (key in NULLABLE and item[key] is None):
            assert json_type(item[key]) == json_type(value), key
    for key in ("artist_mbids",):
        if key in item:
            assert all(json_type(mbid) == "string" for mbid in item[key])


@pytest.fixture
def http() -> Iterator[httpx2.Client]:
    with local_client(headers={"User-Agent": USER_AGENT}) as client:
        yield client


def get(
    http: httpx2.Client, emulator: ListenBrainzEmulator, path: str, **params: Any
) -> httpx2.Response:
    return http.get(f"{emulator.base_url}{path}", params=params)


def test_the_documented_samples_pass_the_clients_models() -> None:
    fresh = FreshReleasesDocument.model_validate(clean_document(documented("fresh_releases")))
    chart = ReleaseGroupChartDocument.model_validate(
        clean_document(documented("sitewide_release_groups"))
    )
    assert fresh.payload.releases[0].release_name == "Profound Mysteries"
    assert [g.listen_count for g in chart.payload.release_groups] == [456, 381]


@pytest.mark.parametrize("days", [1, 14, 90])
def test_fresh_releases_have_the_documented_shape(
    http: httpx2.Client, listenbrainz_emulator: ListenBrainzEmulator, days: int
) -> None:
    response = get(http, listenbrainz_emulator, FRESH, days=days)
    sample = documented("fresh_releases")

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert set(body) == set(sample)
    assert set(body["payload"]) == set(sample["payload"])
    releases = body["payload"]["releases"]
    assert body["payload"]["total_count"] == len(releases)
    for item in releases:
        assert_item_shape(
            item, sample["payload"]["releases"][0], extra=FRESH_EXTRA, optional=FRESH_OPTIONAL
        )
    FreshReleasesDocument.model_validate(clean_document(body))


def test_fresh_releases_cover_every_documented_field_somewhere(
    http: httpx2.Client, listenbrainz_emulator: ListenBrainzEmulator
) -> None:
    """Optional fields are sometimes there and sometimes not, as MusicBrainz's data is."""
    releases = get(http, listenbrainz_emulator, FRESH, days=90).json()["payload"]["releases"]
    for key in FRESH_OPTIONAL:
        present = sum(key in item for item in releases)
        assert 0 < present < len(releases), key
    assert any(item["caa_id"] is None for item in releases)
    assert any(item["caa_id"] is not None for item in releases)


def test_fresh_releases_follow_the_window_and_the_sort(
    http: httpx2.Client, listenbrainz_emulator: ListenBrainzEmulator
) -> None:
    today = listenbrainz_emulator.catalog.today
    past_only = get(http, listenbrainz_emulator, FRESH, days=30, future="false").json()
    dates = [item["release_date"] for item in past_only["payload"]["releases"]]
    assert dates and dates == sorted(dates)
    assert max(dates) <= today.isoformat()
    by_name = get(http, listenbrainz_emulator, FRESH, days=30, sort="release_name").json()
    names = [item["release_name"] for item in by_name["payload"]["releases"]]
    assert names == sorted(names)


@pytest.mark.parametrize("range_", ["this_week", "week", "month", "year", "all_time"])
def test_the_chart_has_the_documented_shape(
    http: httpx2.Client, listenbrainz_emulator: ListenBrainzEmulator, range_: str
) -> None:
    response = get(http, listenbrainz_emulator, CHART, range=range_, count=50, offset=10)
    sample = documented("sitewide_release_groups")

    assert response.status_code == 200
    body = response.json()
    assert set(body) == set(sample)
    assert set(body["payload"]) == set(sample["payload"])
    payload = body["payload"]
    assert (payload["range"], payload["offset"], payload["count"]) == (range_, 10, 50)
    assert len(payload["release_groups"]) == 50
    assert payload["from_ts"] < payload["to_ts"]
    counts = [item["listen_count"] for item in payload["release_groups"]]
    assert counts == sorted(counts, reverse=True)
    for item in payload["release_groups"]:
        assert_item_shape(item, sample["payload"]["release_groups"][0], extra=set(), optional=set())
    ReleaseGroupChartDocument.model_validate(clean_document(body))


def test_count_is_capped_at_1000_and_pages_do_not_overlap(
    http: httpx2.Client, listenbrainz_emulator: ListenBrainzEmulator
) -> None:
    first = get(http, listenbrainz_emulator, CHART, range="all_time", count=5000).json()
    second = get(http, listenbrainz_emulator, CHART, range="all_time", count=3, offset=3).json()

    assert first["payload"]["count"] == 1000
    ids = [item["release_group_mbid"] for item in first["payload"]["release_groups"]]
    assert [item["release_group_mbid"] for item in second["payload"]["release_groups"]] == ids[3:6]


def test_every_answer_of_the_service_carries_the_rate_limit_headers(
    http: httpx2.Client, listenbrainz_emulator: ListenBrainzEmulator
) -> None:
    listenbrainz_emulator.faults.stats_not_computed = True
    answers = [
        get(http, listenbrainz_emulator, FRESH),
        get(http, listenbrainz_emulator, CHART),  # 204
        get(http, listenbrainz_emulator, FRESH, days=91),  # 400
    ]
    assert [a.status_code for a in answers] == [200, 204, 400]
    for answer in answers:
        for header in RATE_HEADERS:
            assert int(answer.headers[header]) >= 0, header
    assert answers[1].content == b""


@pytest.mark.parametrize(
    ("path", "params", "error"),
    [
        (FRESH, {"days": 0}, "days must be between 1 and 90."),
        (FRESH, {"days": 91}, "days must be between 1 and 90."),
        (FRESH, {"sort": "popularity"}, "sort must be one of"),
        (FRESH, {"release_date": "04/12/2026"}, "Cannot parse date. Must be in YYYY-MM-DD format."),
        (CHART, {"range": "decade"}, "Invalid range: decade"),
        (CHART, {"count": -1}, "'count' should be a non-negative integer"),
    ],
)
def test_bad_parameters_are_refused_with_listenbrainz_error_body(
    http: httpx2.Client,
    listenbrainz_emulator: ListenBrainzEmulator,
    path: str,
    params: dict[str, Any],
    error: str,
) -> None:
    response = get(http, listenbrainz_emulator, path, **params)

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == 400
    assert body["error"].startswith(error)


def test_same_seed_same_day_same_answers() -> None:
    day = date(2026, 12, 4)
    one, two = Catalog(7, day), Catalog(7, day)
    assert one.chart("week") == two.chart("week")
    assert one.fresh_releases(day, 90, "release_date", True, True) == two.fresh_releases(
        day, 90, "release_date", True, True
    )
    assert Catalog(8, day).chart("week") != one.chart("week")
