"""The stats page in Chromium, against a real uvicorn server: its SVG charts, the market
picker, and the CSV download."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy import update

from tests.pipeline.stats.listenbrainz import lb_item
from tests.web.conftest import serving
from tests.web.pages.test_browser import EVIL
from tests.web.stats_history import add_day_before, add_listenbrainz
from trendcache.db.history import Album
from trendcache.services import Services
from trendcache.web.app import create_app

pytestmark = pytest.mark.browser


def test_charts_market_picker_and_csv_download(
    browser: Browser, synced_services: Services, tmp_path: Path
) -> None:
    listings = add_day_before(synced_services)
    climber = listings["US"][0]  # #2 the day before, #1 now (in GB too)
    assert climber["id"] == listings["GB"][0]["id"]
    with synced_services.database.writer() as session:
        session.execute(update(Album).where(Album.id == climber["id"]).values(name=EVIL))
    with serving(create_app(synced_services)) as url:
        page = browser.new_page(accept_downloads=True)
        dialogs: list[str] = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(f"{url}/stats")

        expect(page.get_by_role("heading", name="Trending statistics")).to_be_visible()
        expect(page.locator("svg#chart-moves rect.bar--up")).to_have_count(4)
        expect(page.locator("svg#chart-moves rect.bar--down")).to_have_count(4)
        expect(page.locator("svg#chart-longest rect.bar")).to_have_count(10)
        expect(page.locator("svg#chart-artists rect.bar")).to_have_count(10)
        expect(page.locator("svg#chart-overlap rect.cell")).to_have_count(4)
        expect(page.locator("svg#chart-enrichment rect.seg")).to_have_count(1)
        bar = page.locator("svg#chart-moves rect.bar").first.bounding_box()
        assert bar is not None and bar["width"] > 10 and bar["height"] > 5  # drawn, visible
        # Shortened on the chart, whole in its tooltip: shown as text, never run.
        expect(page.locator("svg#chart-moves text.label", has_text=EVIL[:20])).to_have_count(2)
        expect(page.locator("svg#chart-moves rect title", has_text=EVIL)).to_have_count(2)
        assert page.evaluate("window.__xss") is None
        assert dialogs == []
        album = page.locator("#table-climbers a", has_text=EVIL)
        expect(album).to_have_count(2)
        expect(album.first).to_have_attribute("href", f"/albums/{climber['id']}")

        page.get_by_label("Market", exact=True).select_option("GB")
        page.get_by_role("button", name="Show").click()
        page.wait_for_url("**/stats?*market=GB*")
        expect(page.locator("svg#chart-moves rect.bar")).to_have_count(4)
        expect(page.locator("#table-climbers tbody tr td:nth-child(2)")).to_have_text(
            ["Spotify new releases · GB"] * 2
        )
        expect(page.get_by_label("Market", exact=True)).to_have_value("GB")

        with page.expect_download() as started:
            page.locator("#export-csv").click()
        download = started.value
        since = page.locator('input[name="since"]').input_value()
        until = page.locator('input[name="until"]').input_value()
        assert download.suggested_filename == f"trending-stats-{since}-{until}.csv"
        saved = tmp_path / download.suggested_filename
        download.save_as(saved)
        with saved.open(newline="") as handle:
            rows = list(csv.DictReader(handle))
        assert rows[0]["section"] == "window"
        assert rows[0]["market"] == "GB"
        climbers = [row for row in rows if row["section"] == "climber"]
        assert [row["market"] for row in climbers] == ["GB", "GB"]
        assert [row["change"] for row in climbers] == ["1", "1"]
        page.close()


def test_on_both_and_the_sources_by_name(browser: Browser, synced_services: Services) -> None:
    listings = add_day_before(synced_services)
    spotify = listings["US"][0]["images"][0]["url"]
    origin = spotify[: spotify.index("/", len("http://"))]  # the emulator's: loopback
    joined = add_listenbrainz(synced_services, listings, caa=f"{origin}/caa")
    with serving(create_app(synced_services)) as url:
        page = browser.new_page()
        page.goto(f"{url}/stats")
        both = page.locator("#on-both tbody tr")
        expect(both).to_have_count(1)
        expect(both.locator("td.lead")).to_have_text("Spotify new releases 12 hours earlier")
        links = both.locator("a")
        expect(links.first).to_have_attribute("href", f"/albums/{joined['id']}")
        expect(links.nth(1)).to_have_attribute("href", f"/albums/{lb_item(1)['id']}")
        cover = both.locator("img.stats-cover").nth(1)
        expect(cover).to_have_attribute("src", lb_item(1, caa=f"{origin}/caa")["images"][0]["url"])
        box = cover.bounding_box()
        assert box is not None and round(box["width"]) == round(box["height"]) == 40
        expect(
            page.locator("#table-climbers td", has_text="ListenBrainz top · worldwide")
        ).to_have_count(1)

        page.get_by_label("Source", exact=True).select_option(label="ListenBrainz top")
        page.get_by_role("button", name="Show").click()
        page.wait_for_url("**/stats?*source=listenbrainz_top*")
        expect(page.locator("#on-both")).to_contain_text("Pick all sources to compare them.")
        expect(page.locator("svg#chart-moves rect.bar")).to_have_count(2)
        page.close()


def test_a_revalidated_page_keeps_its_policy_and_styles(
    browser: Browser, synced_services: Services
) -> None:
    """Reloading asks with If-None-Match and gets a 304; Chromium then takes the 304's
    headers into its stored copy, so a 304 carrying the non-page policy would block the
    page's own stylesheet and script (it did)."""
    with serving(create_app(synced_services)) as url:
        page = browser.new_page()
        console: list[str] = []
        page.on("console", lambda message: console.append(message.text))
        first = page.goto(f"{url}/stats")
        assert first is not None and first.status == 200
        etag = first.headers["etag"]
        again = page.reload()
        assert again is not None
        assert again.request.all_headers().get("if-none-match") == etag  # revalidated
        assert "style-src 'self'" in again.headers["content-security-policy"]  # as stored
        assert not [text for text in console if "Content Security Policy" in text], console
        masthead = page.evaluate("getComputedStyle(document.querySelector('.masthead')).display")
        assert masthead == "flex"
        page.close()
