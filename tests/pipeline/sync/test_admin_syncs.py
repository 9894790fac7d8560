"""What the admin page asks of the syncer: a forced sync of some markets, and holding the
background syncs (scheduled, and those stale reads ask for) while an admin's own still run."""

from __future__ import annotations

import pytest

from tests.fixtures.app import ServicesFactory
from tests.pipeline.helpers import cache_row, make_stale, runs
from trendcache.db import Database
from trendcache.emulators.spotify import SpotifyEmulator
from trendcache.pipeline.keys import new_releases_key, trending_key
from trendcache.pipeline.state import BACKGROUND_SYNCS_HELD, StateStore
from trendcache.services import Services

MARKETS = ["US", "GB"]


@pytest.fixture
def two_markets(make_services: ServicesFactory, database: Database) -> Services:
    return make_services(database, spotify_markets=MARKETS)


def hold(services: Services, by: str = "root") -> None:
    StateStore(services.database).set(
        BACKGROUND_SYNCS_HELD, {"since": "2026-12-04T12:00:00+00:00", "by": by}
    )


def test_a_sync_of_one_market_refreshes_its_listing_and_rebuilds_every_view(
    two_markets: Services,
) -> None:
    database = two_markets.database
    assert two_markets.syncer.sync("cli").source == "fresh"
    gb_before = cache_row(database, new_releases_key("GB"))
    us_before = cache_row(database, new_releases_key("US"))
    view_before = cache_row(database, trending_key(None))
    assert gb_before and us_before and view_before

    result = two_markets.syncer.for_markets(["GB"]).sync("admin", force=True)
    assert (result.source, result.error) == ("fresh", None)
    gb, us = (
        cache_row(database, new_releases_key("GB")),
        cache_row(database, new_releases_key("US")),
    )
    assert gb and us
    assert gb.fetched_at > gb_before.fetched_at
    assert us.fetched_at == us_before.fetched_at, "the other market is left as it was"
    view = cache_row(database, trending_key(None))
    assert view and view.fetched_at > view_before.fetched_at
    shown = {item["id"] for item in view.data["newReleases"]}
    listed = {i["id"] for row in (gb, us) for i in row.data["albums"]["items"]}
    assert shown and shown <= listed, "the view across markets still holds both"
    last = runs(database)[-1]
    assert (last.trigger, last.status, last.key) == ("admin", "ok", new_releases_key("GB"))


def test_a_market_that_is_not_configured_is_refused(two_markets: Services) -> None:
    with pytest.raises(ValueError, match="SE"):
        two_markets.syncer.for_markets(["SE"])


@pytest.mark.parametrize("trigger", ["schedule", "on_demand", "api"])
def test_held_background_syncs_send_nothing_until_resumed(
    two_markets: Services, spotify_emulator: SpotifyEmulator, trigger: str
) -> None:
    hold(two_markets, "root")
    result = two_markets.syncer.sync(trigger, wait=False)  # type: ignore[arg-type]
    assert (result.source, result.error) == ("cache", "background syncs are paused by root")
    assert runs(two_markets.database) == []
    assert spotify_emulator.stats.total == 0
    StateStore(two_markets.database).delete(BACKGROUND_SYNCS_HELD)
    assert two_markets.syncer.sync(trigger, wait=False).source == "fresh"  # type: ignore[arg-type]


def test_an_admins_forced_sync_runs_while_background_syncs_are_held(two_markets: Services) -> None:
    hold(two_markets)
    assert two_markets.syncer.held() is not None
    result = two_markets.syncer.sync("admin", force=True)
    assert (result.source, result.error) == ("fresh", None)
    make_stale(two_markets.database)
    assert two_markets.syncer.sync("cli").source == "fresh", (
        "a command at the shell is no background sync"
    )
