"""Chromium keeps the fingerprinted files: the next page takes them from its cache, unasked."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser

from tests.web.conftest import serving
from trendcache.services import Services
from trendcache.web.app import HERE, create_app
from trendcache.web.static_assets import StaticAssets

pytestmark = pytest.mark.browser
ASSETS = StaticAssets(HERE / "static")
# Bytes over the network per resource of this document (0: from the browser's cache).
TRANSFERRED = """
() => Object.fromEntries(performance.getEntriesByType('resource')
    .map(entry => [new URL(entry.name).pathname, entry.transferSize]))
"""


def test_the_next_page_takes_the_files_from_the_cache(
    browser: Browser, web_services: Services
) -> None:
    style, htmx = ASSETS.url("style.css"), ASSETS.url("htmx.min.js")
    with serving(create_app(web_services)) as url:
        page = browser.new_page()
        page.goto(url + "/")
        page.wait_for_load_state("load")
        first = page.evaluate(TRANSFERRED)
        assert first[style] > 0 and first[htmx] > 0, first  # fetched once
        page.goto(url + "/login")
        page.wait_for_load_state("load")
        page.wait_for_function("window.htmx !== undefined")
        again = page.evaluate(TRANSFERRED)
        assert again[style] == 0 and again[htmx] == 0, again  # not even revalidated
        # A plain name, `no-cache`, is asked again: a 304 still crosses the network.
        plain = "/static/style.css"
        for _ in range(2):
            page.evaluate("path => fetch(path).then(response => response.text())", plain)
        entries = page.evaluate(
            """path => performance.getEntriesByType('resource')
                .filter(entry => new URL(entry.name).pathname === path)
                .map(entry => entry.transferSize)""",
            plain,
        )
        assert len(entries) == 2 and all(size > 0 for size in entries), entries
        page.close()
