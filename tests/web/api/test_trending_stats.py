"""`GET /api/stats/trending`: the window's validation, JSON and CSV, and the in-memory cache
a new snapshot invalidates (real SQLite database synced from the emulator)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from tests.pipeline.stats.listenbrainz import lb_item
from tests.web.conftest import MARKETS, ClientFactory
from tests.web.stats_history import Listings, add_day_before, add_listenbrainz
from trendcache.db.history import Album
from trendcache.pipeline.history.recording import record_listing
from trendcache.pipeline.keys import LISTENBRAINZ_TOP, NEW_RELEASES
from trendcache.pipeline.stats.cache import StatsCache
from trendcache.pipeline.stats.window import KNOWN_SOURCES
from trendcache.pipeline.views import pick_image
from trendcache.services import Services
from trendcache.web.api.stats_csv import COLUMNS

URL = "/api/stats/trending"


@pytest.fixture
def history(synced_services: Services) -> Listings:
    return add_day_before(synced_services)


@pytest.fixture
def stats_client(
    synced_services: Services, history: Listings, make_client: ClientFactory
) -> TestClient:
    return make_client(synced_services)


def cache_of(client: TestClient) -> StatsCache:
    cache: StatsCache = client.app.context.stats  # type: ignore[attr-defined]
    return cache


def test_the_default_window_is_the_last_30_days_with_every_section(
    stats_client: TestClient, history: Listings
) -> None:
    response = stats_client.get(URL)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    window = body["window"]
    since, until = datetime.fromisoformat(window["since"]), datetime.fromisoformat(window["until"])
    assert until - since == timedelta(days=30)
    assert abs((until - datetime.now(UTC)).total_seconds()) < 60
    assert (window["source"], window["market"], window["limit"], window["days"]) == (
        None,
        None,
        10,
        31,
    )
    assert set(body) == {
        "window",
        "latestSnapshotId",
        "computedAt",
        "newEntries",
        "movements",
        "longestRunning",
        "topArtists",
        "overlap",
        "enrichment",
        "onBoth",
    }
    everything = {item["id"] for items in history.values() for item in items}
    assert body["newEntries"]["count"] == len(everything)
    movements = body["movements"]
    assert [c["market"] for c in movements["comparisons"]] == sorted(MARKETS)
    climbers = movements["climbers"]
    assert climbers["count"] == 4
    first = climbers["items"][0]
    assert (first["previousPosition"], first["position"], first["change"]) == (2, 1, 1)
    assert first["market"] == "GB"  # ties by market
    assert first["albumId"] == history["GB"][0]["id"]
    assert first["name"] == history["GB"][0]["name"]
    assert first["artists"][0] == {
        "id": history["GB"][0]["artists"][0]["id"],
        "name": history["GB"][0]["artists"][0]["name"],
    }
    assert movements["fallers"]["count"] == 4
    assert {i["change"] for i in movements["fallers"]["items"]} == {-1}
    assert [(i["market"], i["position"]) for i in movements["entered"]["items"]] == [
        ("GB", len(history["GB"])),
        ("US", len(history["US"])),
    ]
    assert movements["left"] == {"count": 0, "items": []}
    assert len(body["longestRunning"]["items"]) == 10
    assert body["longestRunning"]["items"][0]["appearances"] == 4  # 2 snapshots x 2 markets
    assert len(body["topArtists"]["items"]) == 10
    [pair] = body["overlap"]
    assert (pair["marketA"], pair["marketB"]) == ("GB", "US")
    shared = {i["id"] for i in history["GB"]} & {i["id"] for i in history["US"]}
    assert pair["shared"] == len(shared)
    assert body["enrichment"]["pending"] == body["enrichment"]["total"] == len(everything)
    assert body["enrichment"]["matchedShare"] == 0.0


def test_filters_and_limit(stats_client: TestClient, history: Listings) -> None:
    body = stats_client.get(URL, params={"market": "us", "limit": 3, "source": NEW_RELEASES}).json()
    assert (body["window"]["market"], body["window"]["source"]) == ("US", NEW_RELEASES)
    assert body["newEntries"]["count"] == len(history["US"])
    assert len(body["newEntries"]["items"]) == 3
    assert {i["market"] for i in body["movements"]["climbers"]["items"]} == {"US"}
    assert body["movements"]["climbers"]["count"] == 2
    assert len(body["longestRunning"]["items"]) == 3
    assert [(p["marketA"], p["marketB"]) for p in body["overlap"]] == [("GB", "US")]


def test_both_sources_and_the_albums_on_both(
    synced_services: Services, history: Listings, make_client: ClientFactory
) -> None:
    joined = add_listenbrainz(synced_services, history)
    client = make_client(synced_services)
    body = client.get(URL).json()
    assert body["onBoth"]["count"] == 1
    both = body["onBoth"]["items"][0]
    assert (both["albumId"], both["name"]) == (joined["id"], joined["name"])
    assert both["image"] == pick_image(joined["images"])
    listened = both["listenbrainzAlbum"]
    assert (listened["albumId"], listened["name"]) == (lb_item(1)["id"], "Release group 1")
    assert listened["image"] == lb_item(1)["images"][0]["url"]
    assert [a["name"] for a in listened["artists"]] == ["Listener Favourite"]
    # Spotify listed it in the day-before snapshot, the top half a day later.
    assert both["leadSeconds"] == 12 * 3600
    assert both["lead"] == "Spotify new releases 12 hours earlier"
    seen = datetime.fromisoformat(both["listenbrainzFirstSeenAt"])
    assert seen - datetime.fromisoformat(both["spotifyFirstSeenAt"]) == timedelta(hours=12)
    # The top's move between its two snapshots; its albums among the new entries.
    top = client.get(URL, params={"source": LISTENBRAINZ_TOP}).json()
    assert top["window"]["markets"] == []
    assert [c["market"] for c in top["movements"]["comparisons"]] == ["XW"]
    climber = top["movements"]["climbers"]["items"][0]
    assert (climber["albumId"], climber["source"], climber["change"]) == (
        lb_item(2)["id"],
        LISTENBRAINZ_TOP,
        1,
    )
    assert top["newEntries"]["count"] == 2
    assert top["onBoth"] == {"count": 0, "items": []}
    # A market keeps the worldwide listings.
    us = client.get(URL, params={"market": "US"}).json()
    assert us["window"]["markets"] == ["US", "XW"]
    assert us["newEntries"]["count"] == len(history["US"]) + 2
    assert [c["market"] for c in us["movements"]["comparisons"]] == ["XW", "US"]
    # The CSV has the section too.
    rows = list(csv.DictReader(io.StringIO(client.get(URL, params={"format": "csv"}).text)))
    found = [row for row in rows if row["section"] == "on_both"]
    assert [(r["album_id"], r["other_album_id"], r["lead"]) for r in found] == [
        (joined["id"], lb_item(1)["id"], "Spotify new releases 12 hours earlier")
    ]


@pytest.mark.parametrize(
    ("params", "status", "words"),
    [
        ({"since": "yesterday"}, 400, "since: 'yesterday' is not an RFC 3339 date"),
        ({"until": "2026-13-01"}, 400, "until: '2026-13-01' is not a day of the calendar"),
        ({"until": "0.5"}, 400, "until: '0.5' is not an RFC 3339 date"),
        ({"since": "2026-11-01T06:00"}, 400, "a time needs its offset"),
        ({"since": "2026-11-02", "until": "2026-11-01"}, 400, "is after until"),
        ({"source": "spotify_charts"}, 400, "unknown source 'spotify_charts'"),
        ({"market": "JP"}, 400, "unknown market 'JP'"),
        ({"market": "JPN"}, 422, "pattern"),
        ({"limit": "0"}, 422, "greater than or equal to 1"),
        ({"limit": "101"}, 422, "less than or equal to 100"),
        ({"format": "xml"}, 422, "'json' or 'csv'"),
        # Empty is not absent here (the /stats form's empty fields are another matter).
        ({"since": ""}, 422, "at least 1 character"),
        ({"until": ""}, 422, "at least 1 character"),
        ({"source": ""}, 422, "at least 1 character"),
        ({"market": ""}, 422, "pattern"),
    ],
)
def test_bad_parameters_are_refused_with_the_reason(
    client: TestClient, params: dict[str, str], status: int, words: str
) -> None:
    response = client.get(URL, params=params)
    assert response.status_code == status, response.text
    assert words in response.text


def test_dates_are_whole_days_and_times_carry_their_offset(client: TestClient) -> None:
    body = client.get(URL, params={"since": "2026-11-01", "until": "2026-11-30"}).json()
    assert body["window"]["since"] == "2026-11-01T00:00:00+00:00"
    assert body["window"]["until"] == "2026-11-30T23:59:59.999999+00:00"
    assert body["window"]["days"] == 30
    body = client.get(
        URL, params={"since": "2026-11-01T06:00:00Z", "until": "2026-11-02T08:00:00+02:00"}
    ).json()
    assert body["window"]["since"] == "2026-11-01T06:00:00+00:00"
    assert body["window"]["until"] == "2026-11-02T06:00:00+00:00"
    # The whole of time is a window too, and a moment past its edges is at them.
    assert client.get(URL, params={"since": "0001-01-01", "until": "9999-12-31"}).status_code == 200
    edge = client.get(URL, params={"since": "0001-01-01T00:00:00+01:00"}).json()["window"]
    assert edge["since"] == "0001-01-01T00:00:00+00:00"


def test_csv_export_is_an_attachment_with_one_table_of_sections(
    synced_services: Services, stats_client: TestClient, history: Listings
) -> None:
    evil = '=HYPERLINK("http://evil.invalid")'
    with synced_services.database.writer() as session:
        session.execute(update(Album).where(Album.id == history["US"][0]["id"]).values(name=evil))
    since, until = "2020-01-01", datetime.now(UTC).date().isoformat()
    response = stats_client.get(URL, params={"since": since, "until": until, "format": "csv"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == (
        f'attachment; filename="trending-stats-{since}-{until}.csv"'
    )
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert tuple(rows[0]) == COLUMNS
    sections = [row["section"] for row in rows]
    assert sections[0] == "window"
    assert rows[0]["since"] == "2020-01-01T00:00:00Z"
    json_body = stats_client.get(URL, params={"since": since, "until": until}).json()
    expected = {
        "new_entry": len(json_body["newEntries"]["items"]),
        "climber": 4,
        "faller": 4,
        "entered": 2,
        "longest_running": 10,
        "artist": 10,
        "overlap": 1,
        "enrichment": 7,  # matched at release level, at group level, and five states more
    }
    assert {s: sections.count(s) for s in expected} == expected
    climber = next(row for row in rows if row["section"] == "climber")
    item = json_body["movements"]["climbers"]["items"][0]
    assert (climber["album_id"], climber["market"], climber["rank"]) == (item["albumId"], "GB", "1")
    assert (climber["previous_position"], climber["position"], climber["change"]) == ("2", "1", "1")
    overlap = next(row for row in rows if row["section"] == "overlap")
    assert (overlap["market"], overlap["other_market"]) == ("GB", "US")
    names = {row["album_name"] for row in rows if row["album_name"]}
    assert f"'{evil}" in names  # a formula is shown, not evaluated
    assert evil not in names
    pending = next(
        row for row in rows if row["section"] == "enrichment" and row["status"] == "pending"
    )
    assert pending["share"] == "1.0000"


def test_answers_come_from_memory_until_a_new_snapshot_lands(
    synced_services: Services, stats_client: TestClient, history: Listings
) -> None:
    cache = cache_of(stats_client)
    params = {"since": "2020-01-01", "until": "2100-01-01"}
    first = stats_client.get(URL, params=params).json()
    assert stats_client.get(URL, params=params).json() == first
    assert stats_client.get(URL, params={**params, "format": "csv"}).status_code == 200
    assert cache.computed == 1

    later = datetime.now(UTC) + timedelta(minutes=1)
    us = history["US"]
    with synced_services.database.writer() as session:
        record_listing(session, NEW_RELEASES, "US", [us[5], *us[:5]], later)
    second = stats_client.get(URL, params=params).json()
    assert cache.computed == 2
    assert second["latestSnapshotId"] == first["latestSnapshotId"] + 1
    top: dict[str, Any] = second["movements"]["climbers"]["items"][0]
    assert (top["albumId"], top["market"], top["change"]) == (us[5]["id"], "US", 5)
    assert second["movements"]["left"]["count"] == len(us) - 6


def test_every_response_field_is_described(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    operation = document["paths"][URL]["get"]
    assert "text/csv" in operation["responses"]["200"]["content"]
    assert "Jaccard" in operation["description"]
    parameters = {p["name"]: p for p in operation["parameters"]}
    assert set(parameters) == {"market", "since", "until", "source", "limit", "format"}
    assert parameters["source"]["schema"]["enum"] == list(KNOWN_SOURCES)
    assert "`listenbrainz_top`: ListenBrainz top" in parameters["source"]["description"]
    assert parameters["market"]["schema"]["pattern"] == "^(?:[Uu][Ss]|[Gg][Bb])$"
    assert parameters["market"]["schema"]["examples"] == MARKETS
    for bound in ("since", "until"):
        formats = [s["format"] for s in parameters[bound]["schema"]["anyOf"]]
        assert formats == ["date", "date-time"]
    schemas = document["components"]["schemas"]
    seen = []

    def walk(name: str) -> None:
        if name in seen:
            return
        seen.append(name)
        for field, spec in schemas[name]["properties"].items():
            assert spec.get("description"), f"{name}.{field} has no description"
            for ref in _refs(spec):
                walk(ref)

    walk("TrendingStatsResponse")
    assert len(seen) >= 10


def _refs(spec: Any) -> list[str]:
    if isinstance(spec, dict):
        found = [spec["$ref"].rsplit("/", 1)[1]] if "$ref" in spec else []
        return found + [r for value in spec.values() for r in _refs(value)]
    if isinstance(spec, list):
        return [r for value in spec for r in _refs(value)]
    return []


def test_the_album_name_in_a_response_is_the_stored_one(
    synced_services: Services, stats_client: TestClient, history: Listings
) -> None:
    with synced_services.database.session() as session:
        name = session.scalar(select(Album.name).where(Album.id == history["GB"][0]["id"]))
    body = stats_client.get(URL, params={"market": "GB"}).json()
    assert body["movements"]["climbers"]["items"][0]["name"] == name
