"""Which albums a worker enriches next, so two workers never take the same album.

A batch is a set of due albums claimed under one id until a deadline the worker keeps
pushing back. A batch whose worker died (deadline passed, rows still carry its id) is
taken up again whole before any new batch is formed: the same albums ask MusicBrainz the
same questions, and the response cache answers those already asked. On PostgreSQL rows are
locked with SKIP LOCKED; SQLite serialises claimers with BEGIN IMMEDIATE.
"""

from __future__ import annotations

import secrets
import threading
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, or_, select, update

from trendcache.clock import utcnow
from trendcache.db import Database
from trendcache.db.models import EnrichmentState

# Every status may come due: a release-level match is due in ten years, a group-level one
# (its release unknown) when MusicBrainz may have gained the release.
DUE = ("pending", "no_match", "error", "needs_review", "matched")
LEASE = timedelta(seconds=60)
# The method of a decision an admin took (`review.py`): never due, never claimed again.
OPERATOR = "operator"


def automatic() -> ColumnElement[bool]:
    """The albums no operator has decided: the only ones any automatic run may touch."""
    method = EnrichmentState.method
    return or_(method.is_(None), method != OPERATOR)


def due_at(now: datetime) -> ColumnElement[bool]:
    """The albums due for an attempt at `now` (first, again, or re-deciding a group match);
    an operator's decision never is."""
    return and_(
        EnrichmentState.status.in_(DUE), EnrichmentState.next_attempt_at <= now, automatic()
    )


def claim_batch(database: Database, size: int, lease: timedelta = LEASE) -> tuple[str, list[str]]:
    """(batch id, album ids); no album ids when nothing is due."""
    now = utcnow()
    with database.writer() as session:
        orphaned = session.scalar(
            select(EnrichmentState.batch_id)
            .where(EnrichmentState.batch_id.is_not(None), EnrichmentState.claimed_until < now)
            .limit(1)
        )
        if orphaned is not None:
            batch_id = orphaned
            albums = select(EnrichmentState.album_id).where(EnrichmentState.batch_id == batch_id)
        else:
            batch_id = secrets.token_hex(8)
            albums = (
                select(EnrichmentState.album_id)
                .where(
                    due_at(now),
                    or_(EnrichmentState.batch_id.is_(None), EnrichmentState.claimed_until < now),
                )
                .order_by(EnrichmentState.queued_at, EnrichmentState.album_id)
                .limit(size)
                .with_for_update(skip_locked=True)
            )
        album_ids = list(session.scalars(albums))
        if album_ids:
            session.execute(
                update(EnrichmentState)
                .where(EnrichmentState.album_id.in_(album_ids))
                .values(batch_id=batch_id, claimed_until=now + lease)
            )
    return batch_id, album_ids


def extend_claim(database: Database, batch_id: str, lease: timedelta = LEASE) -> None:
    with database.writer() as session:
        session.execute(
            update(EnrichmentState)
            .where(EnrichmentState.batch_id == batch_id)
            .values(claimed_until=utcnow() + lease)
        )


class ClaimKeeper:
    """Pushes a batch's deadline back while the worker is alive."""

    def __init__(self, database: Database, batch_id: str, lease: timedelta = LEASE) -> None:
        self.database, self.batch_id, self.lease = database, batch_id, lease
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="enrich-claim", daemon=True)

    def __enter__(self) -> ClaimKeeper:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(self.lease.total_seconds() / 3):
            extend_claim(self.database, self.batch_id, self.lease)
