"""The seed's syncSpotifyData on both databases, against the Spotify emulator."""

from __future__ import annotations

from datetime import timedelta

from tests.pipeline.helpers import (
    appearances,
    cache_row,
    count,
    make_stale,
    pending_enrichment,
    runs,
)
from trendcache.clock import utcnow
from trendcache.db.models import AlbumAppearance, SpotifyAlbum
from trendcache.emulators.spotify import SpotifyEmulator
from trendcache.pipeline.budget import DailyBudget
from trendcache.pipeline.keys import new_releases_key, trending_key
from trendcache.services import Services


def test_first_sync_caches_listing_views_history_and_queues_enrichment(
    services: Services, spotify_emulator: SpotifyEmulator
) -> None:
    before = utcnow()
    result = services.syncer.sync("cli")
    assert result.source == "fresh"
    assert result.error is None
    assert result.tier == "extended"
    database = services.database

    listing = cache_row(database, new_releases_key("US"))
    assert listing is not None
    items = listing.data["albums"]["items"]
    # One editorial list for all markets (new-releases takes no country): the US list is
    # the albums of it available in the US.
    assert 0 < len(items) <= services.settings.spotify_new_releases_limit
    assert all("US" in item["available_markets"] for item in items)
    assert result.albums == len(items)
    expected = before + timedelta(hours=services.settings.cache_duration_hours)
    assert abs((listing.expires - expected).total_seconds()) < 60
    assert listing.error is None

    seen = appearances(database)
    assert [(a.album_id, a.position, a.market) for a in seen] == [
        (item["id"], position, "US") for position, item in enumerate(items, start=1)
    ]
    assert {a.source for a in seen} == {"spotify_new_releases"}
    assert pending_enrichment(database) == {item["id"] for item in items}
    assert count(database, SpotifyAlbum) == len(items) == result.hydrated

    view = cache_row(database, trending_key())
    assert view is not None
    assert [a["id"] for a in view.data["newReleases"]] == [item["id"] for item in items]
    assert len(view.data["popularAlbums"]) == 20
    assert len(view.data["trendingArtists"]) == 20
    popularity = [a["popularity"] for a in view.data["popularAlbums"]]
    assert popularity == sorted(popularity, reverse=True)
    assert cache_row(database, trending_key("US")) is not None
    [run] = runs(database)
    assert (run.status, run.trigger, run.requests) == ("ok", "cli", result.requests)


def test_fresh_cache_is_returned_without_any_upstream_call(
    services: Services, spotify_emulator: SpotifyEmulator
) -> None:
    services.syncer.sync("cli")
    calls = spotify_emulator.stats.total
    for trigger in ("schedule", "on_demand", "api", "cli"):
        assert services.syncer.sync(trigger).source == "cache"  # type: ignore[arg-type]
    assert spotify_emulator.stats.total == calls
    assert len(runs(services.database)) == 1


def test_repeat_sync_fetches_only_the_listing_and_records_a_new_snapshot(
    services: Services, spotify_emulator: SpotifyEmulator
) -> None:
    first = services.syncer.sync("cli")
    make_stale(services.database)
    spotify_emulator.stats.clear()
    second = services.syncer.sync("schedule")
    assert second.source == "fresh"
    assert second.hydrated == 0
    assert spotify_emulator.stats.by_endpoint == {"/browse/new-releases": 2}
    assert second.requests == 2 < first.requests
    snapshots = count(services.database, AlbumAppearance, AlbumAppearance.position == 1)
    assert snapshots == 2


def test_new_albums_after_a_day_are_the_only_ones_hydrated(
    services: Services, spotify_emulator: SpotifyEmulator
) -> None:
    services.syncer.sync("cli")
    known = count(services.database, SpotifyAlbum)
    spotify_emulator.advance(days=2)
    make_stale(services.database)
    result = services.syncer.sync("schedule")
    added = count(services.database, SpotifyAlbum) - known
    assert result.hydrated == added > 0
    assert spotify_emulator.stats.count("/albums", status=200) >= 1


def test_several_markets_each_get_their_own_key_and_positions(
    make_services: object, sqlite_database: object, spotify_emulator: SpotifyEmulator
) -> None:
    services = make_services(sqlite_database, spotify_markets="US,JP,BR")  # type: ignore[operator]
    result = services.syncer.sync("cli")
    assert result.error is None
    lists = {m: cache_row(services.database, new_releases_key(m)) for m in ("US", "JP", "BR")}
    assert all(row is not None and row.data["albums"]["items"] for row in lists.values())
    ids = {m: [i["id"] for i in row.data["albums"]["items"]] for m, row in lists.items()}
    assert ids["US"] != ids["JP"], "regional releases differ between markets"
    assert spotify_emulator.stats.count("/browse/new-releases") == 2, "one list for all markets"
    view = cache_row(services.database, trending_key())
    assert view is not None
    everywhere = [a for a in view.data["newReleases"] if len(a["positions"]) == 3]
    assert everywhere, "global releases chart in every market"
    markets = {a.market for a in appearances(services.database)}
    assert markets == {"US", "JP", "BR"}


def test_a_syncer_with_a_clock_runs_at_its_time_on_the_budget_it_is_given(
    services: Services, spotify_emulator: SpotifyEmulator
) -> None:
    """How the demo writes past days (`with_clock`); the syncer itself keeps the machine's."""
    then = utcnow() - timedelta(days=3)
    result = services.syncer.with_clock(lambda: then, "past:spotify").sync("cli")
    assert result.source == "fresh"
    listing = cache_row(services.database, new_releases_key("US"))
    assert listing is not None
    [run] = runs(services.database)
    assert run.started_at == run.finished_at == then
    assert listing.fetched_at == then
    assert listing.expires == then + timedelta(hours=services.settings.cache_duration_hours)
    assert not services.syncer.is_fresh()  # stale by the machine's clock, as it should be
    sent = DailyBudget(services.database, "past:spotify", 1000).used()
    assert sent == result.requests > 0
    assert DailyBudget(services.database, "spotify", 1000).used() == 0
