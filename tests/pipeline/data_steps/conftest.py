"""`old_database`: the `database` fixture, for tests that take its schema back."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from trendcache.db import Database
from trendcache.db.migrate import upgrade


@pytest.fixture
def old_database(database: Database) -> Iterator[Database]:
    """`database`, at head again after the test (the PostgreSQL database is shared by the
    session's tests)."""
    yield database
    upgrade(database)
