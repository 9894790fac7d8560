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

from trendcache.config import AccessTier, Settings
from trendcache.db.types import utcnow
from trendcache.pipeline.budget import DailyBudget
from trendcache.pipeline.state import TIER, StateStore
from trendcache.spotify.client import (
    ALBUMS_BATCH,
    CONCURRENCY,
    NEW_RELEASES_PAGE,
    SEARCH_PAGE,
    SpotifyClient,
)
from trendcache.spotify.errors import (
    RequestBudgetExhausted,
    SpotifyError,
    SpotifyForbidden,
    SpotifyQuotaExceeded,
)

log = logging.getLogger(__name__)
TIER_MEMORY = timedelta(hours=24)
ARTIST_REFRESH = timedelta(hours=24)


@dataclass
class Listing:
    """One market's new releases as a single Spotify-shaped paging document."""

    market: str
    document: dict[str, Any]
    endpoint: str
    upstream_total: int

    @property
    def album_ids(self) -> list[str]:
        return [item["id"] for item in self.document["albums"]["items"]]


@dataclass
class FetchResult:
    tier: str
    listings: dict[str, Listing]
    albums: dict[str, dict[str, Any]] = field(default_factory=dict)
    artists: dict[str, dict[str, Any]] = field(default_factory=dict)
    deferred: int = 0
    problems: list[str] = field(default_factory=list)
    quota_until: datetime | None = None


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
        if tier == AccessTier.EXTENDED:
            try:
                listings = self._extended_listings(markets, limit, budget)
            except SpotifyForbidden:
                log.warning("new-releases refused (403): using development-mode endpoints")
                self._remember(AccessTier.DEVELOPMENT)
                tier = AccessTier.DEVELOPMENT
        if tier == AccessTier.DEVELOPMENT:
            listings = self._development_listings(markets, limit, budget)
        elif self.settings.spotify_access_tier == AccessTier.AUTO:
            self._remember(AccessTier.EXTENDED)
        result = FetchResult(tier=tier.value, listings=listings)
        self._hydrate(result, budget)
        return result

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
        self, markets: list[str], limit: int, budget: DailyBudget
    ) -> dict[str, Listing]:
        pages_wanted = math.ceil(limit / NEW_RELEASES_PAGE)
        pages_allowed = min(pages_wanted, budget.remaining())
        if pages_allowed < 1:
            raise RequestBudgetExhausted("no request budget left for the new-releases list")
        pages = self.client.new_releases(min(limit, pages_allowed * NEW_RELEASES_PAGE))
        items = [item for page in pages for item in page["albums"]["items"]][:limit]
        href = pages[0]["albums"].get("href")
        total = pages[0]["albums"]["total"]
        return {
            market: Listing(
                market,
                _paging(href, [i for i in items if _available(i, market)]),
                "browse/new-releases",
                total,
            )
            for market in markets
        }

    def _development_listings(
        self, markets: list[str], limit: int, budget: DailyBudget
    ) -> dict[str, Listing]:
        page = SEARCH_PAGE["development"]
        pages_wanted = math.ceil(limit / page)
        pages_each = min(pages_wanted, budget.remaining() // len(markets))
        if pages_each < 1:
            raise RequestBudgetExhausted("no request budget left for the tag:new searches")
        listings = {}
        for market in markets:
            pages = self.client.search_new_albums(market, min(limit, pages_each * page), page)
            items = [item for p in pages for item in p["albums"]["items"]]
            unique = list({item["id"]: item for item in items}.values())[:limit]
            href = pages[0]["albums"].get("href")
            total = pages[0]["albums"]["total"]
            listings[market] = Listing(market, _paging(href, unique), "search tag:new", total)
        return listings

    def _hydrate(self, result: FetchResult, budget: DailyBudget) -> None:
        """Fetch full details of albums never seen before, best-placed first, budget allowing.

        Failures here do not fail the sync: the listing is still worth caching and what was
        not hydrated is simply still unknown next time.
        """
        wanted = self.unknown_albums(_by_best_position(result.listings))
        market = self.settings.spotify_markets[0]
        batched = result.tier == AccessTier.EXTENDED
        chunk = ALBUMS_BATCH * CONCURRENCY if batched else CONCURRENCY
        try:
            for start in range(0, len(wanted), chunk):
                part = wanted[start : start + chunk]
                cost = math.ceil(len(part) / ALBUMS_BATCH) if batched else len(part)
                if budget.remaining() < cost:
                    raise RequestBudgetExhausted("request budget left no room for album details")
                if batched:
                    try:
                        result.albums.update(self.client.albums(part, market))
                        continue
                    except SpotifyForbidden:
                        batched, chunk = False, CONCURRENCY
                result.albums.update(self.client.album_each(part, market))
            if result.tier == AccessTier.EXTENDED:
                self._hydrate_artists(result)
        except SpotifyQuotaExceeded as exc:
            result.quota_until = exc.until
            result.problems.append(str(exc))
        except SpotifyError as exc:
            result.problems.append(f"album details deferred: {exc}")
        result.deferred = len([a for a in wanted if a not in result.albums])

    def _hydrate_artists(self, result: FetchResult) -> None:
        ids = {
            artist["id"]
            for listing in result.listings.values()
            for item in listing.document["albums"]["items"]
            for artist in item["artists"]
        }
        wanted = self.stale_artists(sorted(ids), utcnow() - ARTIST_REFRESH)
        try:
            result.artists.update(self.client.artists(wanted))
        except SpotifyForbidden:
            log.info("artists batch refused (403): artist popularity unavailable")


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


def _by_best_position(listings: dict[str, Listing]) -> list[str]:
    best: dict[str, int] = {}
    for listing in listings.values():
        for position, album_id in enumerate(listing.album_ids):
            best[album_id] = min(best.get(album_id, position), position)
    return sorted(best, key=lambda album_id: best[album_id])
