"""The stats page (`/stats`), rendered server-side (TestClient; see test_stats_browser.py)."""

from __future__ import annotations

import html
import re
import time
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape
from sqlalchemy import update

from tests.pipeline.stats.listenbrainz import lb_item
from tests.web.conftest import ClientFactory
from tests.web.pages.prepared_checks import check_prepared_page, web
from tests.web.stats_history import Listings, add_day_before, add_listenbrainz
from trendcache.clock import utcnow
from trendcache.db.history import Album, Artist
from trendcache.pipeline.enrichment.review import mark_not_in_musicbrainz
from trendcache.pipeline.stats import window as stats_window
from trendcache.pipeline.stats.cache import RELATIVE_TTL_SECONDS
from trendcache.services import Services

EVIL = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


@pytest.fixture
def history(synced_services: Services) -> Listings:
    return add_day_before(synced_services)


@pytest.fixture
def stats_client(
    synced_services: Services, history: Listings, make_client: ClientFactory
) -> TestClient:
    return make_client(synced_services)


def svg(page: str, chart: str) -> str:
    found = re.search(rf'<svg id="chart-{chart}".*?</svg>', page, re.S)
    assert found, f"no {chart} chart"
    return found.group(0)


def export(page: str, attributes: str) -> str:
    found = re.search(rf'<a href="([^"]+)" {attributes}', page)
    assert found, attributes
    return html.unescape(found.group(1))


def test_charts_tables_and_exports_of_the_last_30_days(
    stats_client: TestClient, history: Listings
) -> None:
    response = stats_client.get("/stats")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    moves = svg(page, "moves")
    assert moves.count('class="bar bar--up"') == 4  # two climbers in each market
    assert moves.count('class="bar bar--down"') == 4
    assert svg(page, "longest").count('class="bar bar--plain"') == 10
    assert svg(page, "artists").count('class="bar bar--plain"') == 10
    assert svg(page, "overlap").count('<rect class="cell"') == 4  # GB and US, both ways
    assert svg(page, "enrichment").count('class="seg seg--pending"') == 1
    top = history["GB"][0]
    # Escaped as Jinja does (`'` as `&#39;`): the emulator's names change with the date.
    assert f'<a href="/albums/{top["id"]}"><bdi>{escape(top["name"])}</bdi></a>' in page
    assert "Climbers (4)" in page
    assert "Entered (2)" in page
    # The form shows the window; the exports are that very window.
    assert re.search(
        r'<input type="date" id="stats-since" name="since" value="\d{4}-\d{2}-\d{2}">', page
    )
    assert '<option value="" selected>All</option>' in page
    csv_url, json_url = export(page, 'download id="export-csv"'), export(page, 'id="export-json"')
    assert "format=csv" in csv_url
    exported = stats_client.get(csv_url)
    assert exported.status_code == 200
    assert exported.headers["content-disposition"].startswith(
        'attachment; filename="trending-stats-'
    )
    assert stats_client.get(json_url).json()["movements"]["climbers"]["count"] == 4


def test_a_market_narrows_the_movements_and_keeps_its_overlap(
    stats_client: TestClient,
) -> None:
    page = stats_client.get("/stats", params={"market": "GB", "since": "", "until": ""}).text
    assert '<option value="GB" selected>GB</option>' in page
    moves = svg(page, "moves")
    assert moves.count('class="bar bar--up"') == moves.count('class="bar bar--down"') == 2
    assert "(US)" not in moves
    assert svg(page, "overlap").count('<rect class="cell"') == 4
    assert "market=GB" in page


def test_both_sources_each_row_its_listing_and_the_albums_on_both(
    synced_services: Services, history: Listings, make_client: ClientFactory
) -> None:
    joined = add_listenbrainz(synced_services, history)
    client = make_client(synced_services)
    page = client.get("/stats").text
    # The source filter by name.
    for name, label in (
        ("spotify_new_releases", "Spotify new releases"),
        ("listenbrainz_top", "ListenBrainz top"),
        ("listenbrainz_fresh", "ListenBrainz fresh releases"),
    ):
        assert f'<option value="{name}" >{label}</option>' in page
    # On both: the Spotify album and its release group, covers, when each listed it first.
    both = re.search(r'<section class="shelf" id="on-both">.*?</section>', page, re.S)
    assert both
    section = both.group(0)
    assert "1 albums charted in Spotify new releases and the ListenBrainz top" in section
    assert f'<a href="/albums/{joined["id"]}"><bdi>{escape(joined["name"])}</bdi></a>' in section
    group = lb_item(1)
    assert f'<a href="/albums/{group["id"]}"><bdi>Release group 1</bdi></a>' in section
    assert f'<img class="stats-cover" src="{group["images"][0]["url"]}"' in section
    assert '<td class="lead">Spotify new releases 12 hours earlier</td>' in section
    # Each row says its listing: the top's move is worldwide.
    assert '<td data-source="listenbrainz_top">ListenBrainz top · worldwide</td>' in page
    assert '<td data-source="spotify_new_releases">Spotify new releases · GB</td>' in page
    assert "(ListenBrainz top)" in svg(page, "moves")
    # A market keeps the worldwide listings; one source compares nothing.
    us = client.get("/stats", params={"market": "US"}).text
    assert "· US and worldwide" in us
    assert "ListenBrainz top · worldwide" in us
    top = client.get("/stats", params={"source": "listenbrainz_top"}).text
    assert '<option value="listenbrainz_top" selected>ListenBrainz top</option>' in top
    assert "Pick all sources to compare them." in top


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"since": "last week"}, "since: &#39;last week&#39; is not an RFC 3339 date"),
        ({"since": "2026-11-10", "until": "2026-11-01"}, "is after until"),
        ({"market": "JP"}, "unknown market &#39;JP&#39;"),
        ({"source": "elsewhere"}, "unknown source &#39;elsewhere&#39;"),
    ],
)
def test_a_bad_parameter_shows_the_form_again_with_the_reason(
    client: TestClient, params: dict[str, str], words: str
) -> None:
    response = client.get("/stats", params=params)
    assert response.status_code == 400
    assert words in response.text
    assert '<form class="stats-form"' in response.text
    assert "<svg" not in response.text


def test_upstream_strings_are_escaped(
    synced_services: Services, stats_client: TestClient, history: Listings
) -> None:
    album = history["US"][0]
    with synced_services.database.writer() as session:
        session.execute(update(Album).where(Album.id == album["id"]).values(name=EVIL))
        session.execute(
            update(Artist).where(Artist.id == album["artists"][0]["id"]).values(name=EVIL)
        )
    page = stats_client.get("/stats", params={"since": "2020-01-01"}).text
    assert EVIL not in page
    assert ESCAPED in svg(page, "moves")
    assert ESCAPED in svg(page, "artists") or ESCAPED in page


def test_the_browse_page_links_to_the_stats(client: TestClient) -> None:
    assert '<a href="/stats">Stats</a>' in client.get("/").text


@pytest.mark.parametrize(
    "query", ["", "?since=&until=&market=&source=", "?market=GB&since=&until=", "?since=2020-01-01"]
)
def test_every_window_is_served_prepared(stats_client: TestClient, query: str) -> None:
    check_prepared_page(stats_client, f"/stats{query}")


def test_the_default_window_is_rendered_once_for_its_statistics(
    stats_client: TestClient,
) -> None:
    pages = web(stats_client).stats_pages
    first = stats_client.get("/stats")
    rendered = pages.rendered
    again = stats_client.get(
        "/stats", params={"since": "", "until": "", "market": "", "source": ""}
    )
    assert again.headers["etag"] == first.headers["etag"]  # the form's "All": the same page
    assert again.content == first.content
    assert pages.rendered == rendered


def test_a_new_snapshot_changes_the_page_and_its_etag(
    synced_services: Services, make_client: ClientFactory
) -> None:
    client = make_client(synced_services)
    before = client.get("/stats")
    assert "Climbers (0)" in before.text
    add_day_before(synced_services)  # snapshots land: the data's stamp moves
    after = client.get("/stats", headers={"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200
    assert "Climbers (4)" in after.text
    assert after.headers["etag"] != before.headers["etag"]


def test_an_enrichment_decision_changes_the_page_and_its_etag(
    synced_services: Services, stats_client: TestClient, history: Listings
) -> None:
    before = stats_client.get("/stats")
    assert 'class="seg seg--no_match"' not in before.text
    mark_not_in_musicbrainz(synced_services.database, history["US"][0]["id"], "admin")
    after = stats_client.get("/stats", headers={"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200
    assert 'class="seg seg--no_match"' in after.text
    assert after.headers["etag"] != before.headers["etag"]


def test_a_window_ending_now_is_rendered_again_after_its_minute(
    stats_client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = [time.monotonic()]
    web(stats_client).stats.clock = lambda: clock[0]
    first = stats_client.get("/stats")
    later = utcnow() + timedelta(days=3)
    monkeypatch.setattr(stats_window, "utcnow", lambda: later)
    kept = stats_client.get("/stats")
    assert kept.headers["etag"] == first.headers["etag"]  # within its minute, as computed
    clock[0] += RELATIVE_TTL_SECONDS + 1
    moved = stats_client.get("/stats", headers={"If-None-Match": first.headers["etag"]})
    assert moved.status_code == 200
    assert moved.headers["etag"] != first.headers["etag"]
    assert f'name="until" value="{later.date().isoformat()}"' in moved.text


def test_a_refused_window_is_never_kept(stats_client: TestClient) -> None:
    pages = web(stats_client).stats_pages
    kept = len(pages)
    for _ in range(2):
        response = stats_client.get("/stats", params={"since": "last week"})
        assert response.status_code == 400
        assert "etag" not in response.headers
        assert "cache-control" not in response.headers
    assert len(pages) == kept
