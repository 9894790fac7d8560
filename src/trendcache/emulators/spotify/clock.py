"""Emulator time: the machine's monotonic clock plus however far ``advance()`` jumped.

Token expiry, the 30-second rate window and the 24-hour quota all read this clock, so
jumping a day ahead expires tokens and frees quota just as waiting a day would.
"""

from __future__ import annotations

import threading
import time
from datetime import date, timedelta

DAY = 86_400.0


class Clock:
    def __init__(self, start_day: date) -> None:
        self.start_day = start_day
        self._offset = 0.0
        self._lock = threading.Lock()

    def now(self) -> float:
        return time.monotonic() + self._offset

    @property
    def today(self) -> date:
        """The catalog day: the start day plus every whole day jumped so far."""
        return self.start_day + timedelta(seconds=self._offset)

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._offset += seconds

    def rewind(self) -> None:
        with self._lock:
            self._offset = 0.0
