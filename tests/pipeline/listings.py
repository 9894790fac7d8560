"""New-release listings as an extended-tier sync would store them, without its HTTP.

Most pipeline tests need albums in the database, not a sync: the albums, their artists
and the listings come straight from the Spotify emulator's catalogue, rendered by its own
renderer (so each JSON document is the one its API would serve), and are stored with the
sync's own writes, `write_listings` and `write_spotify_fetch`. As a sync does, only albums
never seen before and artists not refreshed for a day are passed on in full. Tests of
syncing itself live in tests/pipeline/sync/ and sync over HTTP.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from trendcache.clock import utcnow
from trendcache.config import Settings
from trendcache.db import Database
from trendcache.emulators.spotify import Album, SpotifyEmulator
from trendcache.emulators.spotify.render import Renderer, View, page
from trendcache.emulators.spotify.webapi import NEW_RELEASES_LIMIT
from trendcache.pipeline.sync.fetch import ARTIST_REFRESH, FetchResult, _listing
from trendcache.pipeline.sync.known import stale_artists, unknown_albums
from trendcache.pipeline.sync.store import write_listings, write_spotify_fetch
from trendcache.spotify.client import NEW_RELEASES_PAGE

# As a sync with the default settings keeps them.
CACHE_DURATION = timedelta(hours=Settings.model_fields["cache_duration_hours"].default)
LIMIT: int = Settings.model_fields["spotify_new_releases_limit"].default
ENDPOINT = "browse/new-releases"
Item = dict[str, Any]


def fetched(
    database: Database,
    emulator: SpotifyEmulator,
    markets: tuple[str, ...] = ("US",),
    now: datetime | None = None,
) -> FetchResult:
    """What an extended-tier sync at `now` fetches on the emulator's day: the one editorial
    list split per market by availability, and what `database` lacks of its albums and
    artists."""
    assert emulator.tier == "extended", "development-mode listings are searched: sync for them"
    catalog, api = emulator.catalog, f"{emulator.origin}/v1"
    image = f"{emulator.origin}/image"
    editorial = catalog.new_releases()[:NEW_RELEASES_LIMIT]
    first_page = page(
        View(api, image, "extended"),
        f"/{ENDPOINT}",
        [],
        offset=0,
        limit=NEW_RELEASES_PAGE,
        total=len(editorial),
    )
    simple = Renderer(catalog, View(api, image, "extended"))
    lists: dict[str, list[Item]] = {market: [] for market in markets}
    wanted: list[Album] = []
    for album in editorial:
        takers = [m for m in markets if len(lists[m]) < LIMIT and m in album.available_markets]
        for market in takers:
            lists[market].append(simple.simple_album(album))
        if takers:
            wanted.append(album)
    full = Renderer(catalog, View(api, image, "extended", markets[0]))
    by_id = {album.id: album for album in wanted}
    albums = {i: full.album(by_id[i]) for i in unknown_albums(database, list(by_id))}
    artist_ids = list(dict.fromkeys(i for a in wanted for i in a.artist_ids))
    stale = stale_artists(database, artist_ids, (now or utcnow()) - ARTIST_REFRESH)
    return FetchResult(
        tier="extended",
        listings=[_listing(m, first_page["href"], items) for m, items in lists.items()],
        albums=albums,
        artists={a.id: simple.artist(a) for a in catalog.artists_of(stale)},
    )


def store_listings(
    database: Database,
    emulator: SpotifyEmulator,
    markets: tuple[str, ...] = ("US",),
    *,
    at: datetime | None = None,
) -> dict[str, list[Item]]:
    """Store the emulator's listings of today as a sync at `at` (now) would; each market's
    items, in order."""
    now = at or utcnow()
    result = fetched(database, emulator, markets, now)
    with database.writer() as session:
        write_listings(session, result.listings, now, now + CACHE_DURATION)
        write_spotify_fetch(session, result, list(markets), now, now + CACHE_DURATION)
    return {listing.market: list(listing.items) for listing in result.listings}


def listed_items(database: Database, emulator: SpotifyEmulator) -> list[Item]:
    """The US listing, stored as a sync stores it: the albums most tests start from."""
    return store_listings(database, emulator)["US"]
