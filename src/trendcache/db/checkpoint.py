"""SQLite's WAL checkpoints, off the writers' path.

In WAL mode a commit appends the pages it changed to the write-ahead log, and SQLite by
default copies the log back into the database file (a checkpoint) inside the commit that
takes it past 1,000 pages. A sync's history write changes about a thousand scattered index
pages on a big history, so every such commit paid a checkpoint: 3 ms of commit became
~35 ms at a million appearances, and the sync held the write lock all that time
(benchmarks/history_scale.py). Here the automatic checkpoint is only a safety net far
above one write, and after each write transaction a background thread checkpoints
(PASSIVE: it waits for nobody, and copies what no reader still needs).
"""

from __future__ import annotations

import logging
import threading

from sqlalchemy import Engine

log = logging.getLogger(__name__)
AUTOCHECKPOINT_PAGES = 16_384  # 64 MB of log: the safety net when no thread checkpoints


class Checkpointer:
    """One thread per engine, started by the first nudge."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.checkpoints = 0
        self.last: tuple[int, int, int] | None = None  # busy, frames in the log, copied
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._idle = threading.Event()
        self._idle.set()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def nudge(self) -> None:
        """A write committed: checkpoint soon."""
        with self._lock:
            if self._stop.is_set():
                return
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="sqlite-checkpoint", daemon=True
                )
                self._thread.start()
            self._idle.clear()
            self._wake.set()

    def wait_idle(self, timeout: float) -> bool:
        """Whether every nudge so far was followed by a checkpoint (for tests)."""
        return self._idle.wait(timeout)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def stop(self) -> None:
        with self._lock:
            self._stop.set()
            self._wake.set()
            thread = self._thread
        if thread is not None:
            thread.join(timeout=5)

    def _run(self) -> None:
        while True:
            self._wake.wait()
            if self._stop.is_set():
                return
            self._wake.clear()
            try:
                self._checkpoint()
            except Exception:  # the next nudge, or the safety net, tries again
                log.exception("WAL checkpoint failed")
            if not self._wake.is_set():
                self._idle.set()

    def _checkpoint(self) -> None:
        connection = self.engine.raw_connection()
        try:
            cursor = connection.cursor()
            cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")
            busy, logged, copied = cursor.fetchone() or (0, 0, 0)
            cursor.close()
            self.last = (int(busy), int(logged), int(copied))
            self.checkpoints += 1
        finally:
            connection.close()
