"""The collection API on both database backends: bearer tokens, per-user collections."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.fixtures.accounts import PASSWORD, UNKNOWN_ALBUM
from tests.web.conftest import ClientFactory, sign_in
from tests.web.listenbrainz import group, lb_item, record_top
from trendcache.accounts.users import create_user, issue_token
from trendcache.clock import utcnow
from trendcache.services import Services

ADD = "/api/albums/add-from-trending"
LIST = "/api/collection"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def api(services: Services, make_client: ClientFactory, known_albums: list[str]) -> TestClient:
    return make_client(services)


@pytest.fixture
def alice(services: Services) -> dict[str, str]:
    return bearer(create_user(services.database, "alice"))


@pytest.fixture
def bob(services: Services) -> dict[str, str]:
    return bearer(create_user(services.database, "bob"))


def test_add_list_and_remove(
    api: TestClient, alice: dict[str, str], known_albums: list[str]
) -> None:
    added = api.post(ADD, json={"albumId": known_albums[0]}, headers=alice)
    assert added.status_code == 201
    item = added.json()
    assert item["albumId"] == known_albums[0]
    assert item["name"] == "SINGLARITY"
    assert item["artists"][0]["name"]
    assert item["image"].startswith("https://i.scdn.co/image/")
    assert item["spotifyUrl"] == f"https://open.spotify.com/album/{known_albums[0]}"
    assert item["releaseDate"] == "2020-12-18"
    assert item["addedAt"].endswith(("Z", "+00:00"))
    assert api.post(ADD, json={"albumId": known_albums[1]}, headers=alice).status_code == 201

    listed = api.get(LIST, headers=alice).json()
    assert listed["total"] == 2
    assert [i["albumId"] for i in listed["items"]] == [known_albums[1], known_albums[0]]
    assert listed["items"][1] == item

    removed = api.delete(f"{LIST}/{known_albums[0]}", headers=alice)
    assert removed.status_code == 204
    assert removed.content == b""
    assert [i["albumId"] for i in api.get(LIST, headers=alice).json()["items"]] == [known_albums[1]]
    again = api.delete(f"{LIST}/{known_albums[0]}", headers=alice)
    assert again.status_code == 404
    assert "not in your collection" in again.json()["detail"]


def test_adding_again_returns_the_existing_item(
    api: TestClient, alice: dict[str, str], known_albums: list[str]
) -> None:
    first = api.post(ADD, json={"albumId": known_albums[0]}, headers=alice)
    again = api.post(ADD, json={"albumId": known_albums[0]}, headers=alice)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert api.get(LIST, headers=alice).json()["total"] == 1


def test_unknown_and_malformed_album_ids(api: TestClient, alice: dict[str, str]) -> None:
    unknown = api.post(ADD, json={"albumId": UNKNOWN_ALBUM}, headers=alice)
    assert unknown.status_code == 404
    assert "not one trendcache knows" in unknown.json()["detail"]
    for bad in ("short", "x" * 23, "3IqzqH6ShrRtie9Yd2ODy!", "", 12):
        response = api.post(ADD, json={"albumId": bad}, headers=alice)
        assert response.status_code == 422, bad
        assert response.json()["detail"][0]["loc"] == ["body", "albumId"]
    assert api.post(ADD, json={}, headers=alice).status_code == 422
    assert api.post(ADD, content=b"not json", headers=alice).status_code == 422
    assert api.delete(f"{LIST}/not-an-id", headers=alice).status_code == 422


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("post", ADD, {"albumId": "3IqzqH6ShrRtie9Yd2ODyG"}),
        ("get", LIST, None),
        ("delete", f"{LIST}/3IqzqH6ShrRtie9Yd2ODyG", None),
    ],
)
def test_no_or_invalid_token_is_a_401(
    api: TestClient, alice: dict[str, str], method: str, path: str, body: Any
) -> None:
    forged = "tc_" + "A" * 43
    for headers in (
        {},
        bearer(forged),
        bearer("garbage"),
        {"Authorization": alice["Authorization"].replace("Bearer", "Basic")},
        {"Authorization": "Bearer"},
    ):
        response = api.request(method, path, json=body, headers=headers)
        assert response.status_code == 401, headers
        assert response.headers["www-authenticate"].startswith("Bearer")
        assert response.json()["detail"]


def test_users_see_and_change_only_their_own_collection(
    api: TestClient, alice: dict[str, str], bob: dict[str, str], known_albums: list[str]
) -> None:
    api.post(ADD, json={"albumId": known_albums[0]}, headers=alice)
    assert api.get(LIST, headers=bob).json() == {"items": [], "total": 0}
    assert api.delete(f"{LIST}/{known_albums[0]}", headers=bob).status_code == 404
    assert api.get(LIST, headers=alice).json()["total"] == 1
    # bob adding the same album gets his own item
    assert api.post(ADD, json={"albumId": known_albums[0]}, headers=bob).status_code == 201
    assert api.delete(f"{LIST}/{known_albums[0]}", headers=bob).status_code == 204
    assert api.get(LIST, headers=alice).json()["total"] == 1


def test_any_token_of_the_user_reaches_the_same_collection(
    api: TestClient, services: Services, alice: dict[str, str], known_albums: list[str]
) -> None:
    api.post(ADD, json={"albumId": known_albums[0]}, headers=alice)
    second = bearer(issue_token(services.database, "alice"))
    assert api.get(LIST, headers=second).json()["total"] == 1


def test_tokens_never_reach_the_logs(
    api: TestClient,
    services: Services,
    known_albums: list[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    token = create_user(services.database, "carol", PASSWORD)
    wrong = token[:-4] + "AAAA"
    api.post(ADD, json={"albumId": known_albums[0]}, headers=bearer(token))
    api.get(LIST, headers=bearer(token))
    api.get(LIST, headers=bearer(wrong))
    assert sign_in(api, "carol", token).status_code == 200  # a token is not a password
    assert sign_in(api, "carol", PASSWORD).status_code == 303
    assert "sign-in refused for user name 'carol'" in caplog.text
    assert "carol signed in" in caplog.text
    for secret in (token, wrong, token.removeprefix("tc_"), PASSWORD):
        assert secret not in caplog.text


def test_the_bearer_scheme_is_documented(api: TestClient) -> None:
    document = api.get("/openapi.json").json()
    scheme = document["components"]["securitySchemes"]["apiToken"]
    assert scheme["type"] == "http"
    assert scheme["scheme"] == "bearer"
    for path, method in ((ADD, "post"), (LIST, "get"), (f"{LIST}/{{albumId}}", "delete")):
        operation = document["paths"][path][method]
        assert operation["security"] == [{"apiToken": []}]
        assert "401" in operation["responses"]
    add = document["paths"][ADD]["post"]["responses"]
    assert {"200", "201", "401", "404", "422"} <= set(add)


def test_an_album_known_only_from_listenbrainz_can_be_collected(
    services: Services, api: TestClient, alice: dict[str, str]
) -> None:
    item = lb_item(9, name="Heard on ListenBrainz")
    record_top(services, [item], utcnow())
    added = api.post(ADD, json={"albumId": item["id"]}, headers=alice)
    assert added.status_code == 201, added.text
    body = added.json()
    assert (body["albumId"], body["name"]) == (item["id"], "Heard on ListenBrainz")
    assert body["image"] == item["images"][0]["url"]
    assert body["artists"] == [
        {"id": item["artists"][0]["id"], "name": "Artist 9", "spotifyUrl": None}
    ]
    assert body["spotifyUrl"] is None
    assert api.delete(f"{LIST}/{item['id']}", headers=alice).status_code == 204
    unknown = api.post(ADD, json={"albumId": f"mb-{group(10)}"}, headers=alice)
    assert unknown.status_code == 404
