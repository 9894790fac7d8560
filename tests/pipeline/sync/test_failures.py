"""A bad upstream never replaces good data: the old cache stays, flagged, and is served."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.pipeline.helpers import cache_row, make_stale, runs
from trendcache.clock import utcnow
from trendcache.emulators.spotify import SpotifyEmulator
from trendcache.pipeline.keys import new_releases_key, trending_key
from trendcache.pipeline.sync.syncer import FAILURE_BACKOFF_SECONDS
from trendcache.services import Services


@pytest.mark.parametrize("kind", ["truncated", "not_json", "wrong_shape", "empty"])
def test_a_malformed_listing_is_never_written(
    services: Services, spotify_emulator: SpotifyEmulator, kind: str
) -> None:
    services.syncer.sync("cli")
    good = cache_row(services.database, new_releases_key("US"))
    assert good is not None
    make_stale(services.database)
    spotify_emulator.faults.malformed(kind, count=None, path_prefix="/browse/new-releases")
    result = services.syncer.sync("cli")
    assert result.source == "cache"
    assert result.error is not None
    assert "malformed" in result.error or "not JSON" in result.error
    kept = cache_row(services.database, new_releases_key("US"))
    assert kept is not None
    assert kept.data == good.data
    assert kept.fetched_at == good.fetched_at
    assert kept.error == result.error
    view = cache_row(services.database, trending_key())
    assert view is not None and view.error == result.error
    assert runs(services.database)[-1].status == "failed"


def test_an_outage_keeps_serving_the_old_data_and_recovers(
    services: Services, spotify_emulator: SpotifyEmulator
) -> None:
    services.syncer.sync("cli")
    make_stale(services.database)
    spotify_emulator.faults.outage = True
    failed = services.syncer.sync("cli")
    assert failed.source == "cache"
    assert failed.error is not None and "unreachable" in failed.error
    row = cache_row(services.database, new_releases_key("US"))
    assert row is not None and row.error == failed.error and row.expires < utcnow()

    spotify_emulator.faults.outage = False
    recovered = services.syncer.sync("cli", force=True)  # `sync --force`: past the backoff
    assert recovered.source == "fresh"
    row = cache_row(services.database, new_releases_key("US"))
    assert row is not None and row.error is None and row.expires > utcnow()


def test_every_trigger_backs_off_after_a_failure_and_only_forcing_overrides(
    services: Services, spotify_emulator: SpotifyEmulator
) -> None:
    spotify_emulator.faults.server_error(503, count=None)
    assert services.syncer.sync("api").error is not None
    calls = spotify_emulator.stats.total
    backing_off = services.syncer.sync("on_demand")
    assert backing_off.error is not None
    assert f"{FAILURE_BACKOFF_SECONDS[0] // 60} min" in backing_off.error
    for trigger in ("schedule", "api", "cli"):
        assert services.syncer.sync(trigger).error == backing_off.error
    assert spotify_emulator.stats.total == calls, "no upstream call while backing off"
    spotify_emulator.faults.clear()
    assert services.syncer.sync("cli", force=True).source == "fresh"


def test_quota_exceeded_pauses_every_trigger_until_spotify_says(
    services: Services, spotify_emulator: SpotifyEmulator
) -> None:
    services.syncer.sync("cli")
    make_stale(services.database)
    spotify_emulator.faults.quota_exceeded(retry_after=50_000)
    result = services.syncer.sync("schedule")
    assert result.paused_until is not None
    expected = utcnow() + timedelta(seconds=50_000)
    assert abs((result.paused_until - expected).total_seconds()) < 60
    assert result.error is not None and "quota" in result.error
    spotify_emulator.faults.clear()
    calls = spotify_emulator.stats.total
    for trigger in ("schedule", "on_demand", "api", "cli"):
        paused = services.syncer.sync(trigger, force=True)  # type: ignore[arg-type]
        assert paused.paused_until == result.paused_until
        assert paused.source == "cache"
    assert spotify_emulator.stats.total == calls
    assert cache_row(services.database, new_releases_key("US")) is not None


def test_a_retry_after_beyond_the_cap_ends_the_sync_and_waits_it_out(
    make_services: object, sqlite_database: object, spotify_emulator: SpotifyEmulator
) -> None:
    services = make_services(sqlite_database, spotify_max_retry_after_seconds=5)  # type: ignore[operator]
    spotify_emulator.faults.rate_limit(retry_after=3600, count=1)
    result = services.syncer.sync("cli")
    assert result.error is not None and "3600 s" in result.error
    assert result.paused_until is not None
    assert spotify_emulator.stats.count("/browse/new-releases") == 1, "no early retry"
    assert services.syncer.sync("cli", force=True).paused_until == result.paused_until


def test_a_short_retry_after_is_waited_out_within_the_sync(
    services: Services, spotify_emulator: SpotifyEmulator
) -> None:
    spotify_emulator.faults.rate_limit(retry_after=1, count=1, path_prefix="/browse/new-releases")
    result = services.syncer.sync("cli")
    assert result.source == "fresh" and result.error is None
    listing = [r for r in spotify_emulator.stats.requests if r.template == "/browse/new-releases"]
    assert listing[0].status == 429
    assert listing[1].at - listing[0].at >= 1.0, "retried no sooner than Retry-After"
