"""How far enrichment has got: counts per state, what is due, and why it may be off."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, select

from trendcache.clock import utcnow
from trendcache.db import Database
from trendcache.db.models import EnrichmentState, StateEntry
from trendcache.pipeline.enrichment.claims import due_at

STATUSES = ("pending", "matched", "needs_review", "no_match", "error")
LEVELS = ("release", "release_group")
# Coverage tells the two levels apart: a match that names the release, and one that names
# only the release group (the release unknown).
MATCHED_RELEASE, MATCHED_GROUP = "matched_release", "matched_release_group"
COVERAGE_STATUSES = (MATCHED_RELEASE, MATCHED_GROUP, "needs_review", "no_match", "pending", "error")


def coverage_status() -> ColumnElement[str]:
    """An album's state as coverage counts it: its status, matched split by level."""
    state = EnrichmentState
    return case(
        (and_(state.status == "matched", state.level == "release_group"), MATCHED_GROUP),
        (state.status == "matched", MATCHED_RELEASE),
        else_=state.status,
    )


DISABLED = "musicbrainz.disabled"


@dataclass(frozen=True)
class EnrichmentStatus:
    counts: dict[str, int]
    levels: dict[str, int]  # matched albums by level: release, or release group only
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
            "levels": self.levels,
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
        levels = dict.fromkeys(LEVELS, 0)
        for level, count in session.execute(
            select(state.level, func.count())
            .where(state.status == "matched", state.level.is_not(None))
            .group_by(state.level)
        ).all():
            levels[level or ""] = count
        due = session.scalar(select(func.count()).where(due_at(now)))
        working = session.scalar(
            select(func.count()).where(state.batch_id.is_not(None), state.claimed_until >= now)
        )
        disabled = session.scalar(select(StateEntry.value).where(StateEntry.name == DISABLED))
        last = session.scalar(select(func.max(state.updated_at)).where(state.status != "pending"))
    return EnrichmentStatus(
        counts=counts,
        levels=levels,
        due=int(due or 0),
        working=int(working or 0),
        disabled=(disabled or {}).get("reason"),
        last_decided_at=last,
    )
