"""`GET /api/albums/appearances/{albumId}`: JSON shape and figures, CSV export, refusals."""

from __future__ import annotations

import csv
import io

import pytest
from fastapi.testclient import TestClient

from tests.web.history import MOMENTS, History, iso, record_history
from trendcache.services import Services

PATH = "/api/albums/appearances/{}"


@pytest.fixture
def history(synced_services: Services) -> History:
    return record_history(synced_services)


def test_json_has_the_album_its_figures_series_and_gaps(
    client: TestClient, history: History
) -> None:
    back = history.back
    response = client.get(PATH.format(back["id"]))
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert set(body) == {"album", "since", "until", "limit", "charts", "ids", "sources", "lead"}
    assert (body["since"], body["until"], body["limit"]) == (None, None, 2000)
    assert (body["ids"], body["sources"], body["lead"]) == (
        [back["id"]],
        ["spotify_new_releases"],
        None,
    )
    album = body["album"]
    assert (album["id"], album["name"], album["releaseDate"]) == (
        back["id"],
        back["name"],
        back["release_date"],
    )
    assert album["spotifyUrl"] == back["external_urls"]["spotify"]
    assert [a["name"] for a in album["artists"]] == [a["name"] for a in back["artists"]]
    assert album["upc"] and album["label"]
    assert album["musicbrainz"]["status"] == "pending"
    se = next(chart for chart in body["charts"] if chart["market"] == "SE")
    ids = history.snapshot_ids
    assert se == {
        "source": "spotify_new_releases",
        "market": "SE",
        "firstSeenAt": iso(MOMENTS[0]),
        "lastSeenAt": iso(MOMENTS[3]),
        "lastPosition": 1,
        "peakPosition": 1,
        "peakAt": iso(MOMENTS[3]),
        "snapshots": 2,
        "listed": True,
        "currentStreak": 1,
        "reentries": 1,
        "points": [
            {"seenAt": iso(MOMENTS[0]), "position": 3, "snapshotId": ids[0]},
            {"seenAt": iso(MOMENTS[3]), "position": 1, "snapshotId": ids[3]},
        ],
        "truncated": False,
        "gaps": [
            {"firstMissedAt": iso(MOMENTS[1]), "lastMissedAt": iso(MOMENTS[2]), "snapshots": 2}
        ],
    }
    us = next(chart for chart in body["charts"] if chart["market"] == "US")
    assert (us["snapshots"], us["currentStreak"], us["lastPosition"]) == (1, 1, 3)
    assert [c["market"] for c in body["charts"]] == sorted(c["market"] for c in body["charts"])


def test_a_dropped_album_has_no_current_streak(client: TestClient, history: History) -> None:
    body = client.get(PATH.format(history.gone["id"])).json()
    se = next(chart for chart in body["charts"] if chart["market"] == "SE")
    assert (se["listed"], se["currentStreak"], se["reentries"], se["snapshots"]) == (
        False,
        0,
        0,
        2,
    )


def test_window_and_limit(client: TestClient, history: History) -> None:
    url = PATH.format(history.steady["id"])
    body = client.get(url, params={"since": "2026-11-20T08:00:00+02:00", "until": iso(MOMENTS[2])})
    assert body.status_code == 200
    se = next(chart for chart in body.json()["charts"] if chart["market"] == "SE")
    assert [p["seenAt"] for p in se["points"]] == [iso(MOMENTS[1]), iso(MOMENTS[2])]
    assert body.json()["since"] == iso(MOMENTS[1])  # in UTC
    assert se["snapshots"] == 4  # the figures are the whole history's
    cut = client.get(url, params={"limit": 1}).json()
    se = next(chart for chart in cut["charts"] if chart["market"] == "SE")
    assert (se["points"][0]["seenAt"], se["truncated"], cut["limit"]) == (iso(MOMENTS[3]), True, 1)
    day = client.get(url, params={"since": "2026-11-20", "until": "2026-11-20"}).json()
    se = next(chart for chart in day["charts"] if chart["market"] == "SE")
    assert [p["seenAt"] for p in se["points"]] == [iso(MOMENTS[0])]  # a date is its midnight


def test_csv_export(client: TestClient, history: History) -> None:
    album_id = history.back["id"]
    response = client.get(PATH.format(album_id), params={"format": "csv"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == (
        f'attachment; filename="{album_id}-history.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == ["seen_at", "source", "market", "position", "snapshot_id"]
    expected = [
        [p["seenAt"], c["source"], c["market"], str(p["position"]), str(p["snapshotId"])]
        for c in client.get(PATH.format(album_id)).json()["charts"]
        for p in c["points"]
    ]
    assert rows[1:] == sorted(expected)  # every point, oldest first
    ids = history.snapshot_ids
    assert rows[1] == [iso(MOMENTS[0]), "spotify_new_releases", "SE", "3", str(ids[0])]
    windowed = client.get(
        PATH.format(album_id), params={"format": "csv", "until": iso(MOMENTS[0])}
    ).text
    assert windowed.splitlines()[1:] == [f"{iso(MOMENTS[0])},spotify_new_releases,SE,3,{ids[0]}"]


def test_unknown_album_is_a_404_naming_it(client: TestClient) -> None:
    response = client.get(PATH.format("0" * 22))
    assert response.status_code == 404
    assert response.json() == {
        "detail": "album '0000000000000000000000' has no trending history: trendcache has "
        "not seen it in any listing it synced"
    }
    assert client.get(PATH.format("0" * 22), params={"format": "csv"}).status_code == 404


@pytest.mark.parametrize("album_id", ["short", "0" * 23, "000000000000000000000-", "%20" * 22])
def test_malformed_id_is_a_422(client: TestClient, album_id: str) -> None:
    response = client.get(PATH.format(album_id))
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["path", "albumId"]


def test_bad_parameters_are_refused_with_a_message(client: TestClient, history: History) -> None:
    url = PATH.format(history.steady["id"])
    reversed_window = client.get(url, params={"since": "2026-11-21", "until": "2026-11-20"})
    assert reversed_window.status_code == 400
    assert reversed_window.json() == {
        "detail": "since (2026-11-21T00:00:00+00:00) is after until (2026-11-20T00:00:00+00:00)"
    }
    for params, words in [
        ({"since": "yesterday"}, "since: 'yesterday' is not an RFC 3339 date or date-time"),
        ({"until": "0.5"}, "until: '0.5' is not an RFC 3339 date or date-time"),
        ({"until": "2026-11-20T06:00:00"}, "a time needs its offset"),
        ({"until": "2026-13-01"}, "until: '2026-13-01' is not a day of the calendar"),
    ]:
        response = client.get(url, params=params)
        assert response.status_code == 400, params
        assert words in response.json()["detail"], params
    for params in ({"since": ""}, {"until": ""}, {"limit": 0}, {"limit": 2001}, {"format": "xml"}):
        response = client.get(url, params=params)
        assert response.status_code == 422, params
        assert response.json()["detail"][0]["msg"]


def test_documented_in_openapi(client: TestClient) -> None:
    operation = client.get("/openapi.json").json()["paths"]["/api/albums/appearances/{albumId}"]
    get = operation["get"]
    assert "current streak" in get["description"]
    assert set(get["responses"]) == {"200", "400", "404", "422", "503"}
    assert set(get["responses"]["200"]["content"]) == {"application/json", "text/csv"}
    names = {p["name"]: p for p in get["parameters"]}
    assert set(names) == {"albumId", "since", "until", "limit", "format"}
    assert all(p.get("description") for p in names.values())
