"""A 429 from Spotify's accounts service (the token endpoint) is honoured like one from the API.

It used to become a generic "accounts service answered 429", retried with backoff at once
(5 token requests in 6 s whatever Retry-After said) and no pause recorded. Now: never asked
again sooner than Retry-After, by any thread; a short wait is waited out within the sync,
a long one ends it with the pause recorded, so no trigger syncs until then.
"""

from __future__ import annotations

import threading
from datetime import timedelta

from tests.fixtures.app import FAST_RETRIES, ServicesFactory, SettingsFactory
from tests.pipeline.helpers import runs
from trendcache.clock import utcnow
from trendcache.db import Database
from trendcache.emulators.spotify import SpotifyEmulator
from trendcache.pipeline.sync.status import read_status
from trendcache.services import Services
from trendcache.spotify.connector import SpotifyConnector
from trendcache.spotify.errors import SpotifyRateLimited

TOKEN = "/api/token"


def token_requests(emulator: SpotifyEmulator) -> list[tuple[float, int]]:
    return [(r.at, r.status) for r in emulator.stats.requests if r.template == TOKEN]


def test_a_long_retry_after_on_the_token_endpoint_pauses_syncing(
    services: Services, spotify_emulator: SpotifyEmulator
) -> None:
    spotify_emulator.faults.rate_limit(retry_after=3600, count=None, path_prefix=TOKEN)

    before = utcnow()
    result = services.syncer.sync("schedule")
    again = services.syncer.sync("on_demand")
    forced = services.syncer.sync("cli", force=True)

    assert [status for _, status in token_requests(spotify_emulator)] == [429], "asked once"
    assert result.error is not None and "accounts service" in result.error
    assert "SPOTIFY_MAX_RETRY_AFTER_SECONDS" in result.error
    assert result.paused_until is not None
    assert timedelta(seconds=3590) < result.paused_until - before < timedelta(seconds=3610)
    status = read_status(services.syncer)
    assert status.paused_until == result.paused_until
    assert status.pause_reason == result.error
    assert again.paused_until == forced.paused_until == result.paused_until
    assert [run.status for run in runs(services.database)] == ["failed"]


def test_a_short_retry_after_on_the_token_endpoint_is_waited_out(
    sqlite_services: Services, spotify_emulator: SpotifyEmulator
) -> None:
    spotify_emulator.faults.rate_limit(retry_after=1, count=1, path_prefix=TOKEN)

    result = sqlite_services.syncer.sync("schedule")

    assert result.source == "fresh" and result.error is None
    (limited_at, limited), (retried_at, retried) = token_requests(spotify_emulator)
    assert (limited, retried) == (429, 200)
    assert retried_at - limited_at >= 1.0, "asked again sooner than Retry-After"


def test_threads_waiting_for_a_token_do_not_ask_again_before_retry_after(
    spotify_emulator: SpotifyEmulator, make_settings: SettingsFactory
) -> None:
    spotify_emulator.faults.rate_limit(retry_after=30, count=None, path_prefix=TOKEN)
    connector = SpotifyConnector(make_settings(), retry=FAST_RETRIES)
    tokens = connector.tokens
    refused: list[float] = []
    barrier = threading.Barrier(8)

    def ask() -> None:
        barrier.wait()
        try:
            tokens.token()
        except SpotifyRateLimited as exc:
            refused.append(exc.retry_after)

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    connector.close()

    assert len(token_requests(spotify_emulator)) == 1
    assert len(refused) == 8
    assert all(25 < wait <= 30 for wait in refused)


def test_a_token_429_pause_holds_across_processes(
    make_services: ServicesFactory, database: Database, spotify_emulator: SpotifyEmulator
) -> None:
    """The pause is in the database: another process's syncer respects it without asking."""
    spotify_emulator.faults.rate_limit(retry_after=3600, count=None, path_prefix=TOKEN)
    make_services(database).syncer.sync("schedule")

    other = make_services(database).syncer.sync("schedule")

    assert other.paused_until is not None
    assert len(token_requests(spotify_emulator)) == 1
