"""The browse page, rendered server-side from the snapshots (TestClient; see test_browser.py)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import stamina
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from tests.web.conftest import ClientFactory, wait_for
from trendcache.clock import utcnow
from trendcache.db.models import CacheData
from trendcache.emulators.musicbrainz import MusicBrainzEmulator
from trendcache.emulators.spotify import SpotifyEmulator
from trendcache.pipeline.keys import trending_key
from trendcache.pipeline.sync.store import put_cache
from trendcache.services import Services
from trendcache.tasks import TaskQueue

EVIL = "<script>alert(1)</script>"
# The synced database is a copy of one synced once per test session, so its data is as old
# as that sync: "just now" early in a run, some minutes later on.
AGE = r"(?:just now|\d+ (?:minute|hour)s? ago)"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def pending_syncs(queue: TaskQueue) -> int:
    return int(queue.huey.pending_count())


def test_three_sections_with_covers_links_and_positions(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    html = page.text
    for section in ("New releases", "Popular albums", "Trending artists"):
        assert f">{section}</h2>" in html
    assert re.search(r'<img src="http://127\.0\.0\.1:\d+/image/\w+" alt="Cover of ', html)
    assert 'href="https://open.spotify.com/album/' in html
    assert 'href="https://open.spotify.com/artist/' in html
    assert re.search(r"#\d+ US</span>", html)
    assert re.search(r"#\d+ GB</span>", html)
    assert re.search(rf'Updated <time datetime="[^"]+" title="[^"]+ UTC">{AGE}</time>', html)
    assert "Refreshing…" not in html
    assert re.search(r'src="/static/htmx\.min\.[0-9a-f]{10}\.js"', html)  # fingerprinted


def test_market_switcher(client: TestClient) -> None:
    html = client.get("/", params={"market": "GB"}).text
    assert '<a href="/?market=GB" aria-current="page">GB</a>' in html
    assert '<a href="/" >All</a>' in html
    assert "in GB" in html
    assert "#1 US" not in html
    assert client.get("/", params={"market": "JP"}).status_code == 400
    assert client.get("/", params={"market": "JPN"}).status_code == 422


def test_upstream_strings_are_escaped(synced_services: Services, client: TestClient) -> None:
    def poison(view: dict[str, Any]) -> dict[str, Any]:
        for album in view["newReleases"][:1] + view["popularAlbums"][:1]:
            album["name"] = EVIL
            album["spotifyUrl"] = "javascript:alert(2)"
            album["artists"][0]["name"] = f'"><img src=x onerror=alert(3)>{EVIL}'
        view["trendingArtists"][0]["name"] = EVIL
        return view

    now = utcnow()
    with synced_services.database.writer() as session:
        row = session.scalar(select(CacheData).where(CacheData.key == trending_key(None)))
        assert row is not None
        put_cache(session, row.key, poison(row.data), now, now + timedelta(hours=6))
    html = wait_for(lambda: ESCAPED in (t := client.get("/").text) and t)
    assert EVIL not in html
    assert "<img src=x" not in html
    assert "javascript:" not in html


def test_demo_note_banner(synced_services: Services, make_client: ClientFactory) -> None:
    client = make_client(synced_services, demo_note="Demo data from the built-in Spotify emulator")
    html = client.get("/").text
    assert '<div class="banner" role="note">Demo data from the built-in Spotify emulator' in html
    assert 'class="banner"' not in make_client(synced_services).get("/").text


def test_no_data_yet_queues_a_sync_and_renders_at_once(
    web_services: Services, make_client: ClientFactory, queue: TaskQueue
) -> None:
    client = make_client(web_services, queue)  # no consumer: the job waits in the queue
    html = client.get("/").text
    assert "First sync in progress" in html
    assert "fills in by itself" in html
    assert "Refreshing…" in html
    assert 'hx-trigger="every 1s"' in html
    assert pending_syncs(queue) == 1
    client.get("/")
    assert pending_syncs(queue) == 1  # debounced


def test_stale_data_queues_a_sync(synced_services: Services, make_client: ClientFactory) -> None:
    with synced_services.database.writer() as session:
        session.execute(update(CacheData).values(expires=utcnow() - timedelta(minutes=1)))
    queue = TaskQueue(synced_services.settings, lambda: synced_services)
    client = make_client(synced_services, queue)
    html = client.get("/").text
    assert "Refreshing…" in html
    assert "New releases" in html  # the stale data shows meanwhile
    assert pending_syncs(queue) == 1


def test_fresh_data_queues_nothing(synced_services: Services, make_client: ClientFactory) -> None:
    queue = TaskQueue(synced_services.settings, lambda: synced_services)
    html = make_client(synced_services, queue).get("/").text
    assert "Refreshing…" not in html  # no sync to wait for; its albums await MusicBrainz:
    assert 'hx-trigger="every 1s"' in html
    assert pending_syncs(queue) == 0


def test_quota_pause_is_explained(
    synced_services: Services, client: TestClient, spotify_emulator: SpotifyEmulator
) -> None:
    spotify_emulator.faults.quota_exceeded(retry_after=4 * 3600)
    synced_services.syncer.sync("api", force=True)
    html = wait_for(lambda: "quota" in (t := client.get("/").text) and t)
    notice = re.search(r'<p class="notice">([^<]+)</p>', html)
    assert notice is not None
    assert re.fullmatch(
        rf"Showing data from {AGE}: Spotify&#39;s daily request quota is used up; "
        r"syncing resumes at [-\d]+ [\d:]+ UTC",
        notice.group(1),
    )
    assert "Refreshing…" not in html


def test_failed_refresh_is_explained(
    synced_services: Services, client: TestClient, spotify_emulator: SpotifyEmulator
) -> None:
    spotify_emulator.faults.outage = True
    with stamina.set_testing(True, attempts=1):
        synced_services.syncer.sync("api", force=True)
    html = wait_for(lambda: "notice" in (t := client.get("/").text) and t)
    assert re.search(
        rf"Showing data from {AGE}: the last refresh failed \(Spotify accounts service", html
    )


def test_status_fragment_swaps_sections_only_when_they_changed(client: TestClient) -> None:
    # the page shows the identity body's ETag (the JSON's compressed variants have their own)
    plain = client.get("/api/cache/trending", headers={"Accept-Encoding": "identity"})
    same = client.get("/fragments/status", params={"shown": plain.headers["etag"]}).text
    assert 'id="sync-status"' in same
    assert 'id="sections"' not in same
    changed = client.get("/fragments/status", params={"shown": '"older"'}).text
    assert '<main id="sections"' in changed
    assert 'hx-swap-oob="true"' in changed
    assert "Trending artists" in changed


MBID = "0f4d4a4e-6a4f-4c43-9f5c-2b0f8f4f3c1a"
GROUP = "5b11f4ce-a62d-471e-81fc-a69a8278c7da"


def mb_match(status: str, **fields: Any) -> dict[str, Any]:
    return {
        "status": status,
        "releaseMbid": None,
        "releaseGroupMbid": None,
        "artistMbids": [],
        "method": None,
        "confidence": None,
        **fields,
    }


def test_a_musicbrainz_badge_for_every_state(synced_services: Services, client: TestClient) -> None:
    """Matches as the enricher writes them into the row's metadata, one album per state."""
    with synced_services.database.session() as session:
        row = session.scalar(select(CacheData).where(CacheData.key == trending_key(None)))
        assert row is not None
        ids = [album["id"] for album in row.data["newReleases"][:6]]
        total = len({a["id"] for s in ("newReleases", "popularAlbums") for a in row.data[s]})
    matches = {
        ids[0]: mb_match(
            "matched",
            releaseMbid=MBID,
            releaseGroupMbid=GROUP,
            artistMbids=[GROUP],
            method="barcode",
            confidence=0.97,
        ),
        ids[1]: mb_match("needs_review", method="fuzzy", confidence=0.8),
        ids[2]: mb_match("no_match", method="fuzzy"),
        ids[3]: mb_match("error"),
        # Upstream data is never trusted into a link: not an MBID, no href.
        ids[4]: mb_match("matched", releaseMbid=f'x"><script>{EVIL}', method=EVIL),
        ids[5]: mb_match(
            "matched",
            level="release_group",
            releaseGroupMbid=GROUP,
            artistMbids=[GROUP],
            method="isrc",
            confidence=0.91,
        ),
    }
    with synced_services.database.writer() as session:
        session.execute(
            update(CacheData)
            .where(CacheData.key == trending_key(None))
            .values(meta={"processed": ids, "mbMatches": matches})
        )
    html = wait_for(lambda: "needs review" in (t := client.get("/").text) and t)
    cards = {
        album_id: re.search(rf'data-album-id="{album_id}".*?</li>', html, re.S).group(0)  # type: ignore[union-attr]
        for album_id in ids
    }
    assert (
        f'<a class="mb mb--matched" data-musicbrainz="matched" data-level="release" '
        f'href="https://musicbrainz.org/release/{MBID}" '
        'title="Matched by barcode, confidence 0.97" target="_blank" rel="noopener">'
        "✓ MusicBrainz</a>"
    ) in cards[ids[0]]
    # The release unknown, its group known: said on the badge, linked to the group.
    assert (
        f'<a class="mb mb--group" data-musicbrainz="matched" data-level="release_group" '
        f'href="https://musicbrainz.org/release-group/{GROUP}" '
        'title="Release group matched by track ISRCs, confidence 0.91; this very release '
        "(pressing, country, barcode) is not on MusicBrainz or cannot be told apart from "
        'another" target="_blank" rel="noopener">✓ MusicBrainz release group</a>'
    ) in cards[ids[5]]
    assert 'data-musicbrainz="needs_review"' in cards[ids[1]]
    assert ">MusicBrainz: needs review</span>" in cards[ids[1]]
    assert ">Not in MusicBrainz yet</span>" in cards[ids[2]]
    assert 'class="mb mb--pending" data-musicbrainz="error"' in cards[ids[3]]
    assert "href" not in cards[ids[4]].split('class="musicbrainz"')[1]
    assert EVIL not in html
    others = html.split(f'data-album-id="{ids[5]}"', 1)[1]
    assert 'data-musicbrainz="pending" title="Not looked up on MusicBrainz yet">MusicBrainz…' in (
        others
    )
    progress = re.search(r'<span id="enrichment-progress".*?</span>\s*</span>', html, re.S)
    assert progress is not None
    assert f'data-done="5" data-total="{total}" data-pending="{total - 5}"' in progress.group(0)
    assert f"5/{total} done · {total - 5} pending · 1 needs review" in progress.group(0)
    assert "3 matched, 1 of them to their release group only" in progress.group(0)


def test_enriched_page_links_artists_and_stops_polling_fast(
    enriched_services: Services,
    make_client: ClientFactory,
    musicbrainz_emulator: MusicBrainzEmulator,
) -> None:
    html = make_client(enriched_services).get("/").text
    base = musicbrainz_emulator.base_url
    assert 'data-pending="0"' in html
    assert 'hx-trigger="every 10s"' in html  # nothing left to land: back to the idle pace
    assert 'data-musicbrainz="pending"' not in html
    assert re.search(
        rf'<a class="mb mb--matched" data-musicbrainz="matched" data-level="release" '
        rf'href="{re.escape(base)}'
        r'/release/[0-9a-f-]{36}\?fmt=json" title="Matched by [a-zA-Z ]+, confidence '
        r'[01]\.\d\d"',
        html,
    )
    artists = html.split('id="trending-artists"', 1)[1]
    assert re.search(
        rf'href="{re.escape(base)}/artist/[0-9a-f-]{{36}}\?fmt=json" title="[^"]+ on MusicBrainz"',
        artists,
    )
    assert "MusicBrainz matching is off" not in html


def test_enrichment_off_is_explained_plainly_and_escaped(
    make_enrichable_services: Callable[..., Services], make_client: ClientFactory
) -> None:
    services = make_enrichable_services(musicbrainz_user_agent=f"{EVIL}/1.0")
    assert services.enricher.run_batch() is None
    html = make_client(services).get("/").text
    notice = re.search(r'<p class="notice notice--musicbrainz">([^<]*)</p>', html)
    assert notice is not None
    assert notice.group(1).startswith("MusicBrainz matching is off: MUSICBRAINZ_USER_AGENT")
    assert ESCAPED in notice.group(1)
    assert EVIL not in html
    assert 'hx-trigger="every 10s"' in html  # nothing will land while it is off
