"""The enrichment queue as the metrics read it at scrape time: albums by status and level,
how many are due now, and how long the oldest due one has waited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from trendcache.clock import utcnow
from trendcache.db import Database
from trendcache.db.models import EnrichmentState
from trendcache.pipeline.enrichment.claims import due_at
from trendcache.pipeline.enrichment.status import LEVELS, STATUSES


@dataclass(frozen=True)
class QueueReading:
    albums: dict[tuple[str, str], int]  # by (status, level); level "" unless matched
    due: int
    oldest_due_at: datetime | None  # when the longest-waiting due album fell due

    def oldest_due_seconds(self, now: datetime) -> float:
        """How long the oldest due album has waited; 0 when none is due."""
        if self.oldest_due_at is None:
            return 0.0
        return max(0.0, (now - self.oldest_due_at).total_seconds())


def read_queue(database: Database) -> QueueReading:
    """Every status (and each matched level) appears, at 0 when no album is in it."""
    now = utcnow()
    state = EnrichmentState
    albums = {(status, ""): 0 for status in STATUSES if status != "matched"}
    albums |= {("matched", level): 0 for level in LEVELS}
    with database.session() as session:
        for status, level, count in session.execute(
            select(state.status, state.level, func.count()).group_by(state.status, state.level)
        ):
            shown = (status, (level or "") if status == "matched" else "")
            albums[shown] = albums.get(shown, 0) + count
        due, oldest = session.execute(
            select(func.count(), func.min(state.next_attempt_at)).where(due_at(now))
        ).one()
    return QueueReading(albums=albums, due=int(due or 0), oldest_due_at=oldest)
