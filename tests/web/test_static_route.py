"""`/static`: fingerprinted files immutable, plain names revalidated, bodies compressed once."""

from __future__ import annotations

import gzip
import http.client
import re
from collections.abc import Callable

import brotli
import pytest
import zstandard
from fastapi.testclient import TestClient
from starlette.applications import Starlette
from starlette.routing import NoMatchFound

from tests.web.conftest import ClientFactory, serving
from tests.web.test_metrics import scrape
from trendcache.services import Services
from trendcache.web.app import HERE, create_app
from trendcache.web.headers import NOT_A_PAGE
from trendcache.web.static_assets import StaticAssets
from trendcache.web.static_route import IMMUTABLE

ASSETS = StaticAssets(HERE / "static")
STYLE = (HERE / "static" / "style.css").read_bytes()
DECODE: dict[str, Callable[[bytes], bytes]] = {
    "br": brotli.decompress,
    "zstd": zstandard.ZstdDecompressor().decompress,
    "gzip": gzip.decompress,
    "identity": lambda body: body,
}
LINKED = re.compile(r'(?:href|src)="(/static/[^"]+)"')


@pytest.fixture
def static_client(web_services: Services, make_client: ClientFactory) -> TestClient:
    """An app on an empty database: enough for the files, and for a page linking them."""
    return make_client(web_services)


def raw(
    client: TestClient, path: str, method: str = "GET", **headers: str
) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and the body as sent, not decoded by the client."""
    sent = {"accept-encoding": "identity", **{k.replace("_", "-"): v for k, v in headers.items()}}
    with client.stream(method, path, headers=sent) as response:
        return response.status_code, dict(response.headers), b"".join(response.iter_raw())


@pytest.mark.parametrize("page", ["/", "/login", "/docs"])
def test_pages_link_only_current_fingerprints_and_they_are_immutable(
    static_client: TestClient, page: str
) -> None:
    links = LINKED.findall(static_client.get(page).text)
    assert links, page
    for link in links:
        found = ASSETS.find(link.removeprefix("/static/"))
        assert found is not None and found.current, link
        status, headers, body = raw(static_client, link)
        assert status == 200, link
        assert headers["cache-control"] == IMMUTABLE.decode(), link
        assert body == found.asset.body, link


def test_the_pages_and_docs_name_the_shipped_files(static_client: TestClient) -> None:
    html = static_client.get("/").text
    assert f'href="{ASSETS.url("style.css")}"' in html
    assert f'src="{ASSETS.url("htmx.min.js")}"' in html
    docs = static_client.get("/docs").text
    for name in ("swagger-ui-bundle.js", "swagger-ui.css", "favicon.svg"):
        assert f'"{ASSETS.url(f"swagger/{name}")}"' in docs, name


def test_url_for_the_static_route_is_the_fingerprinted_file(static_client: TestClient) -> None:
    app = static_client.app
    assert isinstance(app, Starlette)
    assert app.url_path_for("static", path="style.css") == ASSETS.url("style.css")
    with pytest.raises(NoMatchFound):
        app.url_path_for("static", path="missing.css")
    assert app.url_path_for("spotify_new_releases")  # other routes' names still resolve


def test_a_current_fingerprint_is_cached_immutable(static_client: TestClient) -> None:
    status, headers, body = raw(static_client, ASSETS.url("style.css"))
    assert status == 200
    assert body == STYLE
    assert headers["cache-control"] == "public, max-age=31536000, immutable"
    assert headers["content-type"] == "text/css; charset=utf-8"
    assert headers["content-length"] == str(len(STYLE))
    assert headers["vary"] == "Accept-Encoding"
    assert headers["etag"].startswith('"')
    # Not a page: the security headers every response other than a page gets.
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["content-security-policy"] == NOT_A_PAGE.decode()
    assert headers["x-frame-options"] == "DENY"


def test_the_plain_name_still_works_revalidated(static_client: TestClient) -> None:
    _, current, _ = raw(static_client, ASSETS.url("style.css"))
    status, headers, body = raw(static_client, "/static/style.css")
    assert status == 200
    assert body == STYLE
    assert headers["cache-control"] == "no-cache"
    assert headers["etag"] == current["etag"]  # the same bytes: a browser's copy still fits
    status, headers, body = raw(static_client, "/static/style.css", if_none_match=current["etag"])
    assert (status, body) == (304, b"")
    assert headers["cache-control"] == "no-cache"


def test_a_fingerprint_not_current_gets_the_current_file_never_immutable(
    static_client: TestClient,
) -> None:
    stale = "/static/style.0123456789.css"
    assert stale != ASSETS.url("style.css")
    status, headers, body = raw(static_client, stale)
    assert status == 200
    assert body == STYLE
    assert headers["cache-control"] == "no-cache"


@pytest.mark.parametrize("name", ["style.css", "swagger/swagger-ui-bundle.js"])
def test_each_encoding_decodes_to_the_file_with_its_own_etag_and_304(
    static_client: TestClient, name: str
) -> None:
    url, file = ASSETS.url(name), (HERE / "static" / name).read_bytes()
    tags = set()
    for encoding, decode in DECODE.items():
        status, headers, body = raw(static_client, url, accept_encoding=encoding)
        assert status == 200
        assert headers.get("content-encoding", "identity") == encoding
        assert int(headers["content-length"]) == len(body)
        assert decode(body) == file
        tags.add(headers["etag"])
        status, again, body = raw(
            static_client, url, accept_encoding=encoding, if_none_match=headers["etag"]
        )
        assert (status, body) == (304, b"")
        assert again["etag"] == headers["etag"]
        assert again["cache-control"] == IMMUTABLE.decode()
        assert again["x-content-type-options"] == "nosniff"
    assert len(tags) == len(DECODE)
    changed = raw(static_client, url, accept_encoding="br", if_none_match='"someone-else"')
    assert changed[0] == 200


def test_head_answers_the_gets_headers_without_a_body(static_client: TestClient) -> None:
    url = ASSETS.url("htmx.min.js")
    for accept in ("identity", "gzip"):
        _, get, _ = raw(static_client, url, accept_encoding=accept)
        status, head, body = raw(static_client, url, "HEAD", accept_encoding=accept)
        assert (status, body) == (200, b"")
        for header in ("content-length", "content-type", "etag", "cache-control"):
            assert head[header] == get[header], header
        assert head.get("content-encoding") == get.get("content-encoding")
        status, _, _ = raw(static_client, url, "HEAD", if_none_match=get["etag"])
        assert status == 304


@pytest.mark.parametrize("path", [ASSETS.url("style.css"), "/static/swagger/favicon.svg"])
def test_options_and_other_methods_as_elsewhere(static_client: TestClient, path: str) -> None:
    options = static_client.options(path)
    assert options.status_code == 204
    assert options.headers["allow"] == "GET, HEAD, OPTIONS"
    for method in ("POST", "PUT", "DELETE"):
        response = static_client.request(method, path)
        assert response.status_code == 405, method
        assert response.headers["allow"] == "GET, HEAD, OPTIONS"
        assert response.json() == {"detail": "Method Not Allowed"}


@pytest.mark.parametrize(
    "path",
    [
        "/static/missing.css",
        "/static/",
        "/static",
        "/static/swagger",
        "/static/%2e%2e/app.py",  # the client sends it encoded; the app sees `../app.py`
        "/static/%2E%2E/%2E%2E/pyproject.toml",
        "/static/swagger/%2e%2e/style.css",
        "/static/..%2fapp.py",
        "/static/%2fetc%2fpasswd",
        "/static//etc/passwd",
        "/static/%5cetc%5cpasswd",
    ],
)
def test_anything_but_a_listed_file_is_a_404(static_client: TestClient, path: str) -> None:
    assert static_client.get(path).status_code == 404
    assert static_client.options(path).status_code == 404
    assert static_client.post(path).status_code == 404


def test_requests_count_under_the_static_route_label(
    web_services: Services, static_client: TestClient
) -> None:
    """`/static` whatever the file, `unmatched` for a name not listed: no series per path."""
    _, headers, _ = raw(static_client, ASSETS.url("style.css"))
    raw(static_client, "/static/style.css", if_none_match=headers["etag"])
    raw(static_client, "/static/style.css", "HEAD")
    raw(static_client, "/static/nothing-9GfW2.css")
    web_services.flusher.flush()
    samples = {
        dict(labels)["route"] + " " + dict(labels)["method"] + " " + dict(labels)["status"]: value
        for (name, labels), value in scrape(static_client).items()
        if name == "trendcache_http_requests_total"
    }
    assert samples["/static GET 200"] == 1
    assert samples["/static GET 304"] == 1
    assert samples["/static HEAD 200"] == 1
    assert samples["unmatched GET 404"] == 1
    assert not any("9GfW2" in key for key in samples)


def test_traversal_sent_raw_over_http_is_a_404(web_services: Services) -> None:
    """As a client sends them on the wire (httpx would normalise the dots away)."""
    with serving(create_app(web_services)) as base:
        host, port = base.removeprefix("http://").split(":")
        for path, expected in [
            ("/static/style.css", 200),  # the same client reaches the files
            ("/static/../app.py", 404),
            ("/static/../../../../etc/passwd", 404),
            ("/static/swagger/../../app.py", 404),
            ("/static/swagger/../style.css", 404),
            ("/static/%2e%2e/app.py", 404),
            ("/static//etc/passwd", 404),
            (f"/static/{(HERE / 'app.py').as_posix()}", 404),
        ]:
            connection = http.client.HTTPConnection(host, int(port), timeout=10)
            try:
                connection.request("GET", path)
                assert connection.getresponse().status == expected, path
            finally:
                connection.close()
