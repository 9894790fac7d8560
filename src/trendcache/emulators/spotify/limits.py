"""Rolling request windows for the automatic rate limit (30 s) and daily quota (24 h)."""

from __future__ import annotations

import math
from collections import deque


class RollingWindow:
    """Remembers when requests were admitted during the last ``span`` seconds.

    Requests are remembered even while no limit is set, as Spotify keeps counting whether
    or not a client is near its limit; switching a limit on mid-run therefore bites at once.
    """

    def __init__(self, span: float) -> None:
        self.span = span
        self._admitted: deque[float] = deque()

    def wait(self, now: float, limit: int | None) -> int | None:
        """Whole seconds until a request would fit under ``limit``; None if it fits now."""
        while self._admitted and self._admitted[0] <= now - self.span:
            self._admitted.popleft()
        if limit is not None and len(self._admitted) >= limit:
            return max(1, math.ceil(self._admitted[0] + self.span - now))
        return None

    def add(self, now: float) -> None:
        self._admitted.append(now)

    def __len__(self) -> int:
        return len(self._admitted)

    def clear(self) -> None:
        self._admitted.clear()
