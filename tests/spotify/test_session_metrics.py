"""What a Spotify session counts, against the emulator: every attempt by endpoint template
and outcome (429s, 5xx and timeouts included), its latency, Retry-After waits and waits
for the shared limiter, the token request too."""

from __future__ import annotations

from typing import Any

from tests.spotify.conftest import ConnectorFactory, RecordingMeter
from trendcache.emulators.spotify import SpotifyEmulator
from trendcache.spotify.connector import SpotifyConnector
from trendcache.tally import Deltas

NEW_RELEASES = "/v1/browse/new-releases"
ONE = {"limit": 1}


def requests_of(deltas: Deltas) -> dict[tuple[str, str], float]:
    """(endpoint, outcome) → requests, for Spotify."""
    found: dict[tuple[str, str], float] = {}
    for (name, labels), value in deltas.items():
        if name == "trendcache_upstream_requests_total":
            label = dict(labels)
            assert label["service"] == "spotify"
            found[(label["endpoint"], label["outcome"])] = value
    return found


def value(deltas: Deltas, name: str, **labels: str) -> float:
    return sum(
        v for (n, ls), v in deltas.items() if n == name and dict(ls).items() >= labels.items()
    )


def get(connector: SpotifyConnector, path: str, params: Any = None) -> Any:
    return connector.client(RecordingMeter()).session.get(path, params)


def test_a_429_then_success_counts_both_attempts_and_the_wait(
    spotify_emulator: SpotifyEmulator, make_connector: ConnectorFactory
) -> None:
    connector = make_connector()
    spotify_emulator.faults.rate_limit(retry_after=1, count=1)

    get(connector, "browse/new-releases", ONE)

    deltas = connector.metrics.tally.take()
    assert requests_of(deltas) == {
        ("/api/token", "2xx"): 1,
        (NEW_RELEASES, "429"): 1,
        (NEW_RELEASES, "2xx"): 1,
    }
    assert value(deltas, "trendcache_upstream_retry_after_waits_total", service="spotify") == 1
    waited = value(deltas, "trendcache_upstream_retry_after_wait_seconds_total")
    assert waited >= 1.0  # Retry-After 1, never sooner
    histogram = "trendcache_upstream_request_duration_seconds_bucket"
    assert value(deltas, histogram, endpoint=NEW_RELEASES) == 2
    assert value(deltas, "trendcache_upstream_limiter_wait_seconds_bucket") == 2


def test_ids_become_a_template_and_a_404_is_its_own_outcome(
    make_connector: ConnectorFactory,
) -> None:
    connector = make_connector()
    album_id = get(connector, "browse/new-releases", ONE)["albums"]["items"][0]["id"]
    get(connector, f"albums/{album_id}")
    client = connector.client(RecordingMeter())
    assert client.album_each(["0000000000000000000000"], None) == {}

    assert requests_of(connector.metrics.tally.take()) == {
        ("/api/token", "2xx"): 1,
        (NEW_RELEASES, "2xx"): 1,
        ("/v1/albums/{id}", "2xx"): 1,
        ("/v1/albums/{id}", "404"): 1,
    }


def test_server_errors_and_a_timeout_are_counted_by_outcome(
    spotify_emulator: SpotifyEmulator, make_connector: ConnectorFactory
) -> None:
    connector = make_connector(spotify_timeout_seconds=0.3)
    spotify_emulator.faults.server_error(status=503, count=1)
    spotify_emulator.faults.server_error(status=500, count=1)
    spotify_emulator.faults.slow(1.0, count=1, path_prefix="/browse/new-releases")

    get(connector, "browse/new-releases", ONE)

    assert requests_of(connector.metrics.tally.take()) == {
        ("/api/token", "2xx"): 1,
        (NEW_RELEASES, "503"): 1,
        (NEW_RELEASES, "5xx"): 1,
        (NEW_RELEASES, "timeout"): 1,
        (NEW_RELEASES, "2xx"): 1,
    }
