"""Following an artist in Chromium: sign in, follow from the browse page's artist card (the
button comes from the viewer fragment), a sync, and the event on the collection page."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect

from tests.fixtures.accounts import PASSWORD
from tests.web.conftest import serving
from trendcache.accounts.users import create_user
from trendcache.services import Services
from trendcache.web.app import create_app

pytestmark = pytest.mark.browser


@pytest.fixture
def url(synced_services: Services) -> Iterator[str]:
    with serving(create_app(synced_services)) as served:
        yield served


def test_sign_in_follow_an_artist_sync_and_see_it_on_the_collection_page(
    browser: Browser, url: str, synced_services: Services
) -> None:
    create_user(synced_services.database, "alice", PASSWORD)
    page = browser.new_page()
    page.goto(f"{url}/login")
    page.get_by_label("User name").fill("alice")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{url}/")
    account = page.get_by_role("navigation", name="Account")
    expect(account).to_contain_text("Signed in as alice")

    card = page.locator("li.card.artist[data-artist-id]").first
    artist_id = card.get_attribute("data-artist-id") or ""
    name = card.locator("h3").inner_text()
    page.evaluate("window.__sameDocument = true")
    card.get_by_role("button", name="Follow").click()
    expect(card.get_by_role("button", name="Following ✓")).to_be_visible()
    assert page.evaluate("window.__sameDocument") is True  # swapped by htmx, no reload
    page.reload()  # the page is everyone's: the viewer's bits mark the artist followed
    expect(card.get_by_role("button", name="Following ✓")).to_be_visible()

    assert synced_services.syncer.sync("api", force=True).error is None
    account.get_by_role("link", name="My collection").click()
    page.wait_for_url("**/collection")
    news = page.locator(f'ol.news li[data-event-artist="{artist_id}"]')
    expect(news.first).to_contain_text(name)
    expect(news.first.locator("strong.new")).to_have_text("new")

    # The album's page names the artist with the button pressed, from the viewer's bits.
    album_id = news.first.get_attribute("data-event-album")
    page.goto(f"{url}/albums/{album_id}")
    credit = page.locator(f'.album-head .artist[data-artist-id="{artist_id}"]')
    expect(credit.get_by_role("button", name="Following ✓")).to_be_visible()
