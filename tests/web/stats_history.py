"""History for the stats endpoint and page tests: the synced database's listings, plus an
earlier snapshot of each market a day before, in which neighbours 1-2 and 3-4 are swapped
and the last album is missing. Against the sync's own (latest) snapshots that makes, per
market: two climbers (#2 → #1, #4 → #3), two fallers, and one album entering."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from tests.pipeline.stats.listenbrainz import CAA, lb_item, match, record_lb
from tests.web.conftest import MARKETS
from trendcache.db.history import Snapshot
from trendcache.db.models import CacheData
from trendcache.pipeline.history.recording import record_listing
from trendcache.pipeline.keys import LISTENBRAINZ_TOP, NEW_RELEASES, new_releases_key
from trendcache.services import Services

Listings = dict[str, list[dict[str, Any]]]


def listings(services: Services) -> Listings:
    """Each market's listing as the sync cached it."""
    with services.database.session() as session:
        return {
            market: session.scalar(
                select(CacheData.data).where(CacheData.key == new_releases_key(market))
            )["albums"]["items"]
            for market in MARKETS
        }


def day_before(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [items[1], items[0], items[3], items[2], *items[4:-1]]


def add_day_before(services: Services) -> Listings:
    """Record the earlier snapshots; the synced listings (by market)."""
    found = listings(services)
    with services.database.writer() as session:
        synced = session.scalar(select(func.min(Snapshot.fetched_at)))
        assert synced is not None
        for market, items in found.items():
            record_listing(
                session, NEW_RELEASES, market, day_before(items), synced - timedelta(days=1)
            )
    return found


def add_listenbrainz(services: Services, found: Listings, caa: str = CAA) -> dict[str, Any]:
    """ListenBrainz's top, worldwide, half a day after the day-before snapshots and again
    with the synced ones: release group 1 (matched to the first market's first album) and
    2 (matched to nothing), covers under `caa`. The Spotify album it joins."""
    database = services.database
    with database.session() as session:
        synced = session.scalar(
            select(func.max(Snapshot.fetched_at)).where(Snapshot.source == NEW_RELEASES)
        )
    assert synced is not None
    one, two = lb_item(1, caa=caa), lb_item(2, caa=caa)
    record_lb(database, LISTENBRAINZ_TOP, [one, two], synced - timedelta(hours=12))
    record_lb(database, LISTENBRAINZ_TOP, [two, one], synced)
    joined = found[MARKETS[0]][0]
    match(database, joined["id"], 1)
    return joined
