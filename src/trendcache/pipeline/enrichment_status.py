"""How far enrichment has got: counts per state, what is due, and why it may be off."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from trendcache.db import Database
from trendcache.db.models import EnrichmentState, StateEntry
from trendcache.db.types import utcnow

STATUSES = ("pending", "matched", "needs_review", "no_match", "error")
DISABLED = "musicbrainz.disabled"


@dataclass(frozen=True)
class EnrichmentStatus:
    counts: dict[str, int]
    due: int
    working: int
    disabled: str | None
    last_decided_at: datetime | None

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def as_json(self) -> dict[str, Any]:
        return {
            "counts": self.counts,
            "total": self.total,
            "due": self.due,
            "working": self.working,
            "done": self.total - self.counts["pending"] - self.counts["error"],
            "disabled": self.disabled,
            "lastDecidedAt": self.last_decided_at.isoformat() if self.last_decided_at else None,
        }


def read_enrichment_status(database: Database) -> EnrichmentStatus:
    now = utcnow()
    state = EnrichmentState
    with database.session() as session:
        counts = dict.fromkeys(STATUSES, 0) | dict(
            session.execute(select(state.status, func.count()).group_by(state.status)).all()
        )
        due = session.scalar(
            select(func.count()).where(
                state.status.in_(("pending", "no_match", "error", "needs_review")),
                state.next_attempt_at <= now,
            )
        )
        working = session.scalar(
            select(func.count()).where(state.batch_id.is_not(None), state.claimed_until >= now)
        )
        disabled = session.scalar(select(StateEntry.value).where(StateEntry.name == DISABLED))
        last = session.scalar(select(func.max(state.updated_at)).where(state.status != "pending"))
    return EnrichmentStatus(
        counts=counts,
        due=int(due or 0),
        working=int(working or 0),
        disabled=(disabled or {}).get("reason"),
        last_decided_at=last,
    )
