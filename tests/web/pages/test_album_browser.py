"""The album page in Chromium: from a browse card to its chart, figures and CSV download."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy import update

from tests.web.conftest import serving
from tests.web.history import EVIL, MOMENTS, iso, record_history
from trendcache.db.history import Album
from trendcache.services import Services
from trendcache.web.app import create_app

pytestmark = pytest.mark.browser


def test_from_a_card_to_the_chart_figures_and_csv(
    browser: Browser, synced_services: Services, tmp_path: Path
) -> None:
    history = record_history(synced_services)
    back = history.back
    with serving(create_app(synced_services, demo_note="Demo data")) as url:
        page = browser.new_page(accept_downloads=True)
        dialogs: list[str] = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(url)
        card = page.locator(f'#new-releases li.card[data-album-id="{back["id"]}"]')
        card.get_by_role("link", name=back["name"], exact=True).click()
        page.wait_for_url(f"**/albums/{back['id']}")

        expect(page.get_by_role("heading", level=1)).to_have_text(back["name"])
        chart = page.get_by_role("img", name=f"Chart positions of {back['name']} over time")
        expect(chart).to_be_visible()
        rows = page.locator("table.figures tbody tr")
        markets = [m or "" for m in rows.evaluate_all("rows => rows.map(r => r.dataset.market)")]
        assert "SE" in markets and "US" in markets
        for market in markets:  # one line per market, and its legend entry
            expect(chart.locator(f'g.series[data-market="{market}"] path.line')).to_have_count(1)
            expect(page.locator(f'.legend li[data-market="{market}"]')).to_have_text(market)
        se_line = chart.locator('g.series[data-market="SE"] path.line')
        assert (se_line.get_attribute("d") or "").count("M") == 2  # a break where it was absent
        dots = chart.locator('g.series[data-market="SE"] circle')
        expect(dots).to_have_count(2)
        first, last = (dots.nth(n).bounding_box() for n in (0, 1))
        assert first is not None and last is not None
        assert first["y"] > last["y"]  # #3, then #1 higher up
        top = chart.locator(".y-axis text").first
        expect(top).to_have_text("#1")
        se = page.locator('table.figures tr[data-market="SE"]')
        expect(se.locator(".snapshots")).to_have_text("2")
        expect(se.locator(".streak")).to_have_text("1")
        expect(se.locator(".reentries")).to_have_text("1")
        expect(se.locator(".peak")).to_have_text("#1 20 Nov 2026 18:00")
        expect(se.locator(".now")).to_have_text("#1")

        with page.expect_download() as download_info:
            page.get_by_role("link", name="Download CSV").click()
        download = download_info.value
        assert download.suggested_filename == f"{back['id']}-history.csv"
        saved = tmp_path / download.suggested_filename
        download.save_as(saved)
        rows_csv = list(csv.reader(io.StringIO(saved.read_text())))
        assert rows_csv[0] == ["seen_at", "source", "market", "position", "snapshot_id"]
        assert rows_csv[1] == [
            iso(MOMENTS[0]),
            "spotify_new_releases",
            "SE",
            "3",
            str(history.snapshot_ids[0]),
        ]
        assert len(rows_csv) == 1 + 2 + len(markets) - 1  # SE twice, every other market once
        assert dialogs == []


def test_an_evil_name_is_shown_as_text(browser: Browser, synced_services: Services) -> None:
    history = record_history(synced_services)
    with synced_services.database.writer() as session:
        session.execute(update(Album).where(Album.id == history.back["id"]).values(name=EVIL))
    with serving(create_app(synced_services)) as url:
        page = browser.new_page()
        dialogs: list[str] = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(f"{url}/albums/{history.back['id']}")
        expect(page.get_by_role("heading", level=1)).to_have_text(EVIL)
        expect(page.locator("#chart-title")).to_have_text(f"Chart positions of {EVIL} over time")
        assert page.evaluate("window.__xss") is None
        assert dialogs == []
        page.goto(f"{url}/albums/{'0' * 22}")
        expect(page.get_by_role("heading", name="Sorry")).to_be_visible()


def test_a_revalidated_album_page_keeps_its_styles(
    browser: Browser, synced_services: Services
) -> None:
    """A reload gets a 304, whose headers Chromium takes into its copy (see
    test_stats_browser.py): the page's policy has to survive it."""
    history = record_history(synced_services)
    with serving(create_app(synced_services)) as url:
        page = browser.new_page()
        console: list[str] = []
        page.on("console", lambda message: console.append(message.text))
        first = page.goto(f"{url}/albums/{history.steady['id']}")
        assert first is not None and first.status == 200
        again = page.reload()
        assert again is not None
        assert again.request.all_headers().get("if-none-match") == first.headers["etag"]
        assert not [text for text in console if "Content Security Policy" in text], console
        expect(page.locator("svg.positions")).to_be_visible()
        assert (
            page.evaluate("getComputedStyle(document.querySelector('.masthead')).display") == "flex"
        )
        page.close()
