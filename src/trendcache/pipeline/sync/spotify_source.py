"""Spotify behind the source seam: its new releases per market, their full albums and
artists, and the trending views built from them."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from trendcache.clock import utcnow
from trendcache.config import Settings
from trendcache.db import Database
from trendcache.pipeline.budget import DailyBudget
from trendcache.pipeline.keys import new_releases_key, sync_lease, trending_key
from trendcache.pipeline.state import StateStore
from trendcache.pipeline.sync.fetch import Fetcher, FetchResult
from trendcache.pipeline.sync.known import stale_artists, unknown_albums
from trendcache.pipeline.sync.source import FetchFailed
from trendcache.pipeline.sync.store import write_spotify_fetch
from trendcache.spotify.connector import SpotifyConnector
from trendcache.spotify.errors import SpotifyError, SpotifyQuotaExceeded, SpotifyRateLimited

SPOTIFY = "spotify"


class SpotifySource:
    """A `ListingSource` over the Spotify Web API, in either access tier."""

    name = SPOTIFY
    lease_key = sync_lease(SPOTIFY)

    def __init__(
        self,
        database: Database,
        settings: Settings,
        connector: SpotifyConnector,
        markets: list[str] | None = None,
    ) -> None:
        self.database = database
        self.settings = settings
        self.connector = connector
        self.state = StateStore(database)
        # The markets a sync fetches: every configured one, unless narrowed by `only`.
        self.markets = markets or list(settings.spotify_markets)

    def only(self, markets: list[str]) -> SpotifySource:
        unknown = sorted(set(markets) - set(self.settings.spotify_markets))
        if unknown or not markets:
            raise ValueError(f"not configured markets: {', '.join(unknown) or '(none)'}")
        ordered = [m for m in self.settings.spotify_markets if m in markets]
        return SpotifySource(self.database, self.settings, self.connector, ordered)

    @property
    def daily_request_budget(self) -> int:
        return self.settings.spotify_daily_request_budget

    @property
    def cache_seconds(self) -> float:
        return self.settings.cache_duration_seconds

    def listing_keys(self) -> list[str]:
        return [new_releases_key(m) for m in self.markets]

    def served_keys(self) -> list[str]:
        views = [trending_key(None)] + [trending_key(m) for m in self.settings.spotify_markets]
        return self.listing_keys() + views

    def fetch(self, budget: DailyBudget) -> FetchResult:
        client = self.connector.client(budget)
        settings = self.settings
        if self.markets != settings.spotify_markets:
            settings = settings.model_copy(update={"spotify_markets": self.markets})
        fetcher = Fetcher(
            client,
            settings,
            self.state,
            lambda ids: unknown_albums(self.database, ids),
            lambda ids, since: stale_artists(self.database, ids, since),
        )
        try:
            return fetcher.fetch(budget)
        except SpotifyError as exc:
            raise FetchFailed(str(exc), _pause_until(exc)) from exc
        finally:
            client.close()

    def store(
        self, session: Session, fetched: FetchResult, now: datetime, expires: datetime
    ) -> list[str]:
        return write_spotify_fetch(session, fetched, self.settings.spotify_markets, now, expires)


def _pause_until(exc: SpotifyError) -> datetime | None:
    if isinstance(exc, SpotifyQuotaExceeded):
        return exc.until
    if isinstance(exc, SpotifyRateLimited):
        return utcnow() + timedelta(seconds=exc.retry_after)
    return None
