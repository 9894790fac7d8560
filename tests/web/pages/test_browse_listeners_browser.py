"""The Listeners' chart in Chromium: covers load from a local image server (standing in for
the Cover Art Archive, on the ListenBrainz base URL's origin that the page's CSP allows)
and the source filter's links switch what the page shows."""

from __future__ import annotations

import base64
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import Browser, expect

from tests.web.conftest import serving, wait_for
from tests.web.listenbrainz import lb_item, write_view
from trendcache.services import Services
from trendcache.web.app import create_app

pytestmark = pytest.mark.browser
PNG = base64.b64decode(  # 1 by 1 pixel, opaque
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


class Covers(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        ok = self.path.startswith("/release/") and self.path.endswith("/front-250")
        self.send_response(200 if ok else 404)
        self.send_header("content-type", "image/png")
        self.send_header("content-length", str(len(PNG) if ok else 0))
        self.end_headers()
        if ok:
            self.wfile.write(PNG)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def covers() -> Iterator[str]:
    """A local image server's base URL: every `/release/<mbid>/front-250` is a PNG."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), Covers)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_covers_load_and_the_source_filter_switches(
    browser: Browser, make_synced_services: Callable[..., Services], covers: str
) -> None:
    services = make_synced_services(cover_art_archive_base_url=covers)
    write_view(services, [lb_item(n, covers=covers) for n in range(1, 5)])
    with serving(create_app(services, demo_note="Demo data")) as url:
        page = browser.new_page()
        page.goto(url)
        chart = page.locator("#listeners-chart")
        expect(chart.locator("li.card")).to_have_count(4)
        first = chart.locator("li.card img").first
        first.scroll_into_view_if_needed()
        release = lb_item(1)["release_mbid"]
        expect(first).to_have_attribute("src", f"{covers}/release/{release}/front-250")
        wait_for(lambda: first.evaluate("img => img.complete && img.naturalWidth") == 1)
        expect(page.locator("#new-releases")).to_be_visible()

        sources = page.get_by_role("navigation", name="Source")
        sources.get_by_role("link", name="ListenBrainz").click()
        page.wait_for_url("**/?source=listenbrainz")
        expect(page.locator("#listeners-chart li.card")).to_have_count(4)
        expect(page.locator("#new-releases")).to_have_count(0)

        sources.get_by_role("link", name="Spotify").click()
        page.wait_for_url("**/?source=spotify")
        expect(page.locator("#listeners-chart")).to_have_count(0)
        expect(page.locator("#new-releases")).to_be_visible()
