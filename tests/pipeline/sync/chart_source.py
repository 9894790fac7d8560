"""A second trending source, held in memory: what the seam asks of any source besides Spotify.

Its charts are plain lists; a test can make its next fetches fail (with or without a
pause), or hold a fetch open, lease and all, until it lets go.
"""

from __future__ import annotations

import copy
import threading
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from trendcache.pipeline.budget import DailyBudget
from trendcache.pipeline.history.recording import record_albums
from trendcache.pipeline.keys import sync_lease
from trendcache.pipeline.sync.source import Fetched, FetchFailed, Listing


def chart_album(number: int) -> dict[str, Any]:
    """An album as a listing carries it: id, name and credited artists."""
    artist = {"id": f"chart-artist-{number % 3}", "name": f"Chart Artist {number % 3}"}
    return {"id": f"chart-album-{number}", "name": f"Chart Album {number}", "artists": [artist]}


class ChartSource:
    """A `ListingSource` whose upstream is a dict of market → albums in chart order."""

    def __init__(self, name: str = "chart", markets: tuple[str, ...] = ("US", "SE")) -> None:
        self.name = name
        self.lease_key = sync_lease(name)
        self.daily_request_budget = 100
        self.cache_seconds = 3600.0
        self.listing = f"{name}_top"
        self.charts = {
            market: [chart_album(n) for n in range(offset, offset + 5)]
            for offset, market in enumerate(markets)
        }
        self.failure: FetchFailed | None = None  # raised by every fetch while set
        self.fetches = 0
        self.fetching = threading.Event()  # set once a fetch holds the lease
        self.proceed = threading.Event()  # a held fetch goes on once this is set
        self.proceed.set()

    def listing_keys(self) -> list[str]:
        return [f"{self.listing}:{market}" for market in self.charts]

    def served_keys(self) -> list[str]:
        return self.listing_keys()

    def only(self, markets: list[str]) -> ChartSource:
        """A copy of this source that charts `markets` only."""
        narrowed = copy.copy(self)
        narrowed.charts = {m: items for m, items in self.charts.items() if m in markets}
        return narrowed

    def hold(self) -> None:
        """Keep the next fetch open (its lease held) until `release`."""
        self.fetching.clear()
        self.proceed.clear()

    def release(self) -> None:
        self.proceed.set()

    def fetch(self, budget: DailyBudget) -> Fetched:
        self.fetches += 1
        self.fetching.set()
        assert self.proceed.wait(30), "a held fetch was never released"
        listings = []
        for market, items in self.charts.items():
            budget.before_request()  # one request per market's chart
            budget.after_response(503 if self.failure else 200)
            if self.failure is not None:
                raise self.failure
            listings.append(Listing(self.listing, market, items, {"chart": items}))
        return Fetched(listings)

    def store(
        self, session: Session, fetched: Fetched, now: datetime, expires: datetime
    ) -> list[str]:
        record_albums(session, (item for x in fetched.listings for item in x.items), {}, now)
        return []
