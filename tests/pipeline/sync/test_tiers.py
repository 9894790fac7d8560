"""Both access tiers of 2026 work, and `auto` finds the right one without failing a sync."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.pipeline.helpers import cache_row, make_stale
from trendcache.clock import utcnow
from trendcache.emulators.spotify import SpotifyEmulator
from trendcache.pipeline.keys import new_releases_key, trending_key
from trendcache.pipeline.state import TIER, StateStore
from trendcache.services import Services


def test_auto_detects_development_mode_in_the_same_sync_and_remembers_it(
    services: Services, spotify_emulator: SpotifyEmulator
) -> None:
    spotify_emulator.tier = "development"
    first = services.syncer.sync("cli")
    assert first.source == "fresh"
    assert first.error is None
    assert first.tier == "development"
    assert spotify_emulator.stats.count("/browse/new-releases", status=403) == 1
    assert spotify_emulator.stats.count("/albums") == 0, "no batch endpoint in development"
    assert spotify_emulator.stats.count("/albums/{id}") == first.hydrated == first.albums
    assert StateStore(services.database).get(TIER)["tier"] == "development"  # type: ignore[index]

    make_stale(services.database)
    spotify_emulator.stats.clear()
    second = services.syncer.sync("schedule")
    assert second.tier == "development"
    assert spotify_emulator.stats.count("/browse/new-releases") == 0, "the tier is remembered"
    assert set(spotify_emulator.stats.by_endpoint) == {"/search"}


def test_development_listing_comes_from_tag_new_search_without_popularity(
    services: Services, spotify_emulator: SpotifyEmulator
) -> None:
    spotify_emulator.tier = "development"
    services.syncer.sync("cli")
    searches = [r for r in spotify_emulator.stats.requests if r.template == "/search"]
    assert searches
    assert all("tag%3Anew" in r.query and "limit=10" in r.query for r in searches)
    listing = cache_row(services.database, new_releases_key("US"))
    assert listing is not None
    assert len(listing.data["albums"]["items"]) == services.settings.spotify_new_releases_limit
    view = cache_row(services.database, trending_key())
    assert view is not None
    assert {a["basis"] for a in view.data["popularAlbums"]} == {"chart"}
    assert {a["basis"] for a in view.data["trendingArtists"]} == {"chart"}
    assert all(a["followers"] is None for a in view.data["trendingArtists"])
    scores = [a["score"] for a in view.data["popularAlbums"]]
    assert scores == sorted(scores, reverse=True)


def test_a_remembered_development_tier_is_probed_again_after_a_day(
    services: Services, spotify_emulator: SpotifyEmulator
) -> None:
    day_old = (utcnow() - timedelta(hours=25)).isoformat()
    StateStore(services.database).set(TIER, {"tier": "development", "checked_at": day_old})
    result = services.syncer.sync("cli")
    assert result.tier == "extended"
    assert spotify_emulator.stats.count("/browse/new-releases", status=200) >= 1
    assert StateStore(services.database).get(TIER)["tier"] == "extended"  # type: ignore[index]


def test_configured_development_never_touches_removed_endpoints(
    make_services: Any, sqlite_database: Any, spotify_emulator: SpotifyEmulator
) -> None:
    services = make_services(sqlite_database, spotify_access_tier="development")
    result = services.syncer.sync("cli")
    assert result.tier == "development"
    assert result.error is None
    assert spotify_emulator.stats.count("/browse/new-releases") == 0
    assert spotify_emulator.stats.count("/albums") == 0


def test_configured_extended_on_a_development_app_still_syncs(
    make_services: Any, sqlite_database: Any, spotify_emulator: SpotifyEmulator
) -> None:
    services = make_services(sqlite_database, spotify_access_tier="extended")
    spotify_emulator.tier = "development"
    result = services.syncer.sync("cli")
    assert result.source == "fresh"
    assert result.tier == "development"
    assert StateStore(services.database).get(TIER) is None, "only auto remembers"
