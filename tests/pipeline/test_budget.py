"""Syncs plan within SPOTIFY_DAILY_REQUEST_BUDGET, counted over a rolling 24 hours."""

from __future__ import annotations

from typing import Any

from tests.pipeline.helpers import cache_row, count, make_stale
from trendcache.db.models import SpotifyAlbum, UpstreamRequest
from trendcache.emulators.spotify import SpotifyEmulator
from trendcache.pipeline.keys import new_releases_key


def test_the_listing_comes_first_and_details_wait_for_budget(
    make_services: Any, sqlite_database: Any, spotify_emulator: SpotifyEmulator
) -> None:
    spotify_emulator.tier = "development"
    services = make_services(
        sqlite_database,
        spotify_access_tier="development",
        spotify_daily_request_budget=15,
        spotify_new_releases_limit=50,
    )
    first = services.syncer.sync("cli")
    assert first.source == "fresh", first.error  # failed once under heavy load: say why
    assert first.requests == 15 == spotify_emulator.stats.total - 1  # the token is not counted
    assert first.error is not None and "budget" in first.error
    listing = cache_row(services.database, new_releases_key("US"))
    assert listing is not None
    assert len(listing.data["albums"]["items"]) == 50
    assert count(services.database, SpotifyAlbum) == 10, "what the budget left after 5 pages"
    assert count(services.database, UpstreamRequest) == 15

    make_stale(services.database)
    calls = spotify_emulator.stats.total
    exhausted = services.syncer.sync("cli")
    assert exhausted.source == "cache"
    assert exhausted.error is not None and "budget" in exhausted.error
    assert spotify_emulator.stats.total == calls, "nothing is sent past the budget"
    row = cache_row(services.database, new_releases_key("US"))
    assert row is not None and row.error == exhausted.error


def test_a_tight_budget_shortens_the_listing_instead_of_failing(
    make_services: Any, sqlite_database: Any, spotify_emulator: SpotifyEmulator
) -> None:
    spotify_emulator.tier = "development"
    services = make_services(
        sqlite_database,
        spotify_access_tier="development",
        spotify_daily_request_budget=10,
        spotify_markets="US,GB",
    )
    result = services.syncer.sync("cli")
    assert result.source == "fresh"
    for market in ("US", "GB"):
        row = cache_row(services.database, new_releases_key(market))
        assert row is not None
        assert len(row.data["albums"]["items"]) == 50, "5 of 10 pages each"
    assert result.requests == 10
