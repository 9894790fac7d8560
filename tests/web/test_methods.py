"""HEAD on every GET route and OPTIONS everywhere (`web/methods.py`, and the fast path)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from trendcache.services import Services
from trendcache.web.app import create_app

ALBUM = "3IqzqH6ShrRtie9Yd2ODyG"


def get_paths(services: Services) -> list[str]:
    """Every GET route of the app (documented or not), with its path parameters filled."""
    app = create_app(services)
    document = app.openapi()
    documented = [path for path, operations in document["paths"].items() if "get" in operations]
    paths = [p.replace("{albumId}", ALBUM).replace("{album_id}", ALBUM) for p in documented]
    assert len(paths) >= 14
    return [*paths, "/openapi.json", "/docs", "/static/style.css"]


def test_head_answers_like_get_on_every_get_route(
    client: TestClient, synced_services: Services
) -> None:
    for path in get_paths(synced_services):
        get = client.get(path, follow_redirects=False)
        head = client.head(path, follow_redirects=False)
        assert head.status_code == get.status_code, path
        assert head.content == b"", path
        assert head.headers.get("content-type") == get.headers.get("content-type"), path
        if "content-length" in get.headers and path != "/metrics":  # metrics count requests
            assert head.headers["content-length"] == get.headers["content-length"], path


@pytest.mark.parametrize("query", ["", "?market=GB", "?market=gb&via=route"])
def test_the_fast_path_answers_head(client: TestClient, query: str) -> None:
    identity = {"Accept-Encoding": "identity"}  # HEAD of compressed: test_compression.py
    get = client.get(f"/api/cache/trending{query}", headers=identity)
    head = client.head(f"/api/cache/trending{query}", headers=identity)
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["etag"] == get.headers["etag"]
    assert head.headers["content-length"] == str(len(get.content))
    again = client.head(
        f"/api/cache/trending{query}", headers={**identity, "If-None-Match": get.headers["etag"]}
    )
    assert again.status_code == 304


@pytest.mark.parametrize(
    ("path", "allow"),
    [
        ("/", "GET, HEAD, OPTIONS"),
        ("/login", "GET, HEAD, OPTIONS, POST"),
        ("/logout", "OPTIONS, POST"),
        ("/api/cache/trending", "GET, HEAD, OPTIONS"),
        (f"/api/collection/{ALBUM}", "DELETE, OPTIONS"),
        ("/static/style.css", "GET, HEAD, OPTIONS"),
    ],
)
def test_options_lists_the_methods_of_the_path(client: TestClient, path: str, allow: str) -> None:
    response = client.options(path)
    assert response.status_code == 204
    assert response.headers["allow"] == allow
    assert response.content == b""
    assert "access-control-allow-origin" not in response.headers  # no CORS


def test_options_on_an_unknown_path_is_a_404(client: TestClient) -> None:
    assert client.options("/nowhere").status_code == 404


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("PUT", "/login", "GET, HEAD, OPTIONS, POST"),  # two routes: the form, what it sends
        ("DELETE", "/login", "GET, HEAD, OPTIONS, POST"),
        ("GET", "/logout", "OPTIONS, POST"),
        ("PATCH", "/api/collection", "GET, HEAD, OPTIONS"),
        ("GET", f"/api/collection/{ALBUM}", "DELETE, OPTIONS"),
        ("PUT", "/api/cache/trending", "GET, HEAD, OPTIONS"),
    ],
)
def test_a_405_allows_every_method_of_the_path(
    client: TestClient, method: str, path: str, allow: str
) -> None:
    response = client.request(method, path)
    assert response.status_code == 405
    assert response.headers["allow"] == allow
    assert response.json() == {"detail": "Method Not Allowed"}
    assert client.options(path).headers["allow"] == allow  # OPTIONS says the same


def test_static_files_allow_reading(client: TestClient) -> None:
    response = client.post("/static/style.css")
    assert response.status_code == 405
    assert response.headers["allow"] in ("GET, HEAD", "GET, HEAD, OPTIONS")
