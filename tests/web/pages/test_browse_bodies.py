"""The browse page served as prepared bytes: rendered once per snapshot and page state,
compressed once, conditional, the same for every visitor (TestClient; the browser tests
check what the page shows)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from tests.fixtures.accounts import PASSWORD
from tests.web.api.test_compression import DECODE
from tests.web.conftest import VIEWER, sign_in
from trendcache.accounts.users import create_user
from trendcache.services import Services
from trendcache.web.deps import WebContext
from trendcache.web.pages import browse_bodies
from trendcache.web.pages.browse import album_ids, shown
from trendcache.web.pages.page_state import page_state

ROUTED = {"via": "route"}  # not an exact form: FastAPI's route answers, the lean path not


def context_of(client: TestClient) -> WebContext:
    context: WebContext = client.app.state.web  # type: ignore[attr-defined]
    return context


def raw(
    client: TestClient, accept: str, method: str = "GET", **kwargs: object
) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and the body as sent, not decoded by the client."""
    headers = {"Accept-Encoding": accept, **kwargs.pop("headers", {})}  # type: ignore[dict-item]
    with client.stream(method, "/", headers=headers, **kwargs) as response:  # type: ignore[arg-type]
        return response.status_code, dict(response.headers), b"".join(response.iter_raw())


def test_rendered_once_then_served_as_the_same_bytes(client: TestClient) -> None:
    rendered = context_of(client).rendered
    first = client.get("/")
    before = rendered.renders
    for _ in range(5):
        again = client.get("/")
        assert again.content == first.content and again.headers["etag"] == first.headers["etag"]
    assert rendered.renders == before, "served from memory, not rendered again"
    assert client.get("/", params=ROUTED).content == first.content  # the route: the same body
    assert rendered.renders == before


@pytest.mark.parametrize("params", [{}, ROUTED, {"market": "GB"}])
def test_each_encoding_decodes_to_the_page_with_its_own_etag(
    client: TestClient, params: dict[str, str]
) -> None:
    status, identity, page = raw(client, "identity", params=params)
    assert status == 200 and identity["vary"] == "Accept-Encoding"
    assert identity["cache-control"] == "no-cache"
    assert len(page) > 20_000 and "content-encoding" not in identity
    etags = {identity["etag"]}
    for encoding in ("br", "zstd", "gzip"):
        status, headers, body = raw(client, encoding, params=params)
        assert headers["content-encoding"] == encoding
        assert int(headers["content-length"]) == len(body) < len(page) / 4
        assert DECODE[encoding](body) == page
        assert headers["vary"] == "Accept-Encoding"
        assert headers["etag"] == identity["etag"][:-1] + f'-{encoding}"'
        etags.add(headers["etag"])
        # a browser holding any encoding's body revalidates with a 304
        status, not_modified, empty = raw(
            client, "br, gzip", params=params, headers={"If-None-Match": headers["etag"]}
        )
        assert (status, empty) == (304, b"")
        assert not_modified["etag"].startswith(identity["etag"][:-1])
    assert len(etags) == 4


def test_head_and_security_headers_on_the_lean_path(client: TestClient) -> None:
    status, get_headers, _ = raw(client, "br")
    status, head_headers, body = raw(client, "br", method="HEAD")
    assert (status, body) == (200, b"")
    assert head_headers["content-length"] == get_headers["content-length"]
    for headers in (get_headers, head_headers):
        assert "script-src 'self'" in headers["content-security-policy"]
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
    routed = raw(client, "br", params=ROUTED)[1]
    assert routed["content-security-policy"] == get_headers["content-security-policy"]


def test_a_sync_makes_a_new_body_and_the_old_etag_gets_it(
    client: TestClient, synced_services: Services
) -> None:
    old = client.get("/")
    rendered = context_of(client).rendered
    before = rendered.renders
    assert synced_services.syncer.sync("api", force=True).source == "fresh"
    context_of(client).snapshots.refresh(force=True)  # as the snapshot thread does on news
    rendered_ahead = rendered.renders
    assert rendered_ahead > before  # the rebuild rendered the visited page ahead of visitors
    new = client.get("/", headers={"If-None-Match": old.headers["etag"]})
    assert new.status_code == 200 and new.headers["etag"] != old.headers["etag"]
    assert rendered.renders == rendered_ahead, "the first visitor found it ready"
    assert client.get("/", headers={"If-None-Match": new.headers["etag"]}).status_code == 304


def test_a_new_page_state_renders_a_new_body_the_same_state_does_not(client: TestClient) -> None:
    context = context_of(client)
    snapshot = context.snapshots.get(None)
    assert snapshot is not None
    now = shown(context, snapshot)
    assert browse_bodies.page(context.rendered, now) is browse_bodies.page(context.rendered, now)
    later = page_state(
        snapshot.document,
        now.state.fetched_at + timedelta(hours=3),  # type: ignore[operator]
        requested=False,
    )
    assert later.age == "3 hours ago" and later != now.state
    moved = browse_bodies.page(
        context.rendered,
        browse_bodies.Shown(snapshot, later, now.progress, now.markets, now.demo_note),
    )
    assert moved.etag != browse_bodies.page(context.rendered, now).etag
    assert b"3 hours ago" in moved.body


def test_the_status_fragment_swaps_in_the_pages_own_sections(client: TestClient) -> None:
    rendered = context_of(client).rendered
    page = client.get("/").text
    fragment = client.get("/fragments/status", params={"shown": '"older"'})
    sections = re.search(r"<main id=\"sections\"[^>]*>(.*)</main>", page, re.S)
    swapped = re.search(r"<main id=\"sections\"[^>]*>(.*)</main>", fragment.text, re.S)
    assert sections and swapped and sections.group(1) == swapped.group(1)
    before = rendered.renders
    again = client.get(
        "/fragments/status", params={"shown": '"older"'}, headers={"Accept-Encoding": "br"}
    )
    assert again.headers["content-encoding"] == "br" and again.text == fragment.text
    assert rendered.renders == before


def test_the_viewer_bits_name_only_the_scopes_collected_albums(
    client: TestClient, synced_services: Services
) -> None:
    create_user(synced_services.database, "alice", PASSWORD)
    assert sign_in(client, "alice", PASSWORD).status_code == 303
    ids = {  # every album of the scope's view, those past the first shelf too
        market: album_ids(client.get("/api/cache/trending", params={"market": market}).json())
        for market in ("US", "GB")
    }
    only_gb = sorted(ids["GB"] - ids["US"])[0]
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', client.get(VIEWER).text)
    assert csrf
    added = client.post("/collection/add", data={"csrf_token": csrf.group(1), "album_id": only_gb})
    assert added.status_code == 200

    def collected(**params: str) -> str:
        found = re.search(r'data-collected="([^"]*)"', client.get(VIEWER, params=params).text)
        assert found
        return found.group(1)

    assert collected(market="GB") == only_gb
    assert collected(market="US") == ""
    assert collected() == only_gb  # all markets
    assert client.get(VIEWER, params={"market": "JP"}).status_code == 400


def test_the_rest_of_the_new_releases_come_apart_prepared_once(client: TestClient) -> None:
    page = client.get("/").text
    releases = client.get("/api/cache/trending").json()["newReleases"]
    assert len(releases) > 18, "the test data must fill more than the first shelf"
    shown_ids = re.findall(r'data-album-id="([^"]+)"', page.split('id="popular-albums"')[0])
    assert shown_ids == [album["id"] for album in releases[:18]]  # the rest are not in the page
    assert 'hx-get="/fragments/more-new-releases"' in page
    rendered = context_of(client).rendered
    more = client.get("/fragments/more-new-releases", headers={"Accept-Encoding": "br"})
    assert more.headers["content-encoding"] == "br" and more.headers["vary"] == "Accept-Encoding"
    ids = re.findall(r'data-album-id="([^"]+)"', more.text)
    assert ids == [album["id"] for album in releases[18:]]
    before = rendered.renders
    again = client.get(
        "/fragments/more-new-releases", headers={"If-None-Match": more.headers["etag"]}
    )
    assert again.status_code == 304 and rendered.renders == before
    gb = client.get("/fragments/more-new-releases", params={"market": "GB"}).text
    gb_releases = client.get("/api/cache/trending", params={"market": "GB"}).json()["newReleases"]
    assert re.findall(r'data-album-id="([^"]+)"', gb) == [a["id"] for a in gb_releases[18:]]
    assert client.get("/fragments/more-new-releases", params={"market": "JP"}).status_code == 400
