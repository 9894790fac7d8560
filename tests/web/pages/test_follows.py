"""Following artists from the pages (TestClient; test_follows_browser.py does it in
Chromium): the viewer fragment's follow forms, CSRF, and the collection page's news and
webhook form after a sync."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from tests.fixtures.accounts import PASSWORD
from tests.web.conftest import VIEWER, csrf_of, sign_in
from tests.web.history import MOMENTS
from tests.web.listenbrainz import lb_item, record_top
from trendcache.accounts.users import create_user
from trendcache.services import Services

HTMX = {"HX-Request": "true"}


@pytest.fixture
def signed_in(client: TestClient, synced_services: Services) -> TestClient:
    create_user(synced_services.database, "alice", PASSWORD)
    assert sign_in(client, "alice", PASSWORD).status_code == 303
    return client


def artist_ids(html: str) -> list[str]:
    return re.findall(r'<li class="card artist" data-artist-id="([^"]+)"', html)


def followed(client: TestClient, **params: str) -> list[str]:
    found = re.search(r'data-followed="([^"]*)"', client.get(VIEWER, params=params).text)
    assert found
    return found.group(1).split()


def post(client: TestClient, path: str, csrf: str | None, **fields: str) -> object:
    data = {**fields, **({"csrf_token": csrf} if csrf is not None else {})}
    return client.post(path, data=data, headers=HTMX, follow_redirects=False)


def test_follow_forms_need_a_valid_csrf_token(signed_in: TestClient) -> None:
    artist = artist_ids(signed_in.get("/").text)[0]
    for csrf in (None, "not-the-token"):
        refused = post(signed_in, "/follows/add", csrf, artist_id=artist)
        assert refused.status_code == 403  # type: ignore[attr-defined]
    assert followed(signed_in) == []
    anonymous = TestClient(signed_in.app)
    assert anonymous.post("/follows/add", data={"artist_id": artist}).status_code == 403


def test_follow_from_the_browse_page_then_see_the_event_after_a_sync(
    signed_in: TestClient, synced_services: Services
) -> None:
    page = signed_in.get("/").text
    artist = artist_ids(page)[0]
    bits = signed_in.get(VIEWER).text
    assert re.search(r'<template class="follow-form">.*?>Follow</button>', bits, re.S)
    assert re.search(r'<template class="unfollow-form">.*?>Following ✓</button>', bits, re.S)
    csrf = csrf_of(bits)

    button = post(signed_in, "/follows/add", csrf, artist_id=artist)
    assert button.status_code == 200  # type: ignore[attr-defined]
    assert "Following ✓" in button.text  # type: ignore[attr-defined]
    assert 'action="/follows/remove"' in button.text  # type: ignore[attr-defined]
    assert followed(signed_in) == [artist]
    unknown = post(signed_in, "/follows/add", csrf, artist_id="0000000000000000000000")
    assert unknown.status_code == 404  # type: ignore[attr-defined]

    before = signed_in.get("/collection").text
    assert "New from artists you follow" in before
    assert "Nothing yet" in before
    assert synced_services.syncer.sync("api", force=True).error is None
    after = signed_in.get("/collection").text
    news = re.findall(r'<li class="unread"[^>]*data-event-artist="([^"]+)"', after)
    assert news and set(news) == {artist}
    assert '<strong class="new">new</strong>' in after
    # Shown once, they are read: the next visit lists them without the mark.
    again = signed_in.get("/collection").text
    assert re.findall(r'<li class="read"[^>]*data-event-artist="([^"]+)"', again) == news

    # Unfollowing from the collection page (no script: a redirect back).
    gone = signed_in.post(
        "/follows/remove",
        data={"csrf_token": csrf, "artist_id": artist},
        follow_redirects=False,
    )
    assert gone.status_code == 303
    assert followed(signed_in) == []


def test_an_album_pages_artists_get_follow_buttons_from_the_fragment(
    signed_in: TestClient,
) -> None:
    album = re.findall(r'<li class="card album" data-album-id="([^"]+)"', signed_in.get("/").text)[
        0
    ]
    page = signed_in.get(f"/albums/{album}")
    assert page.status_code == 200
    credited = re.findall(r'<span class="artist" data-artist-id="([^"]+)"', page.text)
    assert credited
    assert f'data-viewer="/fragments/viewer?album={album}"' in page.text
    assert "csrf_token" not in page.text  # the same bytes for everyone
    csrf = csrf_of(signed_in.get(VIEWER).text)
    assert post(signed_in, "/follows/add", csrf, artist_id=credited[0]).status_code == 200  # type: ignore[attr-defined]
    assert followed(signed_in, album=album) == [credited[0]]


def test_the_webhook_url_form(signed_in: TestClient) -> None:
    csrf = csrf_of(signed_in.get("/collection").text)
    bad = signed_in.post(
        "/collection/webhook",
        data={"csrf_token": csrf, "webhook_url": "ftp://example.org/x"},
        follow_redirects=False,
    )
    assert bad.status_code == 400
    assert "not an http(s) URL" in bad.text
    assert (
        signed_in.post(
            "/collection/webhook", data={"webhook_url": "https://hooks.example.org/x"}
        ).status_code
        == 403
    )
    saved = signed_in.post(
        "/collection/webhook",
        data={"csrf_token": csrf, "webhook_url": "https://hooks.example.org/x"},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    page = signed_in.get("/collection").text
    assert 'value="https://hooks.example.org/x"' in page
    cleared = signed_in.post(
        "/collection/webhook",
        data={"csrf_token": csrf, "webhook_url": "https://hooks.example.org/x", "clear": "1"},
    )
    assert cleared.status_code == 200
    assert 'name="webhook_url" value=""' in cleared.text


def test_an_mb_albums_artist_can_be_followed_from_its_page(
    signed_in: TestClient, synced_services: Services
) -> None:
    item = lb_item(6)
    record_top(synced_services, [item], MOMENTS[0])
    album = item["id"]
    page = signed_in.get(f"/albums/{album}")
    assert page.status_code == 200
    credited = re.findall(r'<span class="artist" data-artist-id="([^"]+)"', page.text)
    assert credited == [item["artists"][0]["id"]]
    csrf = csrf_of(signed_in.get(VIEWER).text)
    assert post(signed_in, "/follows/add", csrf, artist_id=credited[0]).status_code == 200  # type: ignore[attr-defined]
    assert followed(signed_in, album=album) == credited
