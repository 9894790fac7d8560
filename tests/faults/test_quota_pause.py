"""Spotify's 429 QUOTA_EXCEEDED, end to end through a real `trendcache serve`: the pause is
recorded, `/api/status` and the page say until when, and nothing reaches Spotify during it:
not page and API reads, not anonymous waiting syncs, not the scheduler's minute job."""

from __future__ import annotations

import html
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.faults.scenarios import quota_pause
from trendcache.emulators.spotify import SpotifyEmulator

RETRY_AFTER = timedelta(seconds=50_000)  # what the emulator's quota answer says


def test_a_quota_answer_pauses_every_trigger(
    spotify_emulator: SpotifyEmulator, tmp_path: Path
) -> None:
    figures = quota_pause(spotify_emulator, tmp_path, reads=100)

    details = figures.details
    status = details["status"]
    until = datetime.fromisoformat(status["pausedUntil"])
    assert abs(until - (datetime.now(UTC) + RETRY_AFTER)) < timedelta(minutes=5)
    assert "quota" in status["pauseReason"].lower()
    assert status["lastSync"]["status"] == "failed"
    page = html.unescape(details["page"])
    assert "syncing resumes at" in page
    assert status["pauseReason"].rstrip(".") in page
    assert details["quota_answers"] == 1, "one 429, never retried"

    assert figures.failures == 0, figures.examples
    assert figures.requests == 100
    assert "sync_due" in details["scheduled"], "the scheduler's minute job ran"
    assert figures.upstream == details["upstream_at_pause"], "nothing sent during the pause"
    assert details["status_after"]["pausedUntil"] == status["pausedUntil"]
    assert figures.syncs == {"failed": 1}
