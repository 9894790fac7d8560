"""The admin page in Chromium: an admin signs in, syncs a market and sees it finish,
settles an album that needs review and finds it in the audit log; a plain user is refused."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.fixtures.accounts import PASSWORD
from tests.pipeline.enrichment.reviews import make_needs_review, released_albums
from tests.web.conftest import serving
from trendcache.accounts.users import create_user
from trendcache.emulators.spotify import SpotifyEmulator
from trendcache.services import Services
from trendcache.web.app import create_app

pytestmark = pytest.mark.browser


def sign_in(page: Page, url: str, name: str) -> None:
    page.goto(f"{url}/admin")
    page.wait_for_url("**/login?next=%2Fadmin")
    page.get_by_label("User name").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_an_admin_syncs_a_market_and_settles_a_review_and_a_plain_user_is_refused(
    browser: Browser, enriched_services: Services, spotify_emulator: SpotifyEmulator
) -> None:
    services = enriched_services
    spotify_emulator.faults.latency = 1.0  # a sync of seconds: progress shows, even when busy
    album, rival = released_albums(services)[:2]
    own, _other = make_needs_review(services, album, rival)
    create_user(services.database, "root", PASSWORD, admin=True)
    create_user(services.database, "alice", PASSWORD)
    with serving(create_app(services)) as url:
        plain = browser.new_page()
        sign_in(plain, url, "alice")
        plain.wait_for_url("**/admin")
        expect(plain.get_by_role("alert")).to_contain_text("for admins")
        plain.goto(url)
        expect(plain.locator("nav.account")).to_contain_text("alice")
        expect(plain.locator("nav.account")).not_to_contain_text("Admin")
        plain.close()

        page = browser.new_page()
        dialogs: list[str] = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        sign_in(page, url, "root")
        page.wait_for_url("**/admin")
        expect(page.get_by_role("heading", level=1)).to_have_text("Admin")
        expect(page.locator("nav.account").get_by_role("link", name="Admin")).to_be_visible()

        page.get_by_label("Markets").select_option("GB")
        page.get_by_role("button", name="Sync now").click()
        page.wait_for_url("**/admin?done=*")
        expect(page.locator("p.done")).to_have_text("Done: sync GB.")
        running = page.locator('#admin-sync[data-running="yes"]')
        expect(running).to_contain_text("Syncing (admin")
        expect(running).to_contain_text("sent so far")
        # The panel polls until the admin's sync has finished, then shows how it went.
        finished = page.locator('#admin-sync .last-sync[data-status="ok"]')
        expect(finished).to_contain_text("(admin)", timeout=30_000)
        expect(page.locator("#admin-sync .budget-left")).not_to_have_text("")

        review = page.locator(f"#review-{album}")
        expect(review.locator(f'a[href="https://musicbrainz.org/release/{own}"]')).to_be_visible()
        review.locator(f'tr[data-mbid="{own}"]').get_by_role("button", name="Choose").click()
        page.wait_for_url("**/admin?done=*")
        expect(page.locator("p.done")).to_have_text(f"Done: resolve {album}.")
        expect(page.locator(f"#review-{album}")).to_have_count(0)
        newest = page.locator("table.audit tbody tr").first
        expect(newest).to_have_attribute("data-action", "resolve")
        expect(newest).to_contain_text("root")
        expect(newest).to_contain_text(own)
        expect(page.locator('table.audit tr[data-action="sync"]')).to_contain_text("GB")
        assert dialogs == []
