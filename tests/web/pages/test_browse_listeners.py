"""The browse page's Listeners' chart (ListenBrainz's week) and its source filter."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.pipeline.helpers import cache_row
from tests.web.conftest import ClientFactory, wait_for
from tests.web.history import MOMENTS
from tests.web.listenbrainz import group, join, lb_item, record_top, write_view
from trendcache.pipeline.keys import new_releases_key
from trendcache.services import Services

NO_DATA = "No listeners' chart yet: ListenBrainz is off or has not been synced yet."


def cards(html: str) -> list[str]:
    return re.findall(r'<li class="card album listener".*?</li>', html, re.S)


def test_no_listenbrainz_data_is_one_line(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert ">Listeners' chart</h2>" in page.text
    assert NO_DATA in page.text
    assert not cards(page.text)
    assert ">New releases</h2>" in page.text


def test_chart_renders_from_the_view_and_rerenders_on_a_new_one(
    synced_services: Services, client: TestClient
) -> None:
    write_view(synced_services, [lb_item(n, listens=5000 - n) for n in range(1, 26)])
    html = wait_for(lambda: "Listened 1<" in (t := client.get("/").text) and t)
    shown = cards(html)
    assert len(shown) == 18  # a shelf, the rest behind "Show all"
    first = shown[0]
    assert f'href="/albums/mb-{group(1)}"' in first
    assert '<span class="rank">1</span>' in first
    assert re.search(r'<img src="http://127\.0\.0\.1:9/caa/release/[0-9a-f-]+/front-250"', first)
    assert "5K listens" in first or "4,999" in first
    assert 'href="https://musicbrainz.org/artist/' in first
    assert "Show all 25 albums of the week" in html
    assert NO_DATA not in html
    more = client.get("/fragments/more-listeners")
    assert more.status_code == 200
    assert len(cards(more.text)) == 7
    assert f"/albums/mb-{group(25)}" in more.text

    etag = client.get("/").headers["etag"]
    write_view(synced_services, [lb_item(99, name="A new week")])
    html = wait_for(lambda: "A new week" in (t := client.get("/").text) and t)
    assert "Listened 1<" not in html
    assert client.get("/").headers["etag"] != etag


def test_joined_album_links_to_the_spotify_page_with_a_badge(
    synced_services: Services, client: TestClient
) -> None:
    row = cache_row(synced_services.database, new_releases_key("US"))
    assert row is not None
    spotify = row.data["albums"]["items"][0]
    join(synced_services, spotify["id"], group(7))
    write_view(synced_services, [lb_item(7), lb_item(8)])
    html = wait_for(lambda: "Listened 7" in (t := client.get("/").text) and t)
    joined, alone = cards(html)
    assert f'href="/albums/{spotify["id"]}"' in joined
    assert "Spotify new release</span>" in joined
    assert f'href="/albums/mb-{group(8)}"' in alone
    assert "Spotify new release</span>" not in alone


def test_source_filter(synced_services: Services, client: TestClient) -> None:
    write_view(synced_services, [lb_item(1)])
    wait_for(lambda: "Listened 1" in client.get("/").text)
    spotify = client.get("/", params={"source": "spotify"})
    assert spotify.status_code == 200
    assert ">New releases</h2>" in spotify.text
    assert ">Listeners' chart</h2>" not in spotify.text
    assert '<a href="/?source=spotify" aria-current="page">Spotify</a>' in spotify.text
    listenbrainz = client.get("/", params={"source": "listenbrainz", "market": "GB"})
    assert listenbrainz.status_code == 200
    assert ">Listeners' chart</h2>" in listenbrainz.text
    assert ">New releases</h2>" not in listenbrainz.text
    assert 'href="/?market=US&amp;source=listenbrainz"' in listenbrainz.text  # markets keep it
    assert (
        "source=listenbrainz"
        in re.findall(r'hx-get="(/fragments/status[^"]+)"', listenbrainz.text)[0]
    )
    both = client.get("/")
    assert ">New releases</h2>" in both.text and ">Listeners' chart</h2>" in both.text


def test_unknown_source_is_a_clear_400(client: TestClient) -> None:
    response = client.get("/", params={"source": "napster"})
    assert response.status_code == 400
    assert "unknown source 'napster'" in response.json()["detail"]
    assert "spotify, listenbrainz" in response.json()["detail"]
    assert client.get("/fragments/status", params={"source": "x"}).status_code == 400


def test_status_fragment_swaps_sections_when_only_listenbrainz_moved(
    synced_services: Services, make_client: ClientFactory
) -> None:
    client = make_client(synced_services)
    page = client.get("/").text
    shown = re.search(r'data-etag="([^"]+)"', page)
    assert shown is not None
    tag = shown.group(1).replace("&#34;", '"')
    unchanged = client.get("/fragments/status", params={"shown": tag})
    assert 'id="sections"' not in unchanged.text
    write_view(synced_services, [lb_item(3)])
    swapped = wait_for(
        lambda: (
            'id="sections"' in (t := client.get("/fragments/status", params={"shown": tag}).text)
            and t
        )
    )
    assert "Listened 3" in swapped


def test_movement_since_the_previous_listenbrainz_snapshot(
    synced_services: Services, client: TestClient
) -> None:
    a, b, c = lb_item(1), lb_item(2), lb_item(3)
    record_top(synced_services, [a, b], MOMENTS[0])
    write_view(synced_services, [a, b])
    html = wait_for(lambda: "Listened 1" in (t := client.get("/").text) and t)
    assert 'class="pos movement"' not in html  # one snapshot: nothing to compare with
    record_top(synced_services, [b, c, a], MOMENTS[1])
    write_view(synced_services, [b, c, a])
    html = wait_for(lambda: "Listened 3" in (t := client.get("/").text) and t)
    moves = re.findall(r'<span class="pos movement"[^>]*>([^<]+)</span>', html)
    assert moves == ["▲ 1", "new", "▼ 2"]
