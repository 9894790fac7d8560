"""The demo's weeks of history, written through the real sync path on its first start.

A fresh demo would open on one snapshot: no climbers, no fallers, empty statistics. So on
the first start of an empty demo database, before the live first sync, it walks the
emulators through the 27 days before today, one day at a time: every emulator moves to the
day (the Spotify emulator's clock, the ListenBrainz catalog's day), then each source's own
`Syncer` runs once, at that day's time (`Syncer.with_clock`). One sync per source per day
is enough: the emulators move once a day, so a second one would record the same lists.
The live first sync at today is then the 28th day. Every snapshot, appearance, sync run and
notification is the syncers' own work; nothing is inserted behind their back.

Order: history must be written in time order, so while the days are built no other sync
may interleave: background syncs are held (the admin's hold, `Syncer.hold_background`)
before the queue starts, and released when the last day is written. The plan (the moment
the walk ends at) is kept in the database, so a process killed mid-way resumes at the next
day on its next start; a day a source already has a sync for, at or after the day's time,
is skipped, so nothing is written twice or out of order.

Budget: the daily request budget counts real requests in a rolling 24 hours, and the walk
sends 27 days' worth in a minute. Counted against the source's budget, they would leave
the live syncs of the real today nothing, so each simulated day counts against a budget
of its own (`demo<day>:<source>`) as large as the source's: each day gets a day's budget,
as it would have, and the live syncs keep theirs whole.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from markupsafe import Markup, escape
from sqlalchemy import func, select

from trendcache.clock import utcnow
from trendcache.db import Database
from trendcache.db.models import SyncRun
from trendcache.pipeline.state import StateStore
from trendcache.pipeline.sync.syncer import Syncer

log = logging.getLogger(__name__)
HISTORY_DAYS = 28  # the demo opens on four weeks: 27 days written here, then today's sync
PLAN = "demo.history"  # {"until": the moment of the last written day, "finished": bool}
HOLD_BY = "the demo's history"
MoveTo = Callable[[date], object]  # moves every emulator to a day


@dataclass(frozen=True)
class Plan:
    until: datetime  # the walk's last day: one day before the live first sync
    days: int  # the days it writes

    def at(self, index: int) -> datetime:
        """The time of day `index` (0 is the first, `days - 1` the last)."""
        return self.until - timedelta(days=self.days - 1 - index)


class DemoHistory:
    """Builds the demo's past days once; `begin` before the queue starts, then `run`."""

    def __init__(
        self,
        database: Database,
        syncers: Mapping[str, Syncer],
        move_to: MoveTo,
        days: int = HISTORY_DAYS,  # the live first sync included
    ) -> None:
        if days < 2 or not syncers:
            raise ValueError("the demo's history needs two days or more and a syncer")
        self.database = database
        self.days = days
        self.syncers = syncers
        self.move_to = move_to
        self.state = StateStore(database)
        self.plan: Plan | None = None
        self.day = 0  # the day being written, 1-based; 0 before and after
        self._stopping = threading.Event()

    def begin(self) -> bool:
        """Hold background syncs and fix the plan when there is history to build: an
        empty database, or a walk a stopped process left unfinished."""
        saved = self.state.get(PLAN)
        if saved is None:
            with self.database.session() as session:
                if session.scalar(select(func.count()).select_from(SyncRun)):
                    return False  # a demo with history of its own (an earlier version's)
            saved = {"until": (utcnow() - timedelta(days=1)).isoformat(), "finished": False}
            self.state.set(PLAN, saved)
        elif saved.get("finished"):
            return False
        self.plan = Plan(datetime.fromisoformat(saved["until"]), self.days - 1)
        next(iter(self.syncers.values())).hold_background(HOLD_BY)  # held for every source
        return True

    def run(self, today: date) -> bool:
        """Walk the days, then move the emulators back to `today` and release the hold;
        False if `stop` ended it first (the plan and the hold stay for the next start).

        A failure ends the walk where it is (the days written stay); it is not resumed, as
        live syncs write after it from now on.
        """
        plan = self.plan
        if plan is None:
            return True
        try:
            for index in range(plan.days):
                if self._stopping.is_set():
                    return False
                self.day = index + 1
                self._write_day(index, plan.at(index))
        except Exception:
            if self._stopping.is_set():  # the process is closing under it: resume next time
                return False
            log.exception("the demo's history stopped at day %s", self.day)
        self.state.set(PLAN, {"until": plan.until.isoformat(), "finished": True})
        self.day = 0
        self.move_to(today)
        next(iter(self.syncers.values())).resume_background()
        return True

    def stop(self) -> None:
        """End the walk after the day being written; the next start resumes it."""
        self._stopping.set()

    def _write_day(self, index: int, at: datetime) -> None:
        self.move_to(at.date())
        for name, syncer in self.syncers.items():
            last = self._last_sync(name)
            if last is not None and last >= at:
                continue  # written before a restart, or a sync already at or after it
            budget = f"demo{index:02d}:{name}"[:20]
            result = syncer.with_clock(lambda: at, budget).sync("demo_history", force=True)
            if result.error:
                log.warning("demo history, %s on %s: %s", name, at.date(), result.error)

    def _last_sync(self, source: str) -> datetime | None:
        with self.database.session() as session:
            return session.scalar(
                select(func.max(SyncRun.started_at)).where(
                    SyncRun.source == source, SyncRun.status.in_(("ok", "partial"))
                )
            )

    def progress(self) -> str | None:
        if not self.day:
            return None
        return f"Building the demo's history: day {self.day} of {self.days}"


class DemoNote(str):
    """The demo's banner, with the history's progress while it is built.

    The pages take their banner as a string rendered as it is; this one is read afresh at
    every render (`str()` and Jinja's `__html__`), so the banner follows the walk.
    """

    history: DemoHistory | None

    def __new__(cls, text: str, history: DemoHistory | None = None) -> DemoNote:
        note = super().__new__(cls, text)
        note.history = history
        return note

    def __str__(self) -> str:
        progress = self.history.progress() if self.history is not None else None
        text = super().__str__()
        return f"{text}. {progress}…" if progress else text

    def __html__(self) -> Markup:
        return escape(str(self))
