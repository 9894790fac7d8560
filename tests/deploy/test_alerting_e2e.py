"""The alerts end to end with the real thing: Debian's Prometheus scrapes a running
`trendcache serve` and evaluates deploy/prometheus/alerts.yml (every `for:` cut to 0s), and
Debian's Alertmanager posts to a webhook in this test. A Spotify outage makes syncs fail
until TrendcacheSyncFailing reaches the webhook; a sync after the outage resolves it.

Syncs are forced through the API with an admin's token, one after the other: a failed
sync backs off automatic ones for minutes, and a forced one does not wait. The figures
(outage to firing webhook, recovery to resolved webhook) are printed (`pytest -s`).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx2
import pytest

from tests.deploy.prometheus import (
    Daemon,
    alertmanager,
    binaries,
    evaluated_rules,
    prometheus,
    query,
    webhook_receiver,
)
from tests.faults.servers import Server, server_env, serving, synced_database
from trendcache.accounts.users import create_user
from trendcache.db import Database
from trendcache.emulators.spotify import SpotifyEmulator

ALERT = "TrendcacheSyncFailing"
# The rule's threshold: failed syncs within its window, none ok. /metrics exports every
# trigger's failed and ok series from 0, so the first failures of an outage count.
THRESHOLD = 3
# Each failed sync retries Spotify with backoff (about 4 to 8 s); the rule needs a few.
FIRING_SECONDS = 90.0
RESOLVED_SECONDS = 60.0
# Start-up and the syncs around the waits above, so that a failure says which wait ran out.
TIMEOUT_SECONDS = FIRING_SECONDS + RESOLVED_SECONDS + 90


@pytest.fixture
def emulator(spotify_emulator: SpotifyEmulator) -> Iterator[SpotifyEmulator]:
    yield spotify_emulator
    spotify_emulator.reset()


def forced_sync(server: Server, token: str) -> dict[str, Any]:
    response = httpx2.get(
        f"{server.url}/api/spotify/sync",
        params={"force": "true", "wait": "true"},
        headers={"Authorization": f"Bearer {token}"},
        timeout=60,
    )
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def wait_for_first_scrape(daemon: Daemon, timeout: float = 30.0) -> None:
    """Until Prometheus holds a sample of the server's sync runs (and saw it up)."""
    deadline = time.monotonic() + timeout
    while not query(daemon, 'trendcache_sync_runs_total{job="trendcache"}'):
        assert time.monotonic() < deadline, f"no scrape of trendcache:\n{daemon.tail()}"
        time.sleep(0.2)
    assert query(daemon, 'up{job="trendcache"} == 1')


@pytest.mark.timeout(TIMEOUT_SECONDS)
def test_a_spotify_outage_reaches_the_webhook_as_sync_failing_and_recovery_resolves_it(
    emulator: SpotifyEmulator, tmp_path: Path
) -> None:
    prometheus_bin, alertmanager_bin = binaries()
    url = f"sqlite:///{tmp_path / 'trendcache.sqlite3'}"
    env = server_env(emulator, url, tmp_path / "data", SPOTIFY_MARKETS="US")
    synced_database(env)
    database = Database(url)
    try:
        token = create_user(database, "ops", admin=True)
    finally:
        database.dispose()

    with ExitStack() as stack:
        receiver = stack.enter_context(webhook_receiver())
        [server] = stack.enter_context(serving(env, folder=tmp_path / "serve"))
        manager = stack.enter_context(alertmanager(alertmanager_bin, tmp_path / "am", receiver.url))
        scraper = stack.enter_context(
            prometheus(
                prometheus_bin,
                tmp_path / "prometheus",
                target=server.url.removeprefix("http://"),
                alertmanager=manager.url.removeprefix("http://"),
            )
        )
        wait_for_first_scrape(scraper)
        # Every real rule evaluates without error over the real metrics, and this one is
        # quiet while Spotify answers.
        rules = evaluated_rules(scraper, after=time.time())
        unhealthy = [(r["name"], r.get("lastError")) for r in rules if r["health"] != "ok"]
        assert unhealthy == []
        assert [rule["state"] for rule in rules if rule["name"] == ALERT] == ["inactive"]

        emulator.faults.outage = True  # every connection dropped, the token endpoint's too
        outage = time.monotonic()
        failed: list[float] = []  # when each forced sync came back failed
        while receiver.first(ALERT, "firing") is None:
            assert time.monotonic() - outage < FIRING_SECONDS, (
                f"no firing {ALERT} after {len(failed)} failed syncs; "
                f"received {receiver.names()}:\n{scraper.tail()}"
            )
            answer = forced_sync(server, token)
            assert answer["error"], answer
            failed.append(time.monotonic())
        firing = receiver.wait_for(ALERT, "firing", 0)
        # It fired only once the rule's threshold of failed syncs was reached.
        before = [at for at in failed if at < firing.received]
        assert len(before) >= THRESHOLD
        assert firing.labels["source"] == "spotify"
        assert firing.labels["severity"] == "warning"
        assert "spotify syncs failed" in firing.annotations["description"]

        emulator.faults.outage = False
        recovery = time.monotonic()
        assert forced_sync(server, token)["error"] is None
        resolved = receiver.wait_for(ALERT, "resolved", RESOLVED_SECONDS)
        assert resolved.labels["source"] == "spotify"

    print(
        f"\n{ALERT}: outage → firing webhook {firing.received - outage:.1f} s "
        f"({len(before)} failed forced syncs before it, the last "
        f"{firing.received - before[-1]:.1f} s before it; {len(failed)} in all); "
        f"recovery → resolved webhook {resolved.received - recovery:.1f} s; "
        f"all received: {sorted(receiver.names())}"
    )
