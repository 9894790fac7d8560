"""ListenBrainz behind the source seam: the week's most-listened release groups and the
last two weeks' fresh releases, worldwide, in two requests a sync.

ListenBrainz's items carry MusicBrainz ids already, so nothing is queued for enrichment;
its albums are `mb-<release group>` and join Spotify's at read time (`history/joined.py`).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from trendcache.clock import utcnow
from trendcache.config import Settings
from trendcache.listenbrainz.client import ListenBrainzClient
from trendcache.listenbrainz.connector import ListenBrainzConnector
from trendcache.listenbrainz.errors import ListenBrainzError, ListenBrainzRateLimited
from trendcache.listenbrainz.models import (
    FreshReleases,
    FreshSort,
    ReleaseGroupChart,
    StatsNotComputed,
    StatsRange,
)
from trendcache.pipeline.budget import DailyBudget
from trendcache.pipeline.history.joined import mbid_album_id
from trendcache.pipeline.keys import (
    LISTENBRAINZ,
    LISTENBRAINZ_FRESH,
    LISTENBRAINZ_TOP,
    WORLDWIDE,
    listenbrainz_key,
    listenbrainz_view_key,
    sync_lease,
)
from trendcache.pipeline.sync.listenbrainz_items import Item, chart_item, fresh_item
from trendcache.pipeline.sync.listenbrainz_store import (
    ListenBrainzFetched,
    write_listenbrainz_fetch,
)
from trendcache.pipeline.sync.source import FetchFailed, Listing
from trendcache.spotify.errors import RequestBudgetExhausted

CHART_RANGE = StatsRange.THIS_WEEK
FRESH_DAYS = 14
REQUESTS_PER_SYNC = 2  # the chart and the fresh releases


class ListenBrainzSource:
    """A `ListingSource` over ListenBrainz's public API: one worldwide market, `XW`."""

    name = LISTENBRAINZ
    lease_key = sync_lease(LISTENBRAINZ)

    def __init__(self, settings: Settings, connector: ListenBrainzConnector) -> None:
        self.settings = settings
        self.connector = connector

    @property
    def daily_request_budget(self) -> int:
        return self.settings.listenbrainz_daily_request_budget

    @property
    def cache_seconds(self) -> float:
        return self.settings.listenbrainz_cache_seconds

    def listing_keys(self) -> list[str]:
        return [listenbrainz_key(LISTENBRAINZ_TOP), listenbrainz_key(LISTENBRAINZ_FRESH)]

    def served_keys(self) -> list[str]:
        return [*self.listing_keys(), listenbrainz_view_key()]

    def only(self, markets: list[str]) -> ListenBrainzSource:
        if markets != [WORLDWIDE]:
            unknown = sorted(set(markets) - {WORLDWIDE})
            raise ValueError(
                f"not ListenBrainz markets: {', '.join(unknown) or '(none)'} "
                f"(ListenBrainz lists worldwide only: {WORLDWIDE})"
            )
        return self

    def fetch(self, budget: DailyBudget) -> ListenBrainzFetched:
        if budget.remaining() < REQUESTS_PER_SYNC:
            raise FetchFailed(
                f"the daily budget of {budget.limit} ListenBrainz requests leaves fewer than "
                f"the {REQUESTS_PER_SYNC} a sync sends (LISTENBRAINZ_DAILY_REQUEST_BUDGET)"
            )
        client = self.connector.client(budget)
        try:
            chart = client.top_release_groups(
                CHART_RANGE, count=self.settings.listenbrainz_chart_size
            )
            fresh = fresh_releases(client)
        except RequestBudgetExhausted as exc:
            raise FetchFailed(str(exc)) from exc
        except ListenBrainzRateLimited as exc:
            raise FetchFailed(str(exc), utcnow() + timedelta(seconds=exc.seconds)) from exc
        except ListenBrainzError as exc:
            raise FetchFailed(str(exc)) from exc
        return self.listings(chart, fresh)

    def listings(
        self, chart: ReleaseGroupChart | StatsNotComputed, fresh: FreshReleases
    ) -> ListenBrainzFetched:
        """The two listings in the contract's item shape (`listenbrainz_items.py`)."""
        covers = self.settings.cover_art_archive_base_url
        fresh_items = ordered_fresh([fresh_item(release, covers) for release in fresh.releases])
        fresh_listing = Listing(
            LISTENBRAINZ_FRESH,
            WORLDWIDE,
            fresh_items,
            {"payload": fresh.model_dump(mode="json")},
        )
        if isinstance(chart, StatsNotComputed):
            return ListenBrainzFetched(
                [fresh_listing],
                problems=[str(chart)],
                chart_range={"name": chart.range.value},
                chart_missing=True,
            )
        known = {item["id"]: item for item in fresh_items}
        top_items = [
            chart_item(group, covers, known.get(mbid_album_id(group.release_group_mbid)))
            for group in chart.release_groups
        ]
        top_listing = Listing(
            LISTENBRAINZ_TOP, WORLDWIDE, top_items, {"payload": chart.model_dump(mode="json")}
        )
        chart_range = {"name": chart.range.value, "from_ts": chart.from_ts, "to_ts": chart.to_ts}
        return ListenBrainzFetched([top_listing, fresh_listing], chart_range=chart_range)

    def store(
        self, session: Session, fetched: ListenBrainzFetched, now: datetime, expires: datetime
    ) -> list[str]:
        write_listenbrainz_fetch(session, fetched, now, expires)
        return []  # nothing to enrich: every item carries its MusicBrainz ids


def fresh_releases(client: ListenBrainzClient) -> FreshReleases:
    """The last FRESH_DAYS' releases up to ListenBrainz's today, none announced for later
    (its day, not ours: the demo's emulator lives on the day its history is written for)."""
    return client.fresh_releases(
        release_date=None,
        days=FRESH_DAYS,
        sort=FreshSort.RELEASE_DATE,
        past=True,
        future=False,
    )


def ordered_fresh(items: list[Item]) -> list[Item]:
    """Most listened first, then the newest; ties in release group order, so one answer
    always makes one listing."""
    by_group = sorted(items, key=lambda item: item["release_group_mbid"])
    by_date = sorted(by_group, key=lambda item: item["release_date"] or "", reverse=True)
    return sorted(by_date, key=lambda item: item["listen_count"] or 0, reverse=True)
