"""The alert conditions of deploy/prometheus/alerts.yml, decided from `Facts` alone.

Pure: the same facts always give the same alerts, so each rule is tested from rows without
a clock. Names and severities are Prometheus's; where a rule there waits (`for: 5m`), the
threshold here is already long enough that the wait would change nothing but the `since`.
`TrendcacheDown` and a failing `/healthz` need an observer outside the process: they stay
Prometheus's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from trendcache.pipeline.alerts.backlog import GROWING_WINDOW, growing_since
from trendcache.pipeline.alerts.facts import FAILURES_IN_A_ROW, Facts

BUDGET_HIGH = 0.8  # of SPOTIFY_DAILY_REQUEST_BUDGET
ENRICHMENT_STUCK = timedelta(hours=1)
WORKER_SILENT = timedelta(minutes=5)
MUSICBRAINZ_503_RECENT = timedelta(minutes=15)
CRITICAL, WARNING = "critical", "warning"


@dataclass(frozen=True)
class Alert:
    name: str  # the Prometheus alert's name
    severity: str  # critical | warning
    summary: str
    description: str
    since: datetime  # when the condition began, as far as the facts tell


Rule = Callable[[Facts], Alert | None]


def evaluate(facts: Facts) -> list[Alert]:
    """Every condition that holds now, in the order of alerts.yml."""
    return [alert for rule in RULES if (alert := rule(facts)) is not None]


def data_stale(facts: Facts) -> Alert | None:
    limit = timedelta(seconds=2 * facts.cache_duration_seconds)
    stale = sorted(
        (cached for cached in facts.cached if facts.now - cached.fetched_at > limit),
        key=lambda cached: cached.fetched_at,
    )
    if not stale:
        return None
    keys = ", ".join(cached.key for cached in stale)
    oldest = stale[0]
    return Alert(
        "TrendcacheDataStale",
        CRITICAL,
        "Cached data is older than twice CACHE_DURATION_HOURS",
        f"{keys}: the oldest was fetched {ago(facts.now, oldest.fetched_at)} ago; every sync "
        "since has failed or none ran. Readers see old data.",
        oldest.fetched_at + limit,
    )


def sync_failing(facts: Facts) -> Alert | None:
    failing = {
        source: endings
        for source, endings in sorted(facts.endings.items())
        if len(endings) >= FAILURES_IN_A_ROW
        and all(ending.status == "failed" for ending in endings[:FAILURES_IN_A_ROW])
    }
    if not failing:
        return None
    sources = ", ".join(failing)
    third = [endings[FAILURES_IN_A_ROW - 1].finished_at for endings in failing.values()]
    return Alert(
        "TrendcacheSyncFailing",
        WARNING,
        f"{sources} syncs keep failing",
        f"The last {FAILURES_IN_A_ROW} {sources} syncs failed, none succeeded between them.",
        min((when for when in third if when is not None), default=facts.now),
    )


def sync_no_recent_success(facts: Facts) -> Alert | None:
    limit = timedelta(seconds=2 * facts.cache_duration_seconds)
    late = {s: at for s, at in sorted(facts.last_successes.items()) if facts.now - at > limit}
    if not late:
        return None
    oldest = min(late.values())
    return Alert(
        "TrendcacheSyncNoRecentSuccess",
        WARNING,
        f"No successful {', '.join(late)} sync for over twice CACHE_DURATION_HOURS",
        f"The last ok {', '.join(late)} sync finished {ago(facts.now, oldest)} ago.",
        oldest + limit,
    )


def sync_paused(facts: Facts) -> Alert | None:
    paused = {s: until for s, until in sorted(facts.paused_until.items()) if until}
    if not paused:
        return None
    until = max(paused.values())
    return Alert(
        "TrendcacheSyncPaused",
        WARNING,
        f"Syncs from {', '.join(paused)} are paused",
        f"{', '.join(paused)} answered with a quota or a long Retry-After; no sync may call "
        f"it until {until.isoformat(timespec='seconds')}.",
        facts.now,
    )


def spotify_budget_high(facts: Facts) -> Alert | None:
    budget = facts.spotify_budget
    if budget.limit <= 0 or budget.used / budget.limit <= BUDGET_HIGH:
        return None
    return Alert(
        "TrendcacheSpotifyBudgetHigh",
        WARNING,
        "Over 80 % of the Spotify daily request budget is used",
        f"{budget.used} of {budget.limit} requests (SPOTIFY_DAILY_REQUEST_BUDGET) went in the "
        "rolling 24 hours; at 100 % syncs stop.",
        facts.now,
    )


def enrichment_backlog_growing(facts: Facts) -> Alert | None:
    since = growing_since(facts.queue_samples, facts.now)
    if since is None:
        return None
    minutes = int(GROWING_WINDOW.total_seconds() // 60)
    return Alert(
        "TrendcacheEnrichmentBacklogGrowing",
        WARNING,
        f"The enrichment queue has been growing for {minutes} minutes",
        f"{facts.queue.due} albums are due for a MusicBrainz lookup; the queue has not "
        f"emptied since {since.isoformat(timespec='seconds')} and is not draining.",
        since,
    )


def enrichment_stuck(facts: Facts) -> Alert | None:
    oldest = facts.queue.oldest_due_at
    if oldest is None or facts.now - oldest <= ENRICHMENT_STUCK:
        return None
    return Alert(
        "TrendcacheEnrichmentStuck",
        WARNING,
        "An album has waited over an hour for enrichment",
        f"The longest-waiting due album has been due for {ago(facts.now, oldest)}.",
        oldest + ENRICHMENT_STUCK,
    )


def worker_silent(facts: Facts) -> Alert | None:
    newest = facts.newest_heartbeat
    if newest is None or facts.now - newest <= WORKER_SILENT:
        return None
    return Alert(
        "TrendcacheWorkerSilent",
        WARNING,
        "No queue consumer has recorded a heartbeat for over 5 minutes",
        f"The newest worker heartbeat is {ago(facts.now, newest)} old: syncs and enrichment "
        "are not running.",
        newest + WORKER_SILENT,
    )


def musicbrainz_rate_limited(facts: Facts) -> Alert | None:
    last = facts.musicbrainz_last_503
    if last is None or facts.now - last > MUSICBRAINZ_503_RECENT:
        return None
    return Alert(
        "TrendcacheMusicBrainzRateLimited",
        CRITICAL,  # as in alerts.yml: we must never be rate-limited
        "MusicBrainz answered 503: we were rate-limited",
        f"MusicBrainz refused a request with 503 {ago(facts.now, last)} ago; we must never "
        "be rate-limited (check MUSICBRAINZ_RATE and the processes sharing the limiter).",
        last,
    )


RULES: tuple[Rule, ...] = (
    data_stale,
    sync_failing,
    sync_no_recent_success,
    sync_paused,
    spotify_budget_high,
    enrichment_backlog_growing,
    enrichment_stuck,
    worker_silent,
    musicbrainz_rate_limited,
)


def ago(now: datetime, then: datetime) -> str:
    """A duration as people say it: 45 s, 12 min, 3 h 20 min, 2 d 4 h."""
    seconds = max(0, int((now - then).total_seconds()))
    if seconds < 60:
        return f"{seconds} s"
    minutes, hours, days = seconds // 60, seconds // 3600, seconds // 86400
    if hours < 1:
        return f"{minutes} min"
    if days < 1:
        return f"{hours} h {minutes % 60} min" if minutes % 60 else f"{hours} h"
    return f"{days} d {hours % 24} h" if hours % 24 else f"{days} d"
