"""The metrics counted as things happen, as /metrics shows them once flushed: web requests
by route template (the lean read path and its 304s too), upstream requests, enrichment
decisions; and the snapshot age, health and pause reason read at scrape time."""

from __future__ import annotations

from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from tests.web.conftest import ClientFactory
from tests.web.test_metrics import Samples, scrape
from trendcache.emulators.spotify import SpotifyEmulator
from trendcache.pipeline.counters import add_counts, snapshot_ages
from trendcache.pipeline.heartbeats import this_worker
from trendcache.services import Services
from trendcache.web.app import create_app

TRENDING = "/api/cache/trending"
APPEARANCES = "/api/albums/appearances/{albumId}"


def http(route: str, method: str, status: int) -> tuple[str, tuple[tuple[str, str], ...]]:
    labels = (("method", method), ("route", route), ("status", str(status)))
    return ("trendcache_http_requests_total", labels)


def summed(samples: Samples, name: str, **labels: str) -> float:
    return sum(
        value
        for (sample, pairs), value in samples.items()
        if sample == name and dict(pairs).items() >= labels.items()
    )


def test_web_requests_are_counted_by_route_template_and_status(
    synced_services: Services, client: TestClient
) -> None:
    first = client.get(TRENDING)  # the lean path, before FastAPI
    etag = first.headers["etag"]
    assert client.get(TRENDING, headers={"If-None-Match": etag}).status_code == 304
    assert client.get(TRENDING, params={"via": "route"}).status_code == 200  # FastAPI's route
    assert client.head(TRENDING, params={"via": "route"}).status_code == 200
    assert client.get("/api/albums/appearances/0000000000000000000000").status_code == 404
    assert client.get("/no/such/page/4aawyAB9vmqN3uQ7FjRGTy").status_code == 404
    synced_services.flusher.flush()

    samples = scrape(client)

    assert samples[http(TRENDING, "GET", 200)] == 2
    assert samples[http(TRENDING, "GET", 304)] == 1
    assert samples[http(TRENDING, "HEAD", 200)] == 1
    assert samples[http(APPEARANCES, "GET", 404)] == 1
    assert samples[http("unmatched", "GET", 404)] == 1
    routes = {dict(labels).get("route") for (_, labels) in samples}
    assert not any(route and "4aawyAB9" in route for route in routes), "raw paths leak"
    duration = "trendcache_http_request_duration_seconds"
    assert samples[(f"{duration}_count", (("route", TRENDING),))] == 4
    inf = (("le", "+Inf"), ("route", TRENDING))
    assert samples[(f"{duration}_bucket", inf)] == 4


def test_two_processes_flushing_show_as_one_sum(
    synced_services: Services, make_client: ClientFactory, make_services: object
) -> None:
    """Two apps (two "processes", each its tally) on one database: either one's scrape
    shows the requests both answered."""
    one = make_client(synced_services)
    other_services = Services(synced_services.settings, database=synced_services.database)
    try:
        other = make_client(other_services)
        one.get("/no/such/page")
        other.get("/no/such/page")
        other.get("/no/such/page")
        synced_services.flusher.flush()
        other_services.flusher.flush()

        for client in (one, other):
            assert scrape(client)[http("unmatched", "GET", 404)] == 3
    finally:
        other_services.flusher.stop()


def test_upstream_requests_and_enrichment_decisions_reach_metrics(
    make_enrichable_services: object, make_client: ClientFactory
) -> None:
    services: Services = make_enrichable_services()  # type: ignore[operator]
    client = make_client(services)
    services.syncer.sync("cli", force=True)
    results = services.enricher.run_until_idle()
    services.flusher.flush()

    samples = scrape(client)

    requests = "trendcache_upstream_requests_total"
    assert summed(samples, requests, service="spotify", outcome="2xx") > 0
    assert summed(samples, requests, service="spotify", endpoint="/api/token") >= 1
    sent = sum(result.requests for result in results)
    assert summed(samples, requests, service="musicbrainz") == sent > 0
    decided = {}
    for result in results:
        for status, count in result.decided.items():
            decided[status] = decided.get(status, 0) + count
    decisions = "trendcache_enrichment_decisions_total"
    for status, count in decided.items():
        assert summed(samples, decisions, status=status) == count, status
    matched = summed(samples, decisions, status="matched")
    by_level = summed(samples, decisions, status="matched", level="release") + summed(
        samples, decisions, status="matched", level="release_group"
    )
    assert matched == by_level > 0
    waits = "trendcache_upstream_limiter_wait_seconds_count"
    assert samples[(waits, (("service", "musicbrainz"),))] == sent


def test_snapshot_age_and_health_are_read_at_scrape_time(
    synced_services: Services, client: TestClient
) -> None:
    synced_services.flusher.flush()  # reports this process's snapshot, as it does every 5 s

    samples = scrape(client)

    age = samples[("trendcache_snapshot_age_seconds", (("process", this_worker()),))]
    assert 0 <= age < 60
    assert samples[("trendcache_health_ok", (("dependency", "database"),))] == 1
    assert samples[("trendcache_health_ok", (("dependency", "snapshots"),))] == 1


def test_rows_of_another_versions_labels_are_left_out(
    synced_services: Services, client: TestClient
) -> None:
    """A row written by an older or newer release, with other label names, is skipped:
    the scrape still answers, with every row this release understands."""
    add_counts(
        synced_services.database,
        {
            ("trendcache_http_requests_total", (("route", "/x"), ("code", "200"))): 1.0,
            ("trendcache_http_request_duration_seconds_bucket", (("path", "/x"), ("le", "1.0"))): 1,
            (
                "trendcache_http_requests_total",
                (("route", "/x"), ("method", "GET"), ("status", "200")),
            ): 2,
        },
    )

    samples = scrape(client)

    assert samples[http("/x", "GET", 200)] == 2
    assert summed(samples, "trendcache_http_requests_total", route="/x") == 2
    assert not [k for k in samples if dict(k[1]).get("path") == "/x"]


def test_a_stopped_web_process_takes_its_snapshot_age_along(synced_services: Services) -> None:
    with TestClient(create_app(synced_services)):
        synced_services.flusher.flush()
        assert this_worker() in snapshot_ages(synced_services.database)
    synced_services.flusher.flush()  # a flush after it stopped does not bring it back
    assert this_worker() not in snapshot_ages(synced_services.database)


def test_a_quota_pause_says_why(
    synced_services: Services, client: TestClient, spotify_emulator: SpotifyEmulator
) -> None:
    assert not [k for k in scrape(client) if k[0] == "trendcache_sync_pause_info"]
    spotify_emulator.faults.quota_exceeded(retry_after=4 * 3600)
    synced_services.syncer.sync("api", force=True)

    samples = scrape(client)

    assert (
        samples[("trendcache_sync_pause_info", (("reason", "quota"), ("source", "spotify")))] == 1
    )


def test_every_counted_metric_is_described_before_anything_is_counted(
    synced_services: Services, client: TestClient
) -> None:
    families = {f.name: f.type for f in text_string_to_metric_families(client.get("/metrics").text)}
    for name, kind in {
        "trendcache_upstream_requests": "counter",
        "trendcache_upstream_request_duration_seconds": "histogram",
        "trendcache_upstream_retry_after_waits": "counter",
        "trendcache_upstream_retry_after_wait_seconds": "counter",
        "trendcache_upstream_limiter_wait_seconds": "histogram",
        "trendcache_musicbrainz_rate_limited": "counter",
        "trendcache_enrichment_decisions": "counter",
        "trendcache_http_requests": "counter",
        "trendcache_http_request_duration_seconds": "histogram",
        "trendcache_snapshot_age_seconds": "gauge",
        "trendcache_health_ok": "gauge",
        "trendcache_sync_pause_info": "gauge",
    }.items():
        assert families.get(name) == kind, name
    samples = scrape(client)
    for zone in ("ws", "global"):  # at 0 from the start, so increase() sees the first 503
        assert samples[("trendcache_musicbrainz_rate_limited_total", (("zone", zone),))] == 0
