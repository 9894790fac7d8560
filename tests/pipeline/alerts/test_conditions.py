"""Each alert condition of deploy/prometheus/alerts.yml fires from the rows that should make
it, and stays quiet from those that should not, on both databases."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from tests.pipeline.alerts.rows import (
    alert_settings,
    cache_fetched,
    due_albums,
    firing,
    pause,
    spotify_requests,
    sync_runs,
)
from trendcache.clock import utcnow
from trendcache.db import Database
from trendcache.pipeline.alerts.conditions import evaluate
from trendcache.pipeline.alerts.facts import read_facts
from trendcache.pipeline.heartbeats import record_heartbeat


def test_an_empty_database_raises_no_alert(database: Database) -> None:
    assert firing(database) == {}


def test_data_older_than_twice_the_cache_duration_is_stale(database: Database) -> None:
    cache_fetched(database, "spotify_new_releases:US", timedelta(hours=11))
    assert "TrendcacheDataStale" not in firing(database)
    fetched = cache_fetched(database, "spotify_new_releases:GB", timedelta(hours=13))
    alert = firing(database)["TrendcacheDataStale"]
    assert alert.severity == "critical"
    assert "spotify_new_releases:GB" in alert.description
    assert "spotify_new_releases:US" not in alert.description
    assert alert.since == fetched + timedelta(hours=12)
    assert "TrendcacheDataStale" not in firing(database, cache_duration_hours=7)


def test_three_failed_syncs_in_a_row_are_failing(database: Database) -> None:
    sync_runs(database, "failed", "failed", "ok", "failed", "failed")
    assert "TrendcacheSyncFailing" not in firing(database)  # an ok among the last three
    sync_runs(database, "failed")
    alert = firing(database)["TrendcacheSyncFailing"]
    assert alert.severity == "warning"
    assert alert.summary == "spotify syncs keep failing"
    sync_runs(database, "ok")
    assert "TrendcacheSyncFailing" not in firing(database)


def test_no_ok_sync_for_twice_the_cache_duration(database: Database) -> None:
    sync_runs(database, "ok", ago=timedelta(hours=11))
    assert "TrendcacheSyncNoRecentSuccess" not in firing(database)
    assert "TrendcacheSyncNoRecentSuccess" in firing(database, cache_duration_hours=5)
    sync_runs(database, "partial", "partial")  # no success either
    assert "TrendcacheSyncNoRecentSuccess" in firing(database, cache_duration_hours=5)


def test_a_quota_pause_fires_until_it_is_over(database: Database) -> None:
    pause(database, utcnow() - timedelta(minutes=1))
    assert "TrendcacheSyncPaused" not in firing(database)
    until = (utcnow() + timedelta(hours=3)).replace(microsecond=0)
    pause(database, until)
    alert = firing(database)["TrendcacheSyncPaused"]
    assert until.isoformat() in alert.description


def test_over_80_percent_of_the_spotify_budget_is_high(database: Database) -> None:
    spotify_requests(database, 8)  # of 10: 80 % is not over
    assert "TrendcacheSpotifyBudgetHigh" not in firing(database, spotify_daily_request_budget=10)
    spotify_requests(database, 1)
    alert = firing(database, spotify_daily_request_budget=10)["TrendcacheSpotifyBudgetHigh"]
    assert "9 of 10" in alert.description


def test_an_album_due_for_over_an_hour_is_stuck(database: Database) -> None:
    due_albums(database, 3, timedelta(minutes=50))
    assert "TrendcacheEnrichmentStuck" not in firing(database)
    due_albums(database, 1, timedelta(minutes=70), prefix="old")
    assert "TrendcacheEnrichmentStuck" in firing(database)


def test_no_heartbeat_for_five_minutes_is_a_silent_worker(database: Database) -> None:
    started = utcnow() - timedelta(hours=1)
    record_heartbeat(database, "a:1", "worker", started, now=utcnow() - timedelta(minutes=9))
    silent = firing(database)["TrendcacheWorkerSilent"]
    assert "9 min" in silent.description
    record_heartbeat(database, "b:2", "serve", started, now=utcnow() - timedelta(minutes=1))
    assert "TrendcacheWorkerSilent" not in firing(database)  # one consumer is alive


def test_a_recent_musicbrainz_503_is_rate_limiting(database: Database) -> None:
    """The fact is not read yet (a hook for the upstream counters); the rule is ready."""
    now = utcnow()
    facts = read_facts(database, alert_settings(), ["spotify"], now)
    assert facts.musicbrainz_last_503 is None
    named = {alert.name for alert in evaluate(facts)}
    assert "TrendcacheMusicBrainzRateLimited" not in named
    recent = replace(facts, musicbrainz_last_503=now - timedelta(minutes=3))
    [limited] = [a for a in evaluate(recent) if a.name == "TrendcacheMusicBrainzRateLimited"]
    assert limited.severity == "critical"  # the severity alerts.yml gives it
    old = replace(facts, musicbrainz_last_503=now - timedelta(hours=1))
    assert "TrendcacheMusicBrainzRateLimited" not in {alert.name for alert in evaluate(old)}
