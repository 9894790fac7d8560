"""SQLite's write-ahead log is checkpointed by a background thread, not by the commits."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from trendcache.db import Database
from trendcache.db.checkpoint import AUTOCHECKPOINT_PAGES


def test_writes_are_checkpointed_in_the_background(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'wal.sqlite3'}")
    try:
        with database.session() as session:
            pages = session.execute(text("PRAGMA wal_autocheckpoint")).scalar_one()
            assert pages == AUTOCHECKPOINT_PAGES  # commits leave the log to the thread
        with database.writer() as session:
            session.execute(text("CREATE TABLE t (n INTEGER, s TEXT)"))
        for batch in range(5):
            with database.writer() as session:
                session.execute(
                    text("INSERT INTO t VALUES (:n, :s)"),
                    [{"n": batch * 1000 + i, "s": "x" * 200} for i in range(1000)],
                )
        checkpointer = database.checkpointer
        assert checkpointer is not None
        assert checkpointer.wait_idle(10)
        assert checkpointer.checkpoints >= 1
        assert checkpointer.last is not None
        busy, logged, copied = checkpointer.last
        assert busy == 0 and logged > 0 and copied == logged  # the thread copied the log
    finally:
        database.dispose()
    assert not checkpointer.running
