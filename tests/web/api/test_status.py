"""Operations endpoints: /api/status, /healthz and /metrics."""

from __future__ import annotations

from datetime import timedelta

import stamina
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from tests.fixtures.app import ServicesFactory
from tests.fixtures.listenbrainz import listenbrainz_on
from tests.pipeline.alerts.rows import cache_fetched
from tests.web.conftest import MARKETS, ClientFactory
from trendcache.db import Database
from trendcache.emulators.listenbrainz import ListenBrainzEmulator
from trendcache.emulators.spotify import SpotifyEmulator
from trendcache.services import Services


def test_status_reports_the_last_sync(client: TestClient) -> None:
    body = client.get("/api/status").json()
    assert body["refreshing"] is False
    assert body["lastSync"]["status"] == "ok"
    assert body["lastSync"]["trigger"] == "cli"
    assert body["lastSync"]["albums"] > 0
    assert body["tier"] == "extended"
    assert body["pausedUntil"] is None
    assert body["markets"] == MARKETS


def test_status_before_any_sync(web_services: Services, make_client: ClientFactory) -> None:
    body = make_client(web_services).get("/api/status").json()
    assert body["lastSync"] is None
    assert body["tier"] is None


def test_healthz(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "snapshots": True}


def test_metrics(client: TestClient, synced_services: Services) -> None:
    synced_services.flusher.flush()  # what the process counted, in the shared table
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    samples = {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }
    age = samples[("trendcache_cache_age_seconds", (("key", "spotify_trending"),))]
    assert age >= 0
    assert samples[("trendcache_cache_stale", (("key", "spotify_new_releases:US"),))] == 0
    assert (
        samples[
            (
                "trendcache_sync_runs_total",
                (("source", "spotify"), ("status", "ok"), ("trigger", "cli")),
            )
        ]
        == 1
    )
    assert samples[("trendcache_snapshot_rebuilds_total", (("reason", "start"),))] == 1


def test_on_each_database_backend(services: Services, make_client: ClientFactory) -> None:
    """The snapshots, status and metrics queries on SQLite and PostgreSQL alike."""
    services.syncer.sync("cli")
    client = make_client(services)
    assert client.get("/api/cache/trending").json()["newReleases"]
    assert client.get("/api/status").json()["lastSync"]["status"] == "ok"
    assert (
        'trendcache_sync_runs_total{source="spotify",status="ok",trigger="cli"} 1.0'
        in client.get("/metrics").text
    )
    assert client.get("/healthz").status_code == 200


def test_metrics_name_the_keys_whose_refresh_failed_on_each_backend(
    services: Services, make_client: ClientFactory, spotify_emulator: SpotifyEmulator
) -> None:
    services.syncer.sync("cli")
    spotify_emulator.faults.outage = True
    with stamina.set_testing(True, attempts=1):
        assert services.syncer.sync("cli", force=True).error
    metrics = make_client(services).get("/metrics").text
    assert 'trendcache_cache_refresh_failing{key="spotify_trending"} 1.0' in metrics
    assert 'trendcache_cache_stale{key="spotify_trending"} 0.0' in metrics  # still served
    assert 'trendcache_sync_runs_total{source="spotify",status="ok",trigger="cli"} 1.0' in metrics
    assert (
        'trendcache_sync_runs_total{source="spotify",status="failed",trigger="cli"} 1.0' in metrics
    )


def test_status_shows_the_alerts_firing_now(
    web_services: Services, make_client: ClientFactory
) -> None:
    client = make_client(web_services)
    assert client.get("/api/status").json()["alerts"] == []
    cache_fetched(web_services.database, "spotify_new_releases:US", timedelta(hours=13))
    [alert] = client.get("/api/status").json()["alerts"]
    assert alert["name"] == "TrendcacheDataStale"
    assert alert["severity"] == "critical"
    assert "spotify_new_releases:US" in alert["description"]
    assert set(alert) == {"name", "severity", "summary", "description", "since"}


def test_the_status_alerts_are_documented(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()["components"]["schemas"]
    assert set(schema["FiringAlert"]["properties"]) == {
        "name",
        "severity",
        "summary",
        "description",
        "since",
    }
    assert "alerts" in schema["StatusResponse"]["required"]


def test_status_names_each_source_and_why_listenbrainz_is_off(
    web_services: Services,
    make_services: ServicesFactory,
    database: Database,
    make_client: ClientFactory,
    listenbrainz_emulator: ListenBrainzEmulator,
) -> None:
    off = make_client(web_services).get("/api/status").json()
    assert list(off["sources"]) == ["spotify"]
    assert "LISTENBRAINZ_ENABLED" in off["listenbrainzOff"]

    both = make_services(database, **listenbrainz_on(listenbrainz_emulator))
    assert both.syncers["listenbrainz"].sync("cli").source == "fresh"
    listenbrainz_emulator.faults.add("malformed_shape", 1)  # its next sync fails
    assert both.syncers["listenbrainz"].sync("cli", force=True).error is not None
    body = make_client(both).get("/api/status").json()
    assert body["listenbrainzOff"] is None
    assert list(body["sources"]) == ["spotify", "listenbrainz"]
    listenbrainz = body["sources"]["listenbrainz"]
    assert listenbrainz["lastSync"]["status"] == "failed"
    assert listenbrainz["lastSync"]["requests"] >= 1
    assert body["sources"]["spotify"]["lastSync"] == body["lastSync"]  # Spotify's own: none
    assert body["lastSync"] is None
