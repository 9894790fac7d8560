"""The periodic schedule: every queue consumer runs it, exactly one process fires each period.

Each consumer (every `trendcache worker`, the one inside `serve`) runs a `Schedule`. Periods
are SCHEDULE_SECONDS of wall-clock time counted from the Unix epoch, so every process on
every host agrees where a period starts. At each period's start (and once on starting) a
schedule claims `schedule:<task>:<period start, UTC>` for each of its tasks through
`Locks.claim`, and fires the tasks it won (`TaskQueue` enqueues them for any consumer).

Why a claim per period rather than a lease held by a leader: a claim is taken once and
never renewed, released or taken over, so no second process can fire a period that was
fired, not even after its holder died (a lease would be taken over from a dead holder, and
could fire that period again). A claim expires after CLAIM_PERIODS periods, only to be
cleaned up: a host whose clock is behind by less than that still finds the period claimed.
A killed holder costs at most the period it held (if it died between the claim and the
enqueue); the next period is a new name, claimed by whoever gets there first. There is
no leader to elect, no renewal thread, no hand-over.

Redis (or the database) being away when a period starts fires nothing that period: a
missed period, never a duplicate.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime

from trendcache.locks import Locks
from trendcache.owners import new_owner

log = logging.getLogger(__name__)
CLAIM_PERIODS = 3
PREFIX = "schedule:"


def period_start(now: float, period: float) -> float:
    """The start of the period `now` (Unix time) falls in."""
    return (now // period) * period


def period_label(start: float) -> str:
    """`2026-12-04T14:05:00`: the period's start in UTC, as claims and tasks name it."""
    return datetime.fromtimestamp(start, UTC).strftime("%Y-%m-%dT%H:%M:%S")


class Schedule:
    """Fires each of `tasks` (name → what fires it, given the period's label) once a period
    of `period` whole seconds (labels name the second) across every process sharing
    `locks`."""

    def __init__(
        self,
        locks: Callable[[], Locks],
        period: int,
        tasks: Mapping[str, Callable[[str], object]],
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._locks = locks
        self.period = period
        self.tasks = dict(tasks)
        self.clock = clock
        self.owner = new_owner()

    def tick(self, now: float | None = None) -> list[str]:
        """Claim the current period for each task and fire those won; returns their names."""
        label = period_label(period_start(self.clock() if now is None else now, self.period))
        fired = []
        for name, fire in self.tasks.items():
            key = f"{PREFIX}{name}:{label}"
            try:
                won = self._locks().claim(key, self.owner, self.period * CLAIM_PERIODS)
            except Exception as exc:
                log.warning("schedule: %s not fired for %s: %s", name, label, exc)
                continue
            if not won:
                continue
            log.debug("schedule: firing %s for %s", name, label)
            try:
                fire(label)
            except Exception:
                log.exception("schedule: could not fire %s for %s", name, label)
                continue
            fired.append(name)
        return fired

    def run(self, stop: threading.Event) -> None:
        """Tick now and at the start of every period until `stop` is set."""
        while not stop.is_set():
            self.tick()
            now = self.clock()
            if stop.wait(period_start(now, self.period) + self.period - now):
                return
