"""Two `trendcache serve` processes on one database (SQLite, PostgreSQL, PostgreSQL with
Redis for locks and queue), the data stale under them, and a burst of anonymous waiting
`/api/spotify/sync` calls spread across both: Spotify sees exactly one sync."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.faults.scenarios import single_flight
from trendcache.emulators.spotify import SpotifyEmulator

CALLS = 200


@pytest.mark.parametrize("backend", ["sqlite", "postgresql", "postgresql+redis"])
def test_a_burst_across_two_servers_syncs_once(
    request: pytest.FixtureRequest,
    spotify_emulator: SpotifyEmulator,
    tmp_path: Path,
    backend: str,
) -> None:
    database_url = redis_url = None
    if backend != "sqlite":
        database_url = request.getfixturevalue("own_postgres").url
    if backend == "postgresql+redis":
        request.getfixturevalue("redis_client")  # Redis's test database, emptied
        redis_url = request.getfixturevalue("redis_url")

    figures = single_flight(
        spotify_emulator,
        tmp_path,
        calls=CALLS,
        database_url=database_url,
        redis_url=redis_url,
        label=backend,
    )

    assert figures.requests == CALLS
    assert figures.failures == 0, figures.examples
    assert figures.details["errors"] == ["null"] * CALLS
    assert figures.syncs == {"ok": 1}
    one_sync = figures.details["one_sync_listing_requests"]
    assert one_sync >= 1
    assert figures.details["listing_requests"] == one_sync
