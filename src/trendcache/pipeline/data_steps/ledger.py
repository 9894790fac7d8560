"""Which data steps a database owes, and which ran: one `state` entry per step,
`data_step.<name>`, holding its status and the schema revision the database had when the
step was first considered (None: it had no schema).

A database owes a step when its schema was older than the step's revision: it holds data
written before the step was needed. One that had no schema holds no old data; one already
at the revision got the change inside that migration, from an older version of trendcache
(migrations held data steps then). Either way the step is recorded as not needed, so a
record exists for every step from the first upgrade on and is never considered again.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.orm import Session

from trendcache.db.migrate import has_revision
from trendcache.db.models import StateEntry
from trendcache.pipeline.data_steps.steps import DataStep
from trendcache.pipeline.state import put

PREFIX = "data_step."
OWED, RAN, NOT_NEEDED = "owed", "ran", "not needed"


def settle(session: Session, steps: Iterable[DataStep], schema_was: str | None) -> None:
    """Record, for every step never recorded, whether this database owes it."""
    for step in steps:
        if session.get(StateEntry, _name(step)) is None:
            status = OWED if owes(step, schema_was) else NOT_NEEDED
            put(session, _name(step), {"status": status, "schema_was": schema_was})


def owes(step: DataStep, schema_was: str | None) -> bool:
    if schema_was is None:
        return False
    return step.revision is None or not has_revision(schema_was, step.revision)


def status(session: Session, step: DataStep) -> str | None:
    entry = session.get(StateEntry, _name(step))
    return None if entry is None else str(entry.value["status"])


def mark_ran(session: Session, step: DataStep) -> None:
    entry = session.get(StateEntry, _name(step))
    schema_was = None if entry is None else entry.value.get("schema_was")
    put(session, _name(step), {"status": RAN, "schema_was": schema_was})


def _name(step: DataStep) -> str:
    return f"{PREFIX}{step.name}"
