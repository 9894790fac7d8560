"""`prepare_database`: what every command that opens a database calls first.

The schema goes to head (recording where it came from, in its transaction); the ledger
decides which data steps that upgrade calls for; each owed step runs in a transaction of
its own that also records it. Killed in a step, a process leaves it owed, its work rolled
back, and the next start runs it. All under the migration lock: of several processes
starting at once, one brings the database up to date and the others find it done.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from trendcache.db import Database
from trendcache.db.migrate import migration_lock, upgrade_schema
from trendcache.pipeline.data_steps.ledger import OWED, mark_ran, settle, status
from trendcache.pipeline.data_steps.steps import STEPS, DataStep

log = logging.getLogger(__name__)


def prepare_database(database: Database, steps: Sequence[DataStep] = STEPS) -> list[str]:
    """The schema at head and every owed data step run, in order; the names of those run."""
    with migration_lock(database):
        with database.engine.begin() as connection:
            upgrade_schema(connection)
        with database.writer() as session:
            settle(session, steps)
        return [step.name for step in steps if _run_if_owed(database, step)]


def _run_if_owed(database: Database, step: DataStep) -> bool:
    with database.writer() as session:
        if status(session, step) != OWED:
            return False
        log.info("running data step %s (for schema revision %s)", step.name, step.revision)
        step.run(session)
        mark_ran(session, step)
    return True
