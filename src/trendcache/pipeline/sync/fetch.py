"""What one sync asks Spotify for, in either access tier, within the request budget.

Extended quota: `GET /browse/new-releases` (one editorial list for every market; since
2025 it takes no country) split per market by `available_markets`, `GET /albums?ids=` and
`GET /artists?ids=` in batches. Development mode (every app created since 2026-02-11):
those endpoints answer 403, so each market's list comes from `search?q=tag:new` (10 per
page) and each new album costs one `GET /albums/{id}`. With SPOTIFY_ACCESS_TIER=auto the
first 403 switches tiers inside the same sync and the tier is remembered for a day.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from trendcache.clock import utcnow
from trendcache.config import AccessTier, Settings
from trendcache.pipeline.budget import DailyBudget
from trendcache.pipeline.keys import NEW_RELEASES
from trendcache.pipeline.state import TIER, StateStore
from trendcache.pipeline.sync.hydrate import Hydrator
from trendcache.pipeline.sync.source import Fetched, Listing
from trendcache.spotify.client import NEW_RELEASES_PAGE, SEARCH_PAGE, SpotifyClient
from trendcache.spotify.errors import RequestBudgetExhausted, SpotifyForbidden

log = logging.getLogger(__name__)
TIER_MEMORY = timedelta(hours=24)
EXTRA_PAGES = 2  # regional albums: a market may need a page or two beyond `limit`
ARTIST_REFRESH = timedelta(hours=24)


@dataclass
class FetchResult(Fetched):
    """Spotify's listings, with the full albums and artists fetched alongside."""

    tier: str = AccessTier.EXTENDED.value  # always the tier the listings came from
    albums: dict[str, dict[str, Any]] = field(default_factory=dict)
    artists: dict[str, dict[str, Any]] = field(default_factory=dict)
    deferred: int = 0  # albums whose details wait for a later sync

    @property
    def hydrated(self) -> int:
        return len(self.albums)


class Fetcher:
    def __init__(
        self,
        client: SpotifyClient,
        settings: Settings,
        state: StateStore,
        unknown_albums: Callable[[list[str]], list[str]],
        stale_artists: Callable[[list[str], datetime], list[str]],
    ) -> None:
        self.client = client
        self.settings = settings
        self.state = state
        self.unknown_albums = unknown_albums
        self.stale_artists = stale_artists

    def fetch(self, budget: DailyBudget) -> FetchResult:
        tier = self._tier()
        markets = self.settings.spotify_markets
        limit = self.settings.spotify_new_releases_limit
        hydrator = self._hydrator(budget, batched=tier == AccessTier.EXTENDED)
        try:
            if tier == AccessTier.EXTENDED:
                try:
                    listings = self._extended_listings(markets, limit, budget, hydrator)
                except SpotifyForbidden:
                    log.warning("new-releases refused (403): using development-mode endpoints")
                    self._remember(AccessTier.DEVELOPMENT)
                    tier = AccessTier.DEVELOPMENT
                    hydrator.batched = False
                else:
                    self._remember(AccessTier.EXTENDED)
            if tier == AccessTier.DEVELOPMENT:
                listings = self._development_listings(markets, limit, budget, hydrator)
        finally:
            hydrated = hydrator.finish()
        return FetchResult(
            listings=listings,
            tier=tier.value,
            problems=hydrated.problems,
            pause_until=hydrated.quota_until,
            albums=hydrated.albums,
            artists=hydrated.artists,
            deferred=hydrated.deferred,
        )

    def _hydrator(self, budget: DailyBudget, *, batched: bool) -> Hydrator:
        return Hydrator(
            self.client,
            budget,
            self.settings.spotify_markets[0],
            batched=batched,
            unknown_albums=self.unknown_albums,
            stale_artists=lambda ids: self.stale_artists(ids, utcnow() - ARTIST_REFRESH),
        )

    def _tier(self) -> AccessTier:
        configured = self.settings.spotify_access_tier
        if configured != AccessTier.AUTO:
            return configured
        remembered = self.state.get(TIER)
        if (
            remembered
            and remembered["tier"] == AccessTier.DEVELOPMENT
            and utcnow() - datetime.fromisoformat(remembered["checked_at"]) < TIER_MEMORY
        ):
            return AccessTier.DEVELOPMENT
        return AccessTier.EXTENDED

    def _remember(self, tier: AccessTier) -> None:
        if self.settings.spotify_access_tier == AccessTier.AUTO:
            self.state.set(TIER, {"tier": tier.value, "checked_at": utcnow().isoformat()})

    def _extended_listings(
        self, markets: list[str], limit: int, budget: DailyBudget, hydrator: Hydrator
    ) -> list[Listing]:
        """Page the one editorial list until every market has `limit` albums available."""
        pages_allowed = min(math.ceil(limit / NEW_RELEASES_PAGE) + EXTRA_PAGES, budget.remaining())
        if pages_allowed < 1:
            raise RequestBudgetExhausted("no request budget left for the new-releases list")
        hydrator.reserved = pages_allowed
        lists: dict[str, list[dict[str, Any]]] = {market: [] for market in markets}

        def on_page(page: dict[str, Any]) -> bool:
            hydrator.reserved -= 1
            wanted = []
            for item in page["albums"]["items"]:
                takers = [m for m in markets if len(lists[m]) < limit and _available(item, m)]
                for market in takers:
                    lists[market].append(item)
                if takers:
                    wanted.append(item)
            hydrator.add_albums([item["id"] for item in wanted])
            hydrator.add_artists([a["id"] for item in wanted for a in item["artists"]])
            return any(len(items) < limit for items in lists.values())

        pages = self.client.new_releases(pages_allowed * NEW_RELEASES_PAGE, on_page)
        hydrator.reserved = 0
        href = pages[0]["albums"].get("href")
        return [_listing(market, href, lists[market]) for market in markets]

    def _development_listings(
        self, markets: list[str], limit: int, budget: DailyBudget, hydrator: Hydrator
    ) -> list[Listing]:
        page = SEARCH_PAGE["development"]
        pages_each = min(math.ceil(limit / page), budget.remaining() // len(markets))
        if pages_each < 1:
            raise RequestBudgetExhausted("no request budget left for the tag:new searches")
        hydrator.reserved = pages_each * len(markets)

        def on_page(document: dict[str, Any]) -> bool:
            hydrator.reserved -= 1
            hydrator.add_albums([item["id"] for item in document["albums"]["items"]])
            return True

        listings = []
        for market in markets:
            pages = self.client.search_new_albums(
                market, min(limit, pages_each * page), page, on_page
            )
            items = [item for p in pages for item in p["albums"]["items"]]
            unique = list({item["id"]: item for item in items}.values())[:limit]
            listings.append(_listing(market, pages[0]["albums"].get("href"), unique))
        hydrator.reserved = 0
        return listings


def _listing(market: str, href: str | None, items: list[dict[str, Any]]) -> Listing:
    return Listing(NEW_RELEASES, market, items, _paging(href, items))


def _available(item: dict[str, Any], market: str) -> bool:
    markets = item.get("available_markets")
    return markets is None or market in markets


def _paging(href: str | None, items: list[dict[str, Any]]) -> dict[str, Any]:
    """Merged pages in Spotify's own paging shape, so the cache stays upstream-shaped."""
    return {
        "albums": {
            "href": href,
            "items": items,
            "limit": len(items),
            "next": None,
            "offset": 0,
            "previous": None,
            "total": len(items),
        }
    }
