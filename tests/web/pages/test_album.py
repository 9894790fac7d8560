"""The album page, rendered server-side (TestClient; in Chromium in test_album_browser.py)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape
from sqlalchemy import update

from tests.web.history import EVIL, MOMENTS, History, record_history
from tests.web.pages.prepared_checks import check_prepared_page, web
from trendcache.db.history import Album, Artist
from trendcache.pipeline.enrichment.review import mark_not_in_musicbrainz
from trendcache.pipeline.history.recording import record_listing
from trendcache.pipeline.keys import NEW_RELEASES
from trendcache.services import Services

ESCAPED = "&lt;script&gt;window.__xss = 1; alert(1)&lt;/script&gt;"


@pytest.fixture
def history(synced_services: Services) -> History:
    return record_history(synced_services)


def row(html: str, market: str) -> str:
    found = re.search(rf'<tr data-market="{market}"[^>]*>(.*?)</tr>', html, re.S)
    assert found is not None, market
    return found.group(1)


def cell(row_html: str, name: str) -> str:
    found = re.search(rf'<td class="{name}">(.*?)</td>', row_html, re.S)
    assert found is not None, name
    return re.sub(r"<[^>]+>", "", found.group(1)).strip()


def test_header_figures_chart_and_exports(client: TestClient, history: History) -> None:
    back = history.back
    page = client.get(f"/albums/{back['id']}")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    html = page.text
    name = str(escape(back["name"]))
    assert f'<h1 id="album-name"><bdi>{name}</bdi></h1>' in html
    assert re.search(r'<img src="http://127\.0\.0\.1:\d+/image/\w+" alt="Cover of ', html)
    assert f'<a class="spotify" href="{back["external_urls"]["spotify"]}"' in html
    assert 'data-musicbrainz="pending"' in html
    assert str(escape(back["artists"][0]["name"])) in html
    export = f"/api/albums/appearances/{back['id']}"
    assert f'<a href="{export}?format=csv" download>Download CSV</a>' in html
    assert f'<a href="{export}?format=json">JSON</a>' in html

    se = row(html, "SE")
    assert cell(se, "source") == "new releases"
    assert cell(se, "first-seen") == "20 Nov 2026 00:00"
    assert cell(se, "last-seen") == "20 Nov 2026 18:00"
    assert cell(se, "now") == "#1"
    assert cell(se, "peak") == "#1 20 Nov 2026 18:00"
    assert (cell(se, "snapshots"), cell(se, "streak"), cell(se, "reentries")) == ("2", "1", "1")
    us = row(html, "US")
    assert (cell(us, "snapshots"), cell(us, "streak"), cell(us, "reentries")) == ("1", "1", "0")

    svg = re.search(r'<svg class="positions".*?</svg>', html, re.S)
    assert svg is not None
    chart = svg.group(0)
    assert 'role="img" aria-labelledby="chart-title chart-desc"' in chart
    assert f'<title id="chart-title">Chart positions of {name} over time</title>' in chart
    assert "SE: 2 appearances from 20 Nov 2026 00:00 UTC to 20 Nov 2026 18:00 UTC" in chart
    lines = re.findall(
        r'<g class="series" data-market="(\w+)".*?<path class="line" d="([^"]+)"', chart, re.S
    )
    markets = [market for market, _ in lines]
    assert sorted(markets) == sorted(re.findall(r'<tr data-market="(\w+)"', html))
    se_path = dict(lines)["SE"]
    assert se_path.count("M") == 2  # broken where it was absent
    assert ">#1</text>" in chart  # the top of the y axis
    assert re.search(r">2\d Nov</text>", chart)  # dated x ticks
    legend = re.findall(r'<li data-market="(\w+)"><span class="swatch"', html)
    assert legend == markets


def test_a_dropped_album_shows_no_streak(client: TestClient, history: History) -> None:
    html = client.get(f"/albums/{history.gone['id']}").text
    se = row(html, "SE")
    assert cell(se, "streak") == "0"
    assert cell(se, "last-seen") == "20 Nov 2026 06:00"
    assert cell(se, "now") == "dropped out"
    assert "Times in UTC; first seen 20 Nov 2026 00:00 UTC" in html


def test_unknown_album_gets_a_friendly_404(client: TestClient) -> None:
    page = client.get(f"/albums/{'0' * 22}")
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert "<h1>Sorry</h1>" in page.text
    assert "0000000000000000000000" in page.text
    assert "has no trending history" in page.text
    odd = client.get("/albums/<img src=x onerror=alert(1)>")
    assert odd.status_code == 404
    assert "is not an album id" in odd.text
    assert "&lt;img src=x onerror=alert(1)&gt;" in odd.text
    assert "<img src=x" not in odd.text


def test_upstream_strings_are_escaped(
    synced_services: Services, client: TestClient, history: History
) -> None:
    album_id = history.steady["id"]
    with synced_services.database.writer() as session:
        session.execute(
            update(Album)
            .where(Album.id == album_id)
            .values(name=EVIL, label=EVIL, image="javascript:alert(2)", spotify_url="javascript:x")
        )
        artist_id = history.steady["artists"][0]["id"]
        session.execute(update(Artist).where(Artist.id == artist_id).values(name=EVIL))
    html = client.get(f"/albums/{album_id}").text
    assert EVIL not in html
    assert ESCAPED in html
    assert f'<title id="chart-title">Chart positions of {ESCAPED} over time</title>' in html
    assert "javascript:" not in html


def test_browse_cards_link_to_the_album_page(client: TestClient) -> None:
    html = client.get("/").text
    cards = re.findall(
        r'<li class="card album" data-album-id="(\w+)">.*?<h3 class="title"><a href="([^"]+)"',
        html,
        re.S,
    )
    assert cards
    assert all(href == f"/albums/{album_id}" for album_id, href in cards)
    assert 'class="spotify" target="_blank" rel="noopener"><bdi>Open in Spotify</bdi></a>' in html


def test_served_prepared(client: TestClient, history: History) -> None:
    check_prepared_page(client, f"/albums/{history.back['id']}")


def test_rendered_once_while_nothing_lands(client: TestClient, history: History) -> None:
    pages = web(client).album_pages
    first = client.get(f"/albums/{history.steady['id']}")
    rendered = pages.rendered
    again = client.get(f"/albums/{history.steady['id']}")
    assert (again.content, again.headers["etag"]) == (first.content, first.headers["etag"])
    assert pages.rendered == rendered


def test_a_new_snapshot_shows_at_once(
    synced_services: Services, client: TestClient, history: History
) -> None:
    path = f"/albums/{history.back['id']}"
    before = client.get(path)
    assert cell(row(before.text, "SE"), "snapshots") == "2"
    with synced_services.database.writer() as session:
        record_listing(
            session, NEW_RELEASES, "SE", [history.back], MOMENTS[-1] + timedelta(hours=6)
        )
    after = client.get(path, headers={"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200
    assert cell(row(after.text, "SE"), "snapshots") == "3"
    assert cell(row(after.text, "SE"), "streak") == "2"
    assert after.headers["etag"] != before.headers["etag"]


def test_an_enrichment_decision_shows_at_once(
    synced_services: Services, client: TestClient, history: History
) -> None:
    path = f"/albums/{history.steady['id']}"
    before = client.get(path)
    assert 'data-musicbrainz="pending"' in before.text
    mark_not_in_musicbrainz(synced_services.database, history.steady["id"], "admin")
    after = client.get(path, headers={"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200
    assert 'data-musicbrainz="no_match"' in after.text
    assert after.headers["etag"] != before.headers["etag"]


def test_an_announced_change_the_stamp_does_not_show_renders_again(
    synced_services: Services, client: TestClient, history: History
) -> None:
    """A backfill may rewrite albums without a snapshot: its announcement empties the
    cache, as it empties the statistics'."""
    path = f"/albums/{history.steady['id']}"
    before = client.get(path)
    with synced_services.database.writer() as session:
        session.execute(
            update(Album).where(Album.id == history.steady["id"]).values(label="Renamed")
        )
    assert client.get(path).content == before.content  # the stamp alone cannot tell
    synced_services.announce("backfill")
    after = client.get(path, headers={"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200
    assert '<bdi class="label">Renamed</bdi>' in after.text


def test_a_missing_album_is_never_kept(client: TestClient, history: History) -> None:
    pages = web(client).album_pages
    for _ in range(2):
        missing = client.get(f"/albums/{'0' * 22}")
        assert missing.status_code == 404
        assert "etag" not in missing.headers
        assert "cache-control" not in missing.headers
    assert len(pages) == 0
    assert client.get(f"/albums/{history.gone['id']}").status_code == 200
    assert len(pages) == 1
