"""/metrics tells the operator's story from the database: sync runs, durations and last
successes, pauses, the Spotify budget and the enrichment queue agree with what is stored."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import func, select, update

from tests.web.conftest import ClientFactory
from trendcache.clock import utcnow
from trendcache.db.models import EnrichmentState, SyncRun, UpstreamRequest
from trendcache.emulators.spotify import SpotifyEmulator
from trendcache.pipeline.enrichment.status import read_enrichment_status
from trendcache.pipeline.heartbeats import record_heartbeat
from trendcache.pipeline.sync.status import read_status
from trendcache.services import Services

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]
SPOTIFY = (("source", "spotify"),)


def scrape(client: TestClient) -> Samples:
    """Every sample of /metrics, parsed by prometheus_client's own text parser."""
    response = client.get("/metrics")
    assert response.status_code == 200
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def only_run(services: Services) -> SyncRun:
    with services.database.session() as session:
        runs = list(session.scalars(select(SyncRun)))
    assert len(runs) == 1
    return runs[0]


def requests_today(services: Services) -> int:
    with services.database.session() as session:
        count = session.scalar(
            select(func.count())
            .select_from(UpstreamRequest)
            .where(UpstreamRequest.service == "spotify")
        )
    return int(count or 0)


def check_sync_metrics(services: Services, samples: Samples) -> None:
    """The sync metrics agree with the one recorded run, a `cli` sync that went well."""
    run = only_run(services)
    assert run.finished_at is not None
    labels = (("source", "spotify"), ("status", "ok"), ("trigger", "cli"))
    assert samples[("trendcache_sync_runs_total", labels)] == 1
    last = samples[("trendcache_sync_last_success_timestamp_seconds", SPOTIFY)]
    assert last == run.finished_at.timestamp()
    took = (run.finished_at - run.started_at).total_seconds()
    assert samples[("trendcache_sync_duration_seconds_count", SPOTIFY)] == 1
    summed = samples[("trendcache_sync_duration_seconds_sum", SPOTIFY)]
    assert abs(summed - took) <= 0.001  # to the millisecond
    inf = (("le", "+Inf"), ("source", "spotify"))
    assert samples[("trendcache_sync_duration_seconds_bucket", inf)] == 1
    assert samples[("trendcache_sync_paused_until_timestamp_seconds", SPOTIFY)] == 0
    used = requests_today(services)
    assert used == run.requests > 0
    assert samples[("trendcache_spotify_budget_requests", (("state", "used"),))] == used
    left = services.settings.spotify_daily_request_budget - used
    assert samples[("trendcache_spotify_budget_requests", (("state", "left"),))] == left


def test_sync_metrics_agree_with_the_recorded_sync(
    synced_services: Services, client: TestClient
) -> None:
    samples = scrape(client)
    check_sync_metrics(synced_services, samples)
    took = samples[("trendcache_sync_duration_seconds_sum", SPOTIFY)]
    for bound in ("1.0", "60.0", "3600.0"):
        bucket = samples[("trendcache_sync_duration_seconds_bucket", (("le", bound), SPOTIFY[0]))]
        assert bucket == float(took <= float(bound))


def test_sync_metrics_on_each_database_backend(
    services: Services, make_client: ClientFactory
) -> None:
    services.syncer.sync("cli")
    check_sync_metrics(services, scrape(make_client(services)))


def test_a_paused_source_shows_until_when(
    synced_services: Services, client: TestClient, spotify_emulator: SpotifyEmulator
) -> None:
    spotify_emulator.faults.quota_exceeded(retry_after=4 * 3600)
    synced_services.syncer.sync("api", force=True)
    paused = read_status(synced_services.syncer).paused_until
    assert paused is not None
    samples = scrape(client)
    until = samples[("trendcache_sync_paused_until_timestamp_seconds", SPOTIFY)]
    assert until == paused.timestamp()
    assert timedelta(hours=3) < paused - utcnow() <= timedelta(hours=4)
    failed = (("source", "spotify"), ("status", "failed"), ("trigger", "api"))
    assert samples[("trendcache_sync_runs_total", failed)] == 1


def check_enrichment_metrics(services: Services, samples: Samples) -> None:
    """The enrichment metrics agree with the status the API reports from the same tables."""
    status = read_enrichment_status(services.database)
    for state in ("pending", "needs_review", "no_match", "error"):
        albums = samples[("trendcache_enrichment_albums", (("level", ""), ("status", state)))]
        assert albums == status.counts[state], state
    for level in ("release", "release_group"):
        albums = samples[
            ("trendcache_enrichment_albums", (("level", level), ("status", "matched")))
        ]
        assert albums == status.levels[level], level
    assert samples[("trendcache_enrichment_due_albums", ())] == status.due


def test_enrichment_metrics_before_any_lookup_show_every_album_due(
    synced_services: Services, client: TestClient
) -> None:
    samples = scrape(client)
    check_enrichment_metrics(synced_services, samples)
    pending = samples[("trendcache_enrichment_albums", (("level", ""), ("status", "pending")))]
    assert pending > 0
    assert samples[("trendcache_enrichment_due_albums", ())] == pending
    with synced_services.database.session() as session:
        oldest = session.scalar(select(func.min(EnrichmentState.next_attempt_at)))
    assert oldest is not None
    waited = samples[("trendcache_enrichment_oldest_due_seconds", ())]
    assert (utcnow() - oldest).total_seconds() - 60 < waited <= (utcnow() - oldest).total_seconds()


def test_enrichment_metrics_follow_the_albums_as_their_states_change(
    enriched_services: Services, make_client: ClientFactory
) -> None:
    client = make_client(enriched_services)
    before = scrape(client)
    check_enrichment_metrics(enriched_services, before)
    assert before[("trendcache_enrichment_due_albums", ())] == 0  # enriched until idle
    assert before[("trendcache_enrichment_oldest_due_seconds", ())] == 0

    due_since = utcnow() - timedelta(hours=2)
    with enriched_services.database.writer() as session:
        album = session.scalar(
            select(EnrichmentState.album_id)
            .where(EnrichmentState.status == "matched")
            .order_by(EnrichmentState.album_id)
            .limit(1)
        )
        session.execute(
            update(EnrichmentState)
            .where(EnrichmentState.album_id == album)
            .values(status="needs_review", level=None, next_attempt_at=due_since)
        )
    after = scrape(client)
    check_enrichment_metrics(enriched_services, after)
    review = (("level", ""), ("status", "needs_review"))
    assert (
        after[("trendcache_enrichment_albums", review)]
        == before[("trendcache_enrichment_albums", review)] + 1
    )
    assert after[("trendcache_enrichment_due_albums", ())] == 1
    waited = after[("trendcache_enrichment_oldest_due_seconds", ())]
    assert timedelta(hours=2).total_seconds() <= waited < timedelta(hours=3).total_seconds()


def test_each_workers_last_heartbeat_is_a_metric(
    services: Services, make_client: ClientFactory
) -> None:
    client = make_client(services)
    assert not any(
        name == "trendcache_worker_last_seen_timestamp_seconds" for name, _ in scrape(client)
    )
    seen = utcnow().replace(microsecond=0)
    record_heartbeat(services.database, "box:42", "worker", seen - timedelta(hours=1), seen)
    samples = scrape(client)
    labels = (("role", "worker"), ("worker", "box:42"))
    assert samples[("trendcache_worker_last_seen_timestamp_seconds", labels)] == seen.timestamp()
