"""Signing in to the pages, the collection buttons and page, and CSRF (TestClient; see
test_browser.py for the same in Chromium)."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from tests.fixtures.accounts import PASSWORD
from tests.web.conftest import VIEWER, csrf_of, sign_in
from trendcache.accounts.users import create_user, set_password
from trendcache.services import Services
from trendcache.web.sessions import COOKIE

HTMX = {"HX-Request": "true"}


@pytest.fixture
def token(synced_services: Services) -> str:
    return create_user(synced_services.database, "alice", PASSWORD)


@pytest.fixture
def signed_in(client: TestClient, token: str) -> TestClient:
    assert sign_in(client, "alice", PASSWORD).status_code == 303
    return client


def album_ids(html: str) -> list[str]:
    return re.findall(r'<li class="card album" data-album-id="([^"]+)"', html)


def collected(client: TestClient, market: str | None = None) -> list[str]:
    """Which of the page's albums the viewer's bits say they collected."""
    params = {"market": market} if market else {}
    html = client.get(VIEWER, params=params).text
    found = re.search(r'data-collected="([^"]*)"', html)
    assert found, html
    return found.group(1).split()


def add(client: TestClient, album_id: str, **headers: str) -> object:
    csrf = csrf_of(client.get(VIEWER).text)
    return client.post(
        "/collection/add",
        data={"csrf_token": csrf, "album_id": album_id},
        headers=headers,
        follow_redirects=False,
    )


def test_anonymous_visitors_get_a_sign_in_link_and_no_cookie(client: TestClient) -> None:
    page = client.get("/")
    assert '<a href="/login" class="sign-in">Sign in</a>' in page.text
    assert "Add to collection" not in page.text
    assert "set-cookie" not in page.headers
    bits = client.get(VIEWER)
    assert (bits.status_code, bits.text) == (204, "")  # nothing to add to the page
    assert bits.headers["cache-control"] == "private, no-store"
    assert "set-cookie" not in bits.headers


def test_sign_in_returns_to_the_page_it_was_asked_from(client: TestClient, token: str) -> None:
    page = client.get("/", params={"market": "GB"}).text
    link = re.search(r'<a href="(/login[^"]*)" class="sign-in">', page)
    assert link and link.group(1) == "/login?next=/%3Fmarket%3DGB"
    form = client.get(link.group(1).replace("&amp;", "&"))
    assert 'name="next" value="/?market=GB"' in form.text
    data = {"csrf_token": csrf_of(form.text), "name": "alice", "password": PASSWORD}
    response = client.post("/login", data={**data, "next": "/?market=GB"}, follow_redirects=False)
    assert response.headers["location"] == "/?market=GB"


def test_the_sign_in_form_sets_a_session_cookie_for_its_csrf_token(client: TestClient) -> None:
    page = client.get("/login")
    assert page.status_code == 200
    assert 'name="csrf_token"' in page.text
    assert 'autocomplete="current-password"' in page.text
    assert "trendcache users create NAME --password" in page.text
    cookie = page.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}=")
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie or "samesite=lax" in cookie.lower()
    assert "Secure" not in cookie  # plain HTTP here
    again = client.get("/login")
    assert "set-cookie" not in again.headers  # the same session is kept
    assert csrf_of(again.text) == csrf_of(page.text)


def test_over_https_the_cookie_is_secure(client: TestClient) -> None:
    secure = TestClient(client.app, base_url="https://testserver")
    assert "Secure" in secure.get("/login").headers["set-cookie"]


def test_signing_in_shows_who_and_a_button_on_every_album(client: TestClient, token: str) -> None:
    response = sign_in(client, "alice", PASSWORD)
    assert response.status_code == 303
    assert response.headers["location"] == "/"
    assert response.headers["set-cookie"].startswith(f"{COOKIE}=")
    # The page is the same bytes as anyone's: who is looking comes after load.
    page = client.get("/")
    assert page.content == TestClient(client.app).get("/").content
    assert page.headers["cache-control"] == "no-cache"
    assert "Signed in as" not in page.text and 'name="csrf_token"' not in page.text
    assert album_ids(page.text)
    bits = client.get(VIEWER)
    html = bits.text
    assert "Signed in as <strong>alice</strong>" in html
    assert '<a href="/collection">My collection</a>' in html
    assert '<button type="submit" class="link">Sign out</button>' in html
    # one form, with their token, that the page's script copies into every album card
    form = re.search(r'<template class="collect-form">(.*?)</template>', html, re.S)
    assert form and form.group(1).count(">Add to collection</button>") == 1
    assert csrf_of(form.group(1)) == csrf_of(html)
    assert token not in html
    assert bits.headers["cache-control"] == "private, no-store"  # has a CSRF token


def test_a_wrong_password_or_a_token_is_refused(client: TestClient, token: str) -> None:
    for name, password in (("alice", "wrong password"), ("alice", token), ("nobody", PASSWORD)):
        response = sign_in(client, name, password)
        assert response.status_code == 200
        assert "Wrong user name or password." in response.text
        assert client.get(VIEWER).status_code == 204
    assert f'value="{token}"' not in response.text


def test_sign_in_goes_on_to_next_but_only_on_this_site(client: TestClient, token: str) -> None:
    for target, expected in (
        ("/collection", "/collection"),
        ("/?market=GB", "/?market=GB"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
    ):
        csrf = csrf_of(client.get("/login").text)
        form = {"csrf_token": csrf, "name": "alice", "password": PASSWORD, "next": target}
        response = client.post("/login", data=form, follow_redirects=False)
        assert response.headers["location"] == expected, target
        client.cookies.clear()


def test_every_form_post_without_the_csrf_token_is_a_403(
    signed_in: TestClient, synced_services: Services
) -> None:
    album_id = album_ids(signed_in.get("/").text)[0]
    csrf = csrf_of(signed_in.get(VIEWER).text)
    forms = {
        "/login": {"name": "alice", "password": PASSWORD},
        "/logout": {},
        "/collection/add": {"album_id": album_id},
        "/collection/remove": {"album_id": album_id},
    }
    for path, fields in forms.items():
        for token in (None, "", "forged", csrf[:-1]):
            data = fields if token is None else {**fields, "csrf_token": token}
            response = signed_in.post(path, data=data, follow_redirects=False)
            assert response.status_code == 403, (path, token)
            assert "reload the page" in response.text
        fragment = signed_in.post(path, data=fields, headers=HTMX)
        assert fragment.status_code == 403
        assert fragment.text.startswith('<p class="form-error" role="alert"')
    assert "Signed in as" in signed_in.get(VIEWER).text  # still signed in: no logout happened
    assert collected(signed_in) == []  # nothing was added
    # The token works in a header too (a script's way), and not from another session.
    ok = signed_in.post(
        "/collection/add", data={"album_id": album_id}, headers={"X-CSRF-Token": csrf}
    )
    assert ok.status_code == 200
    other = TestClient(signed_in.app)
    other.cookies.set(COOKIE, signed_in.cookies[COOKIE] + "x")
    assert other.post("/logout", data={"csrf_token": csrf}).status_code == 403


def test_add_with_htmx_swaps_the_button_and_the_page_remembers(signed_in: TestClient) -> None:
    album_id = album_ids(signed_in.get("/").text)[0]
    response = add(signed_in, album_id, **HTMX)
    assert response.status_code == 200
    assert response.text.strip() == (
        f'<span class="collected" data-collected="{album_id}">In collection ✓</span>'
    )
    assert add(signed_in, album_id, **HTMX).status_code == 200  # twice: harmless
    assert collected(signed_in) == [album_id]  # the page's script marks its card
    # the live-update fragment's new sections are everyone's (the script marks them too)
    fragment = signed_in.get("/fragments/status", params={"shown": '"older"'}).text
    assert 'hx-swap-oob="true"' in fragment and f'data-album-id="{album_id}"' in fragment
    assert "data-collected" not in fragment


def test_add_without_javascript_returns_to_the_page(signed_in: TestClient) -> None:
    album_id = album_ids(signed_in.get("/?market=GB").text)[0]
    response = add(signed_in, album_id, referer="http://testserver/?market=GB")
    assert response.status_code == 303
    assert response.headers["location"] == "/?market=GB"
    elsewhere = add(signed_in, album_id, referer="https://evil.example/")
    assert elsewhere.headers["location"] == "/"


def test_an_unknown_album_is_a_404(signed_in: TestClient) -> None:
    response = add(signed_in, "6Hh7Ii8Jj9Kk0Ll1Mm2Nn3", **HTMX)
    assert response.status_code == 404
    assert "does not know this album" in response.text


def test_the_collection_page_lists_and_removes(signed_in: TestClient, token: str) -> None:
    albums = album_ids(signed_in.get("/").text)[:3]
    for album_id in albums:
        add(signed_in, album_id, **HTMX)
    assert collected(signed_in) == sorted(albums)
    page = signed_in.get("/collection")
    assert page.status_code == 200
    assert album_ids(page.text) == albums[::-1]  # newest first
    assert page.text.count(">Remove</button>") == 3
    assert '<a href="/collection" aria-current="page">My collection</a>' in page.text
    assert page.headers["cache-control"] == "private, no-store"

    csrf = csrf_of(page.text)
    removed = signed_in.post(
        "/collection/remove", data={"csrf_token": csrf, "album_id": albums[0]}, headers=HTMX
    )
    assert (removed.status_code, removed.text) == (200, "")
    again = signed_in.post(
        "/collection/remove", data={"csrf_token": csrf, "album_id": albums[0]}, headers=HTMX
    )
    assert again.status_code == 200  # gone already (another tab): the same outcome
    plain = signed_in.post(
        "/collection/remove",
        data={"csrf_token": csrf, "album_id": albums[1]},
        follow_redirects=False,
    )
    assert plain.headers["location"] == "/collection"
    assert album_ids(signed_in.get("/collection").text) == [albums[2]]
    # the API sees the same collection
    api = signed_in.get("/api/collection", headers={"Authorization": f"Bearer {token}"})
    assert [item["albumId"] for item in api.json()["items"]] == [albums[2]]


def test_the_collection_page_needs_signing_in(client: TestClient) -> None:
    response = client.get("/collection", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/collection"


def test_signing_out(signed_in: TestClient) -> None:
    csrf = csrf_of(signed_in.get(VIEWER).text)
    response = signed_in.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/"
    assert f'{COOKIE}=""' in response.headers["set-cookie"]
    assert "Max-Age=0" in response.headers["set-cookie"]
    assert signed_in.get(VIEWER).status_code == 204
    assert signed_in.get("/collection", follow_redirects=False).status_code == 303


def test_a_new_password_signs_out_every_browser(
    signed_in: TestClient, synced_services: Services
) -> None:
    set_password(synced_services.database, "alice", "a brand new password")
    assert signed_in.get(VIEWER).status_code == 204
    assert sign_in(signed_in, "alice", "a brand new password").status_code == 303
    assert "Signed in as" in signed_in.get(VIEWER).text


def test_a_tampered_cookie_is_nobody(signed_in: TestClient) -> None:
    value = signed_in.cookies[COOKIE]
    payload, signature = value.split(".")
    signed_in.cookies.clear()
    signed_in.cookies.set(COOKIE, f"{payload}.{signature[::-1]}")
    assert signed_in.get(VIEWER).status_code == 204


def test_password_guessing_is_slowed_down(client: TestClient, token: str) -> None:
    statuses = [sign_in(client, "alice", f"guess number {n}").status_code for n in range(11)]
    assert statuses[:10] == [200] * 10
    assert statuses[10] == 429
    refused = sign_in(client, "alice", PASSWORD)
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) > 0
    assert "Too many sign-in attempts" in refused.text


def test_oversized_or_garbled_forms_are_refused(signed_in: TestClient) -> None:
    csrf = csrf_of(signed_in.get(VIEWER).text)
    huge = signed_in.post("/collection/add", data={"csrf_token": csrf, "album_id": "x" * 20_000})
    assert huge.status_code == 413
    garbled = signed_in.post(
        "/collection/add",
        content=b"csrf_token=\xff\xfe",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert garbled.status_code == 400
