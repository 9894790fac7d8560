"""The snapshot thread's reads: a view and the sync status it is shown with agree."""

from __future__ import annotations

from trendcache.emulators.spotify.server import SpotifyEmulator
from trendcache.pipeline.keys import trending_key
from trendcache.pipeline.sync.status import read_status
from trendcache.services import Services
from trendcache.web.served_views import ServedViews


def test_a_status_read_before_a_failed_sync_is_read_again(
    synced_services: Services, spotify_emulator: SpotifyEmulator
) -> None:
    snapshots = ServedViews(synced_services)
    before = read_status(synced_services.syncer)  # the thread read this, then the sync ran:
    spotify_emulator.faults.quota_exceeded(retry_after=4 * 3600)
    result = synced_services.syncer.sync("api", force=True)
    assert result.paused_until is not None and before.paused_until is None

    status, rows = snapshots._read_rows(before)

    assert rows[trending_key(None)].error is not None
    assert status.paused_until == result.paused_until
    assert status.version == read_status(synced_services.syncer).version


def test_the_page_shows_the_pause_with_the_error(
    synced_services: Services, spotify_emulator: SpotifyEmulator
) -> None:
    snapshots = ServedViews(synced_services)
    snapshots.refresh(force=True)
    spotify_emulator.faults.quota_exceeded(retry_after=4 * 3600)
    synced_services.syncer.sync("api", force=True)

    assert snapshots.refresh()
    document = snapshots.get(None).document  # type: ignore[union-attr]
    assert document["error"] is not None
    assert document["pausedUntil"] is not None
