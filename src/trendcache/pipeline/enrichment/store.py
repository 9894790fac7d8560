"""Writing enrichment outcomes: per-album state, and the seed's `CacheData.metadata`.

The seed keeps `processed` (album ids tried) and `mbMatches` (id → match) in the trending
cache row's metadata; we do the same for every `spotify_trending*` row, from the
per-album state, so the read path finds MusicBrainz ids beside the data it serves.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from trendcache.clock import utcnow
from trendcache.db import Database
from trendcache.db.models import CacheData, EnrichmentState
from trendcache.musicbrainz.outcome import Outcome
from trendcache.pipeline.enrichment.claims import OPERATOR, automatic
from trendcache.pipeline.keys import TRENDING
from trendcache.tally import CounterDef, Tally
from trendcache.text import recordable

NEVER = timedelta(days=3650)
REVIEW_AGAIN = timedelta(days=30)
NOT_HYDRATED_AGAIN = timedelta(hours=1)
DECISIONS = CounterDef(
    "trendcache_enrichment_decisions_total",
    "Automatic MusicBrainz decisions stored, by status and level (level only when matched).",
    ("status", "level"),
)


def next_attempt(status: str, attempts: int, now: datetime, level: str | None = None) -> datetime:
    """When to look again: no match grows with MusicBrainz (days), errors pass (minutes),
    a release group whose release is unknown as reviews do (MusicBrainz may gain it)."""
    if status == "matched":
        return now + (NEVER if level == "release" else REVIEW_AGAIN)
    if status == "needs_review":
        return now + REVIEW_AGAIN
    if status == "no_match":
        return now + min(timedelta(days=2 ** (attempts - 1)), timedelta(days=30))
    return now + min(timedelta(minutes=5 * 2 ** (attempts - 1)), timedelta(hours=6))


def store_outcomes(session: Session, outcomes: dict[str, Outcome], now: datetime) -> None:
    """Each album's decision, unless an operator decided it while its batch ran."""
    for album_id, outcome in outcomes.items():
        row = session.get_one(EnrichmentState, album_id)
        if row.method == OPERATOR:
            continue
        decision = outcome.decision
        row.attempts += 1
        row.status = decision.status
        row.level = outcome.level
        row.method = decision.method
        row.confidence = decision.confidence if decision.status != "no_match" else None
        row.release_mbid = outcome.release_mbid
        row.release_group_mbid = outcome.release_group_mbid
        row.result = outcome.as_json() | {"decidedAt": now.isoformat()}
        row.next_attempt_at = next_attempt(decision.status, row.attempts, now, outcome.level)
        row.batch_id = row.claimed_until = row.last_error = row.steps_done = None


def count_decisions(tally: Tally, outcomes: list[Outcome]) -> None:
    """Count decisions `store_outcomes` wrote, once their transaction committed."""
    for outcome in outcomes:
        status = outcome.decision.status
        tally.inc(DECISIONS, status, (outcome.level or "") if status == "matched" else "")


def steps_done(database: Database, batch_id: str) -> list[str]:
    """The steps a resumed batch already went through (all its undecided albums agree)."""
    with database.session() as session:
        done = session.scalar(
            select(EnrichmentState.steps_done).where(EnrichmentState.batch_id == batch_id).limit(1)
        )
    return list(done or [])


def step_done(database: Database, batch_id: str, step: str) -> None:
    with database.writer() as session:
        rows = session.scalars(select(EnrichmentState).where(EnrichmentState.batch_id == batch_id))
        for row in rows:
            row.steps_done = [*(row.steps_done or []), step]


def release(session: Session, batch_id: str, delay: timedelta, error: str | None) -> None:
    """Hand a batch's undecided albums back: not yet hydrated, or the batch failed (error)."""
    now = utcnow()
    rows = session.scalars(select(EnrichmentState).where(EnrichmentState.batch_id == batch_id))
    for row in rows:
        if row.method == OPERATOR:  # decided by an operator while the batch ran: theirs
            continue
        if error is not None:
            _failed(row, error, now)
        else:
            row.next_attempt_at = now + delay
            row.last_error = None
            row.batch_id = row.claimed_until = row.steps_done = None


def fail(session: Session, album_ids: list[str], error: str) -> None:
    """These albums out of their batch with `error`, tried again as after a failed batch
    (a decision the database refused, say), while the batch goes on with the rest."""
    now = utcnow()
    rows = session.scalars(
        select(EnrichmentState).where(EnrichmentState.album_id.in_(album_ids), automatic())
    )
    for row in rows:
        _failed(row, error, now)


def _failed(row: EnrichmentState, error: str, now: datetime) -> None:
    row.attempts += 1
    row.status = "error" if row.status == "pending" else row.status
    row.next_attempt_at = next_attempt("error", row.attempts, now)
    row.last_error = recordable(error)  # it may quote MusicBrainz, or the refused data
    row.batch_id = row.claimed_until = row.steps_done = None


def match_summary(row: EnrichmentState) -> dict[str, Any]:
    return {
        "status": row.status,
        "level": row.level,
        "releaseMbid": row.release_mbid,
        "releaseGroupMbid": row.release_group_mbid,
        "artistMbids": (row.result or {}).get("artistMbids", []),
        "method": row.method,
        "confidence": row.confidence,
    }


def refresh_seed_metadata(session: Session, views: dict[str, dict[str, Any]] | None = None) -> None:
    """`views` (key → data) saves re-reading views the caller has just written."""
    if views is None:
        stored = session.execute(
            select(CacheData.key, CacheData.data).where(CacheData.key.like(f"{TRENDING}%"))
        ).all()
        views = dict(stored)
    # In key order, as a sync writes them: two writers locking the same rows in different
    # orders deadlock (a sync and a worker's decision did, on PostgreSQL).
    for key, data in sorted(views.items()):
        ids = {a["id"] for section in ("newReleases", "popularAlbums") for a in data[section]}
        rows = session.scalars(
            select(EnrichmentState).where(
                EnrichmentState.album_id.in_(ids), EnrichmentState.status != "pending"
            )
        ).all()
        metadata = {
            "processed": sorted(row.album_id for row in rows),
            "mbMatches": {row.album_id: match_summary(row) for row in rows},
        }
        session.execute(update(CacheData).where(CacheData.key == key).values(meta=metadata))
