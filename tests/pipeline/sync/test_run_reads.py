"""The sync reads the metrics make: runs by source, trigger and outcome, last successes,
durations, pauses and the budget, on both databases."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from trendcache.clock import utcnow
from trendcache.db import Database
from trendcache.db.models import SyncRun, UpstreamRequest
from trendcache.pipeline.state import StateStore, quota_pause_key
from trendcache.pipeline.sync.run_reads import (
    Pause,
    RunEnding,
    active_pauses,
    budget_use,
    last_successes,
    latest_endings,
    pause_reason,
    paused_until,
    recent_runs,
    run_durations,
    runs_by_outcome,
)


def record_runs(database: Database) -> datetime:
    """Six runs from two hours ago, a few minutes apart; returns when the first started."""
    start = utcnow().replace(microsecond=0) - timedelta(hours=2)
    with database.writer() as session:
        for minutes, source, trigger, status, took in [
            (0, "spotify", "schedule", "ok", 30),
            (10, "spotify", "schedule", "failed", 5),
            (20, "spotify", "cli", "ok", 90),
            (30, "spotify", "api", "partial", 40),
            (40, "charts", "schedule", "failed", 2),
            (50, "spotify", "schedule", "running", None),
        ]:
            started = start + timedelta(minutes=minutes)
            finished = None if took is None else started + timedelta(seconds=took)
            session.add(
                SyncRun(
                    source=source,
                    key="k",
                    trigger=trigger,
                    status=status,
                    started_at=started,
                    finished_at=finished,
                )
            )
    return start


def test_ended_runs_are_counted_by_source_trigger_and_outcome(database: Database) -> None:
    record_runs(database)
    assert runs_by_outcome(database) == {
        ("spotify", "schedule", "ok"): 1,
        ("spotify", "schedule", "failed"): 1,
        ("spotify", "cli", "ok"): 1,
        ("spotify", "api", "partial"): 1,
        ("charts", "schedule", "failed"): 1,
    }  # the running one counts once it ends: a counter never goes down


def test_the_last_success_is_the_newest_ok_run_of_each_source(database: Database) -> None:
    start = record_runs(database)
    # the cli run at minute 20 took 90 s; the partial one after it is no success
    assert last_successes(database) == {"spotify": start + timedelta(minutes=20, seconds=90)}


def test_the_latest_endings_are_each_sources_newest_ended_runs(database: Database) -> None:
    start = record_runs(database)

    def ended(minutes: int, took: int) -> datetime:
        return start + timedelta(minutes=minutes, seconds=took)

    assert latest_endings(
        database, ["spotify", "charts", "none"], 2
    ) == {  # newest first; the running one has no ending
        "spotify": [RunEnding("partial", ended(30, 40)), RunEnding("ok", ended(20, 90))],
        "charts": [RunEnding("failed", ended(40, 2))],
    }


def test_durations_of_finished_runs_are_counted_into_buckets_by_source(
    database: Database,
) -> None:
    record_runs(database)  # spotify's finished runs took 30, 5, 90 and 40 s; charts' 2 s
    durations = run_durations(database, [1, 5, 30, 60, 3600])
    spotify = durations["spotify"]
    assert spotify.count == 4  # the running one has no duration yet
    assert abs(spotify.total - 165) < 0.01
    assert spotify.within == {1: 0, 5: 1, 30: 2, 60: 3, 3600: 4}
    assert durations["charts"].count == 1
    assert durations["charts"].within == {1: 0, 5: 1, 30: 1, 60: 1, 3600: 1}


def test_a_source_is_paused_until_its_pause_ends(database: Database) -> None:
    state = StateStore(database)
    until = (utcnow() + timedelta(hours=4)).replace(microsecond=0)
    state.set(quota_pause_key("spotify"), {"until": until.isoformat(), "message": "quota"})
    over = (utcnow() - timedelta(minutes=1)).isoformat()
    state.set(quota_pause_key("charts"), {"until": over, "message": "quota"})
    assert paused_until(database, ["spotify", "charts", "other"]) == {
        "spotify": until,
        "charts": None,  # its pause is over
        "other": None,
    }


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        (
            "Spotify's daily request quota is used up; syncing resumes at 2026-12-05 04:00 UTC",
            "quota",
        ),
        ("quota exceeded", "quota"),
        (
            "Spotify asked us to wait 7200 s, longer than SPOTIFY_MAX_RETRY_AFTER_SECONDS (60 s)",
            "retry_after",
        ),
        ("Spotify still rate-limited us after 5 attempts", "retry_after"),
        ("something else", "other"),
    ],
)
def test_a_pause_says_why_in_one_word(message: str, reason: str) -> None:
    assert pause_reason(message) == reason


def test_an_active_pause_carries_its_reason(database: Database) -> None:
    until = (utcnow() + timedelta(hours=1)).replace(microsecond=0)
    message = "Spotify asked us to wait 3600 s, longer than SPOTIFY_MAX_RETRY_AFTER_SECONDS"
    StateStore(database).set(
        quota_pause_key("spotify"), {"until": until.isoformat(), "message": message}
    )
    assert active_pauses(database, ["spotify", "other"]) == {
        "spotify": Pause(until, "retry_after"),
        "other": None,
    }


def test_the_budget_counts_the_services_requests_in_the_last_day(database: Database) -> None:
    with database.writer() as session:
        session.add_all(UpstreamRequest(service="spotify", status=200) for _ in range(3))
        session.add(UpstreamRequest(service="spotify", status=200, at=utcnow() - timedelta(days=2)))
        session.add(UpstreamRequest(service="musicbrainz", status=200))
    use = budget_use(database, "spotify", 10)
    assert (use.used, use.left) == (3, 7)
    assert budget_use(database, "spotify", 2).left == 0  # never below nothing


def test_recent_runs_are_newest_first_with_their_markets_and_durations(
    database: Database,
) -> None:
    record_runs(database)
    finished = utcnow().replace(microsecond=0)
    with database.writer() as session:
        session.add(
            SyncRun(
                source="spotify",
                key="spotify_new_releases:US,spotify_new_releases:GB",
                trigger="admin",
                status="ok",
                requests=3,
                albums=7,
                started_at=finished - timedelta(seconds=12),
                finished_at=finished,
            )
        )
    newest, running, *_rest = recent_runs(database, limit=5)
    assert (newest.trigger, newest.markets, newest.requests, newest.albums) == (
        "admin",
        ["US", "GB"],
        3,
        7,
    )
    assert newest.seconds == 12.0
    assert (running.status, running.seconds) == ("running", None)
    assert len(recent_runs(database, limit=5)) == 5
