"""Spotify down while stale data is read hard, through a real `trendcache serve`: every read
is answered with data, the failure is reported where readers see it, and the server backs
off instead of hammering Spotify (one failed sync, its retries, then nothing)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.faults.scenarios import Outage, outage_under_load
from trendcache.emulators.spotify import SpotifyEmulator
from trendcache.spotify.session import DEFAULT_RETRY

# One failed sync: the token or the listing tried `attempts` times, plus a token at most.
ONE_FAILED_SYNC = DEFAULT_RETRY.attempts + 1


@pytest.mark.parametrize(
    ("fault", "reported"),
    [("outage", "unreachable"), ("server_error", "503")],
)
def test_reads_never_fail_while_spotify_is_down(
    spotify_emulator: SpotifyEmulator, tmp_path: Path, fault: Outage, reported: str
) -> None:
    figures = outage_under_load(spotify_emulator, tmp_path, fault=fault, reads=1000)

    assert figures.failures == 0, figures.examples
    assert figures.requests >= 1100
    view = figures.details
    assert view["status_reads_during_sync"] > 0, "the reads met the failing sync"
    assert view["stale"] is True
    assert reported in view["error"]
    assert reported in view["page"] and "the last refresh failed" in view["page"]
    # Backoff: the reads after the failure and an anonymous waiting sync sent nothing.
    assert figures.syncs == {"failed": 1}
    assert figures.upstream == view["upstream_at_failure"] <= ONE_FAILED_SYNC
    answer = view["sync_answer"]
    assert answer["source"] == "cache" and answer["data"]["newReleases"]
    assert "next try within" in answer["error"]
