"""Album pages and the album API for ListenBrainz's albums: `mb-` ids first-class, and a
Spotify album joined to its release group shown once with both sources' listings."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from tests.pipeline.helpers import cache_row
from tests.web.history import MOMENTS
from tests.web.listenbrainz import group, join, lb_item, record_top
from trendcache.pipeline.history.recording import record_listing
from trendcache.pipeline.keys import NEW_RELEASES, new_releases_key
from trendcache.services import Services

WEEKS_LATER = [MOMENTS[0] + timedelta(weeks=3), MOMENTS[0] + timedelta(weeks=4)]


@pytest.fixture
def spotify_album(synced_services: Services) -> dict[str, object]:
    """A synced album listed in SE at MOMENTS[0], matched to release group 5 later."""
    row = cache_row(synced_services.database, new_releases_key("US"))
    assert row is not None
    album: dict[str, object] = row.data["albums"]["items"][0]
    with synced_services.database.writer() as session:
        record_listing(session, NEW_RELEASES, "SE", [album], MOMENTS[0])
    return album


def test_an_mb_album_renders_first_class(synced_services: Services, client: TestClient) -> None:
    item = lb_item(4, name="Only on ListenBrainz", release_date="2026-11-20")
    record_top(synced_services, [lb_item(3), item], MOMENTS[0])
    record_top(synced_services, [item], MOMENTS[1])
    page = client.get(f"/albums/mb-{group(4)}")
    assert page.status_code == 200, page.text
    html = page.text
    assert '<h1 id="album-name"><bdi>Only on ListenBrainz</bdi></h1>' in html
    assert '<img src="http://127.0.0.1:9/caa/release/' in html
    assert "MusicBrainz release group</bdi></a>" in html
    assert f"/release-group/{group(4)}" in html
    assert re.search(
        r'href="https://musicbrainz\.org/artist/[0-9a-f-]+"[^>]*><bdi>Artist 4</bdi>', html
    )
    assert '<time datetime="2026-11-20">20 Nov 2026</time>' in html
    assert 'data-source="listenbrainz_top"' in html  # its chart line and its row
    assert '<th scope="row">Worldwide</th>' in html
    assert "ListenBrainz top" in html
    assert "Open in Spotify" not in html
    assert 'class="lead-sentence"' not in html


def test_joined_mb_address_redirects_and_shows_both_histories(
    synced_services: Services, client: TestClient, spotify_album: dict[str, object]
) -> None:
    spotify_id = str(spotify_album["id"])
    record_top(synced_services, [lb_item(5)], WEEKS_LATER[0])
    record_top(synced_services, [lb_item(5)], WEEKS_LATER[1])
    assert client.get(f"/albums/mb-{group(5)}").status_code == 200  # not joined yet
    join(synced_services, spotify_id, group(5))

    moved = client.get(f"/albums/mb-{group(5)}", follow_redirects=False)
    assert moved.status_code == 307
    assert moved.headers["location"] == f"/albums/{spotify_id}"
    html = client.get(f"/albums/{spotify_id}").text
    assert 'data-source="spotify_new_releases"' in html
    assert 'data-source="listenbrainz_top"' in html
    assert (
        '<p class="lead-sentence">Charted on Spotify new releases 3 weeks before it entered '
        "the ListenBrainz top 100.</p>"
    ) in html


def test_api_answers_for_mb_and_joined_ids(
    synced_services: Services, client: TestClient, spotify_album: dict[str, object]
) -> None:
    spotify_id = str(spotify_album["id"])
    mb_id = f"mb-{group(5)}"
    record_top(synced_services, [lb_item(5)], MOMENTS[0] - timedelta(days=2))
    alone = client.get(f"/api/albums/appearances/{mb_id}").json()
    assert alone["album"]["id"] == mb_id
    assert alone["ids"] == [mb_id]
    assert alone["sources"] == ["listenbrainz_top"]
    assert alone["lead"] is None
    assert alone["album"]["releaseGroupUrl"].endswith(f"/release-group/{group(5)}")
    assert alone["album"]["artists"][0]["musicbrainzUrl"].endswith(
        "/artist/" + alone["album"]["artists"][0]["id"].removeprefix("mb-")
    )

    join(synced_services, spotify_id, group(5))
    for asked in (mb_id, spotify_id):
        joined = client.get(f"/api/albums/appearances/{asked}").json()
        assert joined["album"]["id"] == spotify_id
        assert joined["ids"] == [spotify_id, mb_id]
        assert joined["sources"] == ["listenbrainz_top", "spotify_new_releases"]
        assert joined["lead"] == (
            "Entered the ListenBrainz top 100 2 days before it charted on Spotify new releases."
        )
        assert {(c["source"], c["market"]) for c in joined["charts"]} >= {
            ("listenbrainz_top", "XW"),
            ("spotify_new_releases", "SE"),
        }
    csv = client.get(f"/api/albums/appearances/{mb_id}", params={"format": "csv"}).text
    assert ",listenbrainz_top,XW,1," in csv and ",spotify_new_releases,SE," in csv


@pytest.mark.parametrize("album_id", ["mb-not-a-uuid", f"mb-{'A' * 8}-0000-4000-8000-000000000000"])
def test_malformed_mb_ids_are_refused(client: TestClient, album_id: str) -> None:
    assert client.get(f"/api/albums/appearances/{album_id}").status_code == 422
    page = client.get(f"/albums/{album_id}")
    assert page.status_code == 404
    assert "not an album id" in page.text


def test_an_unknown_mb_album_is_a_404(client: TestClient) -> None:
    assert client.get(f"/api/albums/appearances/mb-{group(77)}").status_code == 404
    assert client.get(f"/albums/mb-{group(77)}").status_code == 404


def test_a_kept_page_is_rendered_again_when_a_join_lands(
    synced_services: Services, client: TestClient, spotify_album: dict[str, object]
) -> None:
    spotify_id = str(spotify_album["id"])
    record_top(synced_services, [lb_item(5)], WEEKS_LATER[0])
    before = client.get(f"/albums/{spotify_id}")
    assert 'data-source="listenbrainz_top"' not in before.text
    assert client.get(f"/albums/{spotify_id}").headers["etag"] == before.headers["etag"]  # kept
    join(synced_services, spotify_id, group(5))
    after = client.get(f"/albums/{spotify_id}")
    assert after.headers["etag"] != before.headers["etag"]
    assert 'data-source="listenbrainz_top"' in after.text
    assert 'class="lead-sentence"' in after.text
