"""The browse page in Chromium, against a real uvicorn server and a running queue consumer."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any, NamedTuple

import pytest
import stamina
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select, update

from tests.fixtures.accounts import PASSWORD
from tests.web.conftest import serving, wait_for
from trendcache.accounts.users import create_user
from trendcache.clock import utcnow
from trendcache.db.models import CacheData
from trendcache.emulators.musicbrainz import MusicBrainzEmulator
from trendcache.emulators.spotify import SpotifyEmulator
from trendcache.pipeline.keys import trending_key
from trendcache.pipeline.sync.store import put_cache
from trendcache.services import Services
from trendcache.tasks import TaskQueue
from trendcache.web.app import create_app

pytestmark = pytest.mark.browser
EVIL = "<script>window.__xss = 1; alert(1)</script>"
SYNC_SECONDS = 2.0  # how long the emulator holds the sync's first listing request
# Every `data-done` the progress indicator shows, as htmx swaps it in.
RECORD_PROGRESS = """() => {
  window.__done = [];
  const note = () => {
    const el = document.querySelector('#enrichment-progress');
    if (el) window.__done.push(Number(el.dataset.done));
  };
  new MutationObserver(note).observe(document.body, {childList: true, subtree: true});
}"""


class Served(NamedTuple):
    url: str
    queue: TaskQueue


@pytest.fixture
def serve() -> Iterator[Callable[[Services], Served]]:
    """`serve(services)`: the app on a real server with a queue consumer (no periodic jobs)."""
    running: list[Any] = []

    def start(services: Services) -> Served:
        queue = TaskQueue(services.settings, lambda: services)
        consumer = queue.consumer(workers=1, schedule=False)
        consumer.start()
        server = serving(create_app(services, queue, demo_note="Demo data"))
        running.append((consumer, server))
        return Served(server.__enter__(), queue)

    yield start
    for consumer, server in running:
        server.__exit__(None, None, None)
        consumer.stop(graceful=True)


def open_page(browser: Browser, url: str) -> tuple[Page, list[str]]:
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(url)
    return page, dialogs


def test_first_sync_fills_the_page_by_itself(
    browser: Browser,
    serve: Callable[[Services], Served],
    web_services: Services,
    spotify_emulator: SpotifyEmulator,
) -> None:
    spotify_emulator.faults.slow(SYNC_SECONDS, path_prefix="/v1/browse/new-releases")
    page, _ = open_page(browser, serve(web_services).url)
    expect(page.get_by_role("heading", name="First sync in progress")).to_be_visible()
    expect(page.locator("#sync-status")).to_contain_text("Refreshing…")
    page.evaluate("window.__sameDocument = true")

    new_releases = page.locator("#new-releases li.card")
    expect(new_releases.first).to_be_visible(timeout=15_000)
    expect(page.locator("#sync-status")).not_to_contain_text("Refreshing…")
    expect(page.locator("#sync-status time")).to_have_text("just now")
    assert page.evaluate("window.__sameDocument") is True  # filled in without a reload
    for section in ("#new-releases", "#popular-albums", "#trending-artists"):
        expect(page.locator(f"{section} li.card").first).to_be_visible()
    cover = page.locator("#new-releases li.card img").first
    expect(cover).to_have_attribute("alt", re.compile(r"^Cover of "))
    page.wait_for_function(
        "() => { const img = document.querySelector('#new-releases img');"
        " return img && img.complete && img.naturalWidth > 0; }"
    )
    album_link = page.locator("#new-releases h3 a").first  # to its chart history
    expect(album_link).to_have_attribute("href", re.compile(r"^/albums/[0-9A-Za-z]{22}$"))
    spotify_link = page.locator("#new-releases a.spotify").first
    expect(spotify_link).to_have_attribute(
        "href", re.compile(r"^https://open\.spotify\.com/album/")
    )
    artist_link = page.locator("#trending-artists h3 a").first
    expect(artist_link).to_have_attribute(
        "href", re.compile(r"^https://open\.spotify\.com/artist/")
    )

    page.get_by_role("navigation", name="Market").get_by_role("link", name="GB").click()
    page.wait_for_url("**/?market=GB")
    expect(page.locator('nav.markets a[aria-current="page"]')).to_have_text("GB")
    positions = page.locator("#new-releases .pos").all_text_contents()
    assert positions
    assert [text for text in positions if not text.endswith(" GB")] == []


def test_escaped_names_and_a_stale_page_refreshing_in_place(
    browser: Browser,
    serve: Callable[[Services], Served],
    synced_services: Services,
    spotify_emulator: SpotifyEmulator,
) -> None:
    now = utcnow()
    with synced_services.database.writer() as session:
        row = session.scalar(select(CacheData).where(CacheData.key == trending_key(None)))
        assert row is not None
        view = row.data
        view["newReleases"][0]["name"] = EVIL
        put_cache(session, row.key, view, now, now + timedelta(hours=6))
    url = serve(synced_services).url
    page, dialogs = open_page(browser, url)
    title = page.locator("#new-releases h3").first
    expect(title).to_have_text(EVIL)  # shown as text, not run
    assert page.evaluate("window.__xss") is None
    assert dialogs == []
    expect(page.locator("#sync-status")).not_to_contain_text("Refreshing…")

    # The data goes stale; the next visit queues a sync and shows it refreshing, then the
    # new data replaces the old in place.
    spotify_emulator.faults.slow(SYNC_SECONDS, path_prefix="/v1/browse/new-releases")
    with synced_services.database.writer() as session:
        session.execute(update(CacheData).values(expires=utcnow() - timedelta(minutes=1)))
    wait_for(lambda: page.request.get(f"{url}/api/cache/trending").json()["stale"])
    page.reload()
    expect(page.locator("#sync-status")).to_contain_text("Refreshing…")
    etag = page.locator("#sections").get_attribute("data-etag")
    page.evaluate("window.__sameDocument = true")
    expect(page.locator("#sync-status")).not_to_contain_text("Refreshing…", timeout=15_000)
    expect(page.locator("#sections")).not_to_have_attribute("data-etag", etag or "")
    expect(page.locator("#new-releases h3").first).not_to_have_text(EVIL)
    assert page.evaluate("window.__sameDocument") is True
    assert dialogs == []


def test_musicbrainz_badges_fill_in_as_enrichment_lands(
    browser: Browser,
    serve: Callable[[Services], Served],
    make_enrichable_services: Callable[..., Services],
    musicbrainz_emulator: MusicBrainzEmulator,
) -> None:
    """Enrichment in the queue consumer, MusicBrainz at its real pace of 1 request/s: the
    open page's badges, artist links and progress fill in by themselves, then it calms."""
    musicbrainz_emulator.requests_per_second = 1.0
    services = make_enrichable_services(musicbrainz_rate=1.0)
    served = serve(services)
    page, dialogs = open_page(browser, served.url)
    progress = page.locator("#enrichment-progress")
    total = int(progress.get_attribute("data-total") or 0)
    assert total > 0
    expect(progress).to_have_attribute("data-pending", str(total))
    expect(progress).to_contain_text(f"0/{total} done · {total} pending · 0 need review")
    expect(page.locator("#sync-status")).to_have_attribute("hx-trigger", "every 1s")
    pending = page.locator('#new-releases [data-musicbrainz="pending"]').first
    expect(pending).to_have_text("MusicBrainz…")
    expect(pending).to_have_attribute("title", "Not looked up on MusicBrainz yet")
    assert page.locator('[data-musicbrainz="matched"]').count() == 0
    page.evaluate("window.__sameDocument = true")
    page.evaluate(RECORD_PROGRESS)

    served.queue.request_enrichment()
    matched = page.locator('#new-releases a[data-musicbrainz="matched"]')
    expect(matched.first).to_be_visible(timeout=20_000)
    expect(progress).to_have_attribute("data-pending", "0", timeout=30_000)
    expect(page.locator("#sync-status")).to_have_attribute("hx-trigger", "every 10s")
    assert page.evaluate("window.__sameDocument") is True  # no reload
    assert int(progress.get_attribute("data-done") or 0) == total
    seen = page.evaluate("window.__done")  # decisions landed step by step, not all at the end
    assert any(0 < done < total for done in seen), seen

    base = musicbrainz_emulator.base_url
    truth = musicbrainz_emulator.truth
    badge = matched.first
    album_id = badge.locator("xpath=ancestor::li[1]").get_attribute("data-album-id") or ""
    mbid = truth[album_id].release_mbid
    expect(badge).to_have_attribute("href", f"{base}/release/{mbid}?fmt=json")
    expect(badge).to_have_attribute(
        "title", re.compile(r"^Matched by [a-zA-Z ]+, confidence [01]\.\d\d$")
    )
    lookup = page.request.get(badge.get_attribute("href") or "")  # the demo's link works
    assert lookup.ok
    assert lookup.json()["id"] == mbid
    artist_link = page.locator('#trending-artists a[data-musicbrainz="matched"]').first
    expect(artist_link).to_have_attribute(
        "href", re.compile(rf"^{re.escape(base)}/artist/[0-9a-f-]{{36}}\?fmt=json$")
    )
    assert musicbrainz_emulator.stats.violations == []
    assert dialogs == []


def test_sign_in_collect_an_album_remove_it_and_sign_out(
    browser: Browser, serve: Callable[[Services], Served], synced_services: Services
) -> None:
    create_user(synced_services.database, "alice", PASSWORD)
    url = serve(synced_services).url
    page, dialogs = open_page(browser, url)
    account = page.get_by_role("navigation", name="Account")
    account.get_by_role("link", name="Sign in").click()
    page.wait_for_url("**/login")
    page.get_by_label("User name").fill("alice")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_have_text("Wrong user name or password.")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{url}/")
    expect(account).to_contain_text("Signed in as alice")

    card = page.locator("#new-releases li.card").first
    album_id = card.get_attribute("data-album-id") or ""
    name = card.locator("h3").inner_text()
    page.evaluate("window.__sameDocument = true")
    card.get_by_role("button", name="Add to collection").click()
    expect(card.locator(".collected")).to_have_text("In collection ✓")
    assert page.evaluate("window.__sameDocument") is True  # swapped by htmx, no reload

    # Live updates go on: new data swaps the sections in, and they know the collection.
    etag = page.locator("#sections").get_attribute("data-etag") or ""
    assert synced_services.syncer.sync("api", force=True).source == "fresh"
    expect(page.locator("#sections")).not_to_have_attribute("data-etag", etag, timeout=20_000)
    assert page.evaluate("window.__sameDocument") is True
    swapped = page.locator(f'#sections li[data-album-id="{album_id}"]').first
    expect(swapped.locator(".collected")).to_have_text("In collection ✓")
    expect(page.get_by_role("button", name="Add to collection").first).to_be_visible()
    # The page itself is everyone's: a reload marks the card from the viewer's bits.
    page.reload()
    expect(account).to_contain_text("Signed in as alice")
    marked = page.locator(f'#sections li[data-album-id="{album_id}"] .collected').first
    expect(marked).to_have_text("In collection ✓")
    assert page.locator("#sections li.card.album .meta > .collect").count() > 0

    account.get_by_role("link", name="My collection").click()
    page.wait_for_url("**/collection")
    item = page.locator(f'#collection li[data-album-id="{album_id}"]')
    expect(item).to_contain_text(name)
    expect(page.get_by_role("heading", name="Nothing here yet")).to_be_hidden()
    page.evaluate("window.__sameDocument = true")
    item.get_by_role("button", name="Remove").click()
    expect(item).to_have_count(0)
    expect(page.get_by_role("heading", name="Nothing here yet")).to_be_visible()
    assert page.evaluate("window.__sameDocument") is True
    page.reload()
    expect(page.locator("#collection li.card")).to_have_count(0)

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{url}/")
    expect(account.get_by_role("link", name="Sign in")).to_be_visible()
    expect(page.get_by_role("button", name="Add to collection")).to_have_count(0)
    page.goto(f"{url}/collection")
    page.wait_for_url("**/login?next=/collection")
    assert dialogs == []


def test_the_api_explorer_works_offline(browser: Browser, synced_services: Services) -> None:
    """`/docs` loads the vendored Swagger UI; no request leaves 127.0.0.1."""
    with serving(create_app(synced_services)) as url:
        page = browser.new_page()
        requested: list[str] = []
        page.on("request", lambda request: requested.append(request.url))
        page.goto(f"{url}/docs")
        expect(
            page.locator(".opblock-summary-path", has_text="/api/cache/trending")
        ).to_be_visible()
        assert requested
        assert all(r.startswith(("http://127.0.0.1", "data:")) for r in requested), requested


def test_signed_in_bits_follow_the_market_and_a_failed_refresh_shows_in_place(
    browser: Browser,
    serve: Callable[[Services], Served],
    synced_services: Services,
    spotify_emulator: SpotifyEmulator,
) -> None:
    """The page is everyone's bytes: a signed-in visitor's buttons and marks come after
    load, for whichever market is shown; a notice arrives through the status line."""
    create_user(synced_services.database, "alice", PASSWORD)
    url = serve(synced_services).url
    page, dialogs = open_page(browser, f"{url}/login?next=/%3Fmarket%3DGB")
    page.get_by_label("User name").fill("alice")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{url}/?market=GB")
    expect(page.get_by_role("navigation", name="Account")).to_contain_text("Signed in as alice")
    cards = page.locator("#new-releases li.card.album")
    expect(cards.first.get_by_role("button", name="Add to collection")).to_be_visible()
    assert cards.locator(".collect").count() == cards.count()  # one button per album card
    album_id = cards.first.get_attribute("data-album-id") or ""
    cards.first.get_by_role("button", name="Add to collection").click()
    expect(cards.first.locator(".collected")).to_have_text("In collection ✓")

    page.get_by_role("navigation", name="Market").get_by_role("link", name="All").click()
    page.wait_for_url(f"{url}/")
    expect(page.get_by_role("navigation", name="Account")).to_contain_text("Signed in as alice")
    same = page.locator(f'#sections li[data-album-id="{album_id}"] .collected').first
    expect(same).to_have_text("In collection ✓")
    # The new releases past the first shelf come when "Show all" opens, with buttons too.
    releases = page.request.get(f"{url}/api/cache/trending").json()["newReleases"]
    assert len(releases) > 18, "the test data must fill more than the first shelf"
    more = page.locator("#more-new-releases li.card.album")
    expect(more).to_have_count(0)
    page.get_by_text(f"Show all {len(releases)} new releases").click()
    expect(more).to_have_count(len(releases) - 18)
    expect(more.first).to_have_attribute("data-album-id", releases[18]["id"])
    expect(more.last.get_by_role("button", name="Add to collection")).to_be_visible()

    page.evaluate("window.__sameDocument = true")
    spotify_emulator.faults.outage = True
    with stamina.set_testing(True, attempts=1):
        assert synced_services.syncer.sync("api", force=True).error
    notice = page.locator("#sync-status .notice")
    expect(notice).to_contain_text("the last refresh failed", timeout=20_000)
    assert page.evaluate("window.__sameDocument") is True  # no reload needed
    expect(same).to_have_text("In collection ✓")
    assert dialogs == []
