"""The data steps, in the order they run: each a name (recorded once it ran, so never
renamed), the schema revision that called for it, and what it does.

A step runs after the schema is at head, in its own transaction, against today's models
and rules: it brings data written by an older version to what today's code would have
written. A step's body may change with the code it calls; its name and revision do not.
A change of data alone (new rollup rules, say) gets an empty schema revision to hang on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import update
from sqlalchemy.orm import Session

from trendcache.clock import utcnow
from trendcache.db.models import EnrichmentState
from trendcache.pipeline.enrichment.claims import automatic
from trendcache.pipeline.history.rollups import rebuild_rollups

DECIDED = ("matched", "needs_review", "no_match")


@dataclass(frozen=True)
class DataStep:
    name: str
    revision: str  # owed by a database upgraded across it
    run: Callable[[Session], object]


def match_levels(session: Session) -> None:
    """Stored matches named a release, or nothing: they become release-level. The matcher
    that made them could take another country's pressing, or one of two barcode twins, for
    the album's own release: every decided album comes due, so today's matcher decides it
    again (its stored match stays on show until then; the response cache answers what was
    asked before)."""
    state = EnrichmentState
    matched = state.status == "matched"
    unchanged = {"updated_at": state.updated_at}  # as under 0009: no match itself changed
    session.execute(
        update(state)
        .where(matched, state.release_mbid.is_not(None))
        .values(level="release", **unchanged)
    )
    session.execute(
        update(state)
        .where(matched, state.release_mbid.is_(None), state.release_group_mbid.is_not(None))
        .values(level="release_group", **unchanged)
    )
    session.execute(
        update(state)
        .where(state.status.in_(DECIDED), automatic())  # an operator's decision stays theirs
        .values(next_attempt_at=utcnow(), **unchanged)
    )


STEPS: tuple[DataStep, ...] = (
    # Album spans, debuts and totals from the days, charts and credits of an older history.
    DataStep("rollups", "0007", rebuild_rollups),
    DataStep("match_levels", "0009", match_levels),
)
