"""Upgrading an old database: the schema goes to head, then the data steps it owes bring its
data to what today's syncs would have written; once, even when several processes start at
once, and again after a run killed half-way. On both databases."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import inspect, select, update
from sqlalchemy.orm import Session

from tests.pipeline.data_steps.old_history import downgrade, rollups, write_history
from trendcache.clock import utcnow
from trendcache.db import Database
from trendcache.db.migrate import upgrade
from trendcache.db.models import EnrichmentState, StateEntry
from trendcache.pipeline.data_steps.prepare import prepare_database
from trendcache.pipeline.data_steps.steps import STEPS, DataStep
from trendcache.pipeline.history.rollups import rebuild_rollups
from trendcache.pipeline.state import StateStore, put

EVERY_STEP = [step.name for step in STEPS]


class Killed(Exception):
    """The process died here."""


def ledger(database: Database) -> dict[str, str]:
    with database.session() as session:
        entries = session.scalars(select(StateEntry).where(StateEntry.name.like("data_step.%")))
        return {entry.name: entry.value["status"] for entry in entries}


def add_decided_album(database: Database, due: timedelta) -> None:
    with database.writer() as session:
        session.add(
            EnrichmentState(
                album_id="album0",
                status="matched",
                release_mbid="rel",
                release_group_mbid="grp",
                next_attempt_at=utcnow() + due,
            )
        )


def due_at(database: Database) -> object:
    with database.session() as session:
        return session.scalar(select(EnrichmentState.next_attempt_at))


def test_an_old_history_gets_the_rollups_its_syncs_would_have_left(
    old_database: Database,
) -> None:
    write_history(old_database)
    left_by_syncs = rollups(old_database)
    assert all(left_by_syncs.values())
    downgrade(old_database, "0006")  # before the rollups
    assert "album_spans" not in inspect(old_database.engine).get_table_names()
    assert prepare_database(old_database) == EVERY_STEP
    assert rollups(old_database) == left_by_syncs
    assert set(ledger(old_database).values()) == {"ran"}


def test_the_migrations_alone_change_no_data_and_the_next_start_runs_the_steps(
    old_database: Database,
) -> None:
    """Schema only: 0007 makes empty rollup tables. Whoever upgraded (`trendcache migrate`),
    the upgrade recorded where it came from, so the next start still owes the steps."""
    write_history(old_database)
    left_by_syncs = rollups(old_database)
    downgrade(old_database, "0006")
    upgrade(old_database)
    assert not any(rollups(old_database).values())
    assert prepare_database(old_database) == EVERY_STEP
    assert rollups(old_database) == left_by_syncs


def test_a_second_start_changes_nothing(old_database: Database) -> None:
    write_history(old_database)
    add_decided_album(old_database, due=timedelta(days=3650))
    downgrade(old_database, "0006")
    prepare_database(old_database)
    asked_again = utcnow() + timedelta(days=30)  # the matcher decided it again since
    with old_database.writer() as session:
        session.execute(update(EnrichmentState).values(next_attempt_at=asked_again))
    before = rollups(old_database), ledger(old_database)
    assert prepare_database(old_database) == []
    assert (rollups(old_database), ledger(old_database)) == before
    assert due_at(old_database) == asked_again


def test_a_step_killed_half_way_stays_owed_and_runs_at_the_next_start(
    old_database: Database,
) -> None:
    write_history(old_database)
    left_by_syncs = rollups(old_database)
    downgrade(old_database, "0006")

    def rebuild_then_die(session: Session) -> None:
        rebuild_rollups(session)
        raise Killed

    killed = (DataStep("rollups", "0007", rebuild_then_die), *STEPS[1:])
    with pytest.raises(Killed):
        prepare_database(old_database, killed)
    assert not any(rollups(old_database).values())  # rolled back with the step
    assert ledger(old_database) == {"data_step.rollups": "owed", "data_step.match_levels": "owed"}
    assert prepare_database(old_database) == EVERY_STEP
    assert rollups(old_database) == left_by_syncs


def test_a_new_database_owes_nothing(old_database: Database) -> None:
    downgrade(old_database, "base")
    assert prepare_database(old_database) == []
    assert set(ledger(old_database).values()) == {"not needed"}


def test_a_database_an_older_version_brought_to_head_owes_nothing(database: Database) -> None:
    """Its migrations held the data steps then: every decided album is not asked again."""
    add_decided_album(database, due=timedelta(days=3650))
    due = due_at(database)
    assert prepare_database(database) == []
    assert set(ledger(database).values()) == {"not needed"}
    assert due_at(database) == due


def test_processes_starting_at_once_run_each_step_once(old_database: Database) -> None:
    downgrade(old_database, "0006")

    def counted(session: Session) -> None:
        done = session.get(StateEntry, "test.runs")
        put(session, "test.runs", {"count": 1 + (done.value["count"] if done else 0)})

    url = old_database.url.render_as_string(hide_password=False)
    start = threading.Barrier(2)
    ran: list[list[str]] = []

    def process() -> None:
        database = Database(url)  # a process's own engine and pool
        try:
            start.wait()
            ran.append(prepare_database(database, (DataStep("counted", "0007", counted),)))
        finally:
            database.dispose()

    threads = [threading.Thread(target=process) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(ran) == [[], ["counted"]]
    assert StateStore(old_database).get("test.runs") == {"count": 1}
