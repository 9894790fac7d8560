"""A database owes a data step when an upgrade took it across the step's revision."""

from __future__ import annotations

from trendcache.pipeline.data_steps.ledger import owes
from trendcache.pipeline.data_steps.steps import DataStep

STEP = DataStep("example", "0007", lambda session: None)


def test_an_upgrade_from_before_the_steps_revision_owes_it() -> None:
    assert owes(STEP, "0001")
    assert owes(STEP, "0006")


def test_an_upgrade_from_the_steps_revision_or_later_does_not() -> None:
    # An older trendcache made the change inside that migration.
    assert not owes(STEP, "0007")
    assert not owes(STEP, "0008")


def test_a_database_with_no_upgrade_recorded_owes_nothing() -> None:
    # Created at head, or upgraded by an older trendcache whose migrations held the data.
    assert not owes(STEP, None)
