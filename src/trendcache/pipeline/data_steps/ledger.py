"""Which data steps a database owes, and which ran: one `state` entry per step,
`data_step.<name>`, holding its status and the revision the upgrade it was decided on
started from.

A database owes a step when an upgrade took it across the step's revision: it holds data
written before the step was needed. With no upgrade recorded (`UPGRADED_FROM`), it was
created at the revision or later, or an older trendcache upgraded it, whose migrations made
the change themselves: the step is recorded as not needed. A step once recorded is never
decided again.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.orm import Session

from trendcache.db.migrate import UPGRADED_FROM, has_revision
from trendcache.db.models import StateEntry
from trendcache.pipeline.data_steps.steps import DataStep
from trendcache.pipeline.state import put

PREFIX = "data_step."
OWED, RAN, NOT_NEEDED = "owed", "ran", "not needed"


def settle(session: Session, steps: Iterable[DataStep]) -> None:
    """Record, for every step never recorded, whether this database owes it; forget the
    upgrade that was decided on."""
    upgrade = session.get(StateEntry, UPGRADED_FROM)
    upgraded_from = None if upgrade is None else upgrade.value["revision"]
    for step in steps:
        if session.get(StateEntry, _name(step)) is None:
            decided = OWED if owes(step, upgraded_from) else NOT_NEEDED
            put(session, _name(step), {"status": decided, "upgraded_from": upgraded_from})
    if upgrade is not None:
        session.delete(upgrade)


def owes(step: DataStep, upgraded_from: str | None) -> bool:
    return upgraded_from is not None and not has_revision(upgraded_from, step.revision)


def status(session: Session, step: DataStep) -> str | None:
    entry = session.get(StateEntry, _name(step))
    return None if entry is None else str(entry.value["status"])


def mark_ran(session: Session, step: DataStep) -> None:
    entry = session.get(StateEntry, _name(step))
    upgraded_from = None if entry is None else entry.value.get("upgraded_from")
    put(session, _name(step), {"status": RAN, "upgraded_from": upgraded_from})


def _name(step: DataStep) -> str:
    return f"{PREFIX}{step.name}"
