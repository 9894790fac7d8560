"""Hostile upstream text, end to end: a real sync against the Spotify emulator serving NUL
bytes, control and bidi characters, zero-width characters and 20 KB names, on SQLite and
PostgreSQL; a database that refuses the sync's write; and the browse page in Chromium.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import feedparser
import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Browser
from sqlalchemy import select, update

from tests.faults.hostile import FORBIDDEN, NAME_LIMIT, cleaned, refuse_writes, strings
from tests.fixtures.app import ServicesFactory
from tests.web.conftest import serving
from trendcache.clock import utcnow
from trendcache.db import Database
from trendcache.db.history import Album, Artist
from trendcache.db.models import CacheData, SpotifyAlbum, SyncRun
from trendcache.emulators.hostile import VARIANTS, variant_of
from trendcache.emulators.spotify import SpotifyEmulator
from trendcache.pipeline.keys import new_releases_key, trending_key
from trendcache.pipeline.sync.store import put_cache
from trendcache.pipeline.sync.syncer import FAILURE_BACKOFF_SECONDS
from trendcache.services import Services
from trendcache.web.app import create_app

MARKETS = ["US", "GB"]
LIMIT = 30
REFUSE_ALBUMS = "albums are read-only today"
ATOM = "{http://www.w3.org/2005/Atom}"


def hostile_services(make_services: ServicesFactory, database: Database) -> Services:
    return make_services(database, spotify_markets=MARKETS, spotify_new_releases_limit=LIMIT)


def test_hostile_names_sync_and_are_stored_clean(
    make_services: ServicesFactory, database: Database, spotify_emulator: SpotifyEmulator
) -> None:
    services = hostile_services(make_services, database)
    spotify_emulator.faults.hostile_names = True

    result = services.syncer.sync("cli")

    assert result.source == "fresh", result.error
    assert result.error is None
    catalog = spotify_emulator.catalog
    with services.database.session() as session:
        run = session.scalars(select(SyncRun)).one()
        albums = session.scalars(select(Album)).all()
        artists = session.scalars(select(Artist)).all()
        details = session.scalars(select(SpotifyAlbum.data)).all()
        cached = session.scalars(select(CacheData.data)).all()
    assert (run.status, run.error) == ("ok", None)
    assert len(albums) >= LIMIT and len(details) == len(albums)
    seen = set()
    for album in albums:
        variant, original = variant_of(album.id), catalog.album(album.id)
        assert original is not None
        seen.add(variant)
        assert album.name == cleaned(variant, original.name), variant
        assert album.label == cleaned(variant, original.label), variant
        expected_url = f"https://open.spotify.com/album/{album.id}"
        assert album.spotify_url == (None if variant == "long" else expected_url), variant
    assert seen == set(VARIANTS)  # every kind of hostile name went through
    for artist in artists:
        assert not FORBIDDEN.search(artist.name) and len(artist.name) <= NAME_LIMIT
    for document in [*details, *cached]:
        for value in strings(document):
            assert not FORBIDDEN.search(value), repr(value[:80])
            assert len(value) <= 2000


@pytest.fixture
def refusing_database(database: Database) -> Iterator[tuple[Database, Callable[[], None]]]:
    """The database, and a switch that makes it refuse writes to `albums` (undone after)."""
    undo: list[Callable[[], None]] = []
    yield (
        database,
        lambda: undo.append(
            refuse_writes(database, "albums", REFUSE_ALBUMS, events="INSERT,UPDATE")
        ),
    )
    for step in undo:
        step()


def test_a_refused_write_is_a_failed_run_that_backs_off(
    make_services: ServicesFactory,
    refusing_database: tuple[Database, Callable[[], None]],
    spotify_emulator: SpotifyEmulator,
) -> None:
    database, refuse = refusing_database
    services = hostile_services(make_services, database)
    assert services.syncer.sync("cli").error is None  # older data to keep
    with database.session() as session:
        before = dict(session.execute(select(CacheData.key, CacheData.fetched_at)).all())
    with database.writer() as session:
        session.execute(update(CacheData).values(expires=utcnow() - timedelta(minutes=1)))
    refuse()
    spotify_emulator.reset()

    result = services.syncer.sync("on_demand")

    assert result.source == "cache"
    assert result.error is not None and REFUSE_ALBUMS in result.error
    with database.session() as session:
        runs = session.scalars(select(SyncRun).order_by(SyncRun.id)).all()
        after = dict(session.execute(select(CacheData.key, CacheData.fetched_at)).all())
        flagged = session.scalars(
            select(CacheData.error).where(CacheData.key == new_releases_key("US"))
        ).one()
    assert [run.status for run in runs] == ["ok", "failed"]
    assert runs[-1].error == result.error and runs[-1].finished_at is not None
    assert runs[-1].requests > 0
    assert after == before  # the older data is still served
    assert flagged is not None and REFUSE_ALBUMS in flagged
    # Backoff: automatic triggers wait instead of fetching again every minute.
    sent = spotify_emulator.stats.total
    for trigger in ("on_demand", "schedule"):
        waiting = services.syncer.sync(trigger)  # type: ignore[arg-type]
        assert waiting.source == "cache"
        assert waiting.error is not None and "last sync failed" in waiting.error
    assert spotify_emulator.stats.total == sent
    assert services.syncer.backing_off() is not None
    assert FAILURE_BACKOFF_SECONDS[0] >= 60

    with TestClient(create_app(services, None)) as client:
        response = client.get("/api/spotify/sync")
    assert response.status_code == 200
    body = response.json()
    assert body["error"]
    assert body["data"]["newReleases"]  # the older data, still served
    with database.session() as session:
        statuses = session.scalars(select(SyncRun.status)).all()
    assert "running" not in statuses and "interrupted" not in statuses


def test_the_atom_feed_of_hostile_names_is_well_formed(
    make_services: ServicesFactory, sqlite_database: Database, spotify_emulator: SpotifyEmulator
) -> None:
    services = hostile_services(make_services, sqlite_database)
    spotify_emulator.faults.hostile_names = True
    assert services.syncer.sync("cli").error is None
    # A name stored before names were cleaned: NUL and escape bytes XML cannot carry.
    raw = "\x00<b>Raw</b> & \x1b[31m ]]>"
    with services.database.writer() as session:
        row = session.scalars(select(CacheData).where(CacheData.key == trending_key("US"))).one()
        view = dict(row.data)
        view["newReleases"] = [dict(a) for a in view["newReleases"]]
        view["newReleases"][0]["name"] = raw
        put_cache(session, row.key, view, row.fetched_at, row.expires)

    with TestClient(create_app(services, None)) as client:
        stored = client.get("/api/cache/trending", params={"market": "US"}).json()
        response = client.get("/feeds/new-releases.atom", params={"market": "US"})
    assert response.status_code == 200
    entries = ET.fromstring(response.content).findall(f"{ATOM}entry")  # strict
    albums = stored["newReleases"]
    assert len(entries) == len(albums) >= LIMIT
    for entry, album in zip(entries[1:], albums[1:], strict=True):
        artists = ", ".join(artist["name"] for artist in album["artists"])
        assert entry.findtext(f"{ATOM}title") == f"{artists} \N{EN DASH} {album['name']}"
    assert (entries[0].findtext(f"{ATOM}title") or "").endswith("<b>Raw</b> & [31m ]]>")
    parsed: Any = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert len(parsed.entries) == len(albums)


# The browser: names isolated, nothing run, the page bounded.

# Bytes: these albums' page is about 110 KB with names cut to 500 characters; uncut, each
# 20 KB name is in it several times (title, cover's alt text, the artist card's albums).
PAGE_LIMIT = 150_000
RIGHT_TO_LEFT = "\u202e<script>window.__xss = 1</script>evil"
FOLLOWING = "Plain Artist"
# The line and x position of each letter of FOLLOWING, which comes right after a name
# carrying an unterminated right-to-left override: on each line, x increases unless the
# override leaked into it.
FOLLOWING_X = """(card, following) => {
  const artists = card.querySelector('.artists');
  const walker = document.createTreeWalker(artists, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const at = node.data.indexOf(following);
    if (at < 0) continue;
    const letters = [];
    for (let i = at; i < at + following.length; i++) {
      if (node.data[i] === ' ') continue;
      const range = document.createRange();
      range.setStart(node, i); range.setEnd(node, i + 1);
      const box = range.getBoundingClientRect();
      letters.push([Math.round(box.top), box.left]);
    }
    return letters;
  }
  return null;
}"""


@pytest.mark.browser
def test_browse_page_isolates_hostile_names(
    browser: Browser,
    make_services: ServicesFactory,
    sqlite_database: Database,
    spotify_emulator: SpotifyEmulator,
) -> None:
    services = hostile_services(make_services, sqlite_database)
    spotify_emulator.faults.hostile_names = True
    assert services.syncer.sync("cli").error is None
    # A name stored before names were cleaned: the page must contain it by itself.
    with services.database.writer() as session:
        row = session.scalars(select(CacheData).where(CacheData.key == trending_key(None))).one()
        view = dict(row.data)
        view["newReleases"] = [dict(a) for a in view["newReleases"]]
        leader = view["newReleases"][0]
        leader["name"] = RIGHT_TO_LEFT
        credit = leader["artists"][0]
        leader["artists"] = [{**credit, "name": RIGHT_TO_LEFT}, {**credit, "name": FOLLOWING}]
        put_cache(session, row.key, view, row.fetched_at, row.expires)

    with serving(create_app(services, None)) as url:
        page = browser.new_page()
        dialogs: list[str] = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        response = page.goto(url)
        assert response is not None and response.ok
        size = len(response.body())
        first = page.locator("#new-releases li.card.album").first
        assert page.evaluate("window.__xss") is None and dialogs == []
        # The artist after the overridden one still reads left to right.
        letters = first.evaluate(FOLLOWING_X, FOLLOWING)
        assert letters is not None and len(letters) == len(FOLLOWING) - 1
        lines: dict[int, list[float]] = {}
        for top, x in letters:
            lines.setdefault(top, []).append(x)
        assert all(xs == sorted(xs) for xs in lines.values()), letters
        assert first.locator("h3.title bdi").text_content() == RIGHT_TO_LEFT
        for selector in ("h3.title", ".artists > *", "p.label"):  # each name in its own
            names = page.locator(f"#sections li.card {selector}")
            for index in range(names.count()):
                assert names.nth(index).locator("bdi").count() == 1, selector
        longest = page.evaluate(
            "Math.max(...[...document.querySelectorAll('bdi')].map(b => b.textContent.length))"
        )
        page.close()
    assert longest <= NAME_LIMIT
    assert size < PAGE_LIMIT, size
