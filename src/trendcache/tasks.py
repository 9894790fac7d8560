"""The job queue: huey on SQLite by default, on Redis when REDIS_URL is set.

Tasks are registered on a queue built at run time (no module-level huey instance), so the
web process, `trendcache worker` and tests each build their own with the same task names.
Inside `serve` the consumer runs as threads of the server process; huey's `start()` would
install signal handlers there, which belong to uvicorn, so `EmbeddedConsumer` skips that.

The periodic jobs (`sync_due`, `enrich_due`) are not huey's periodic tasks, which every
consumer would enqueue each minute: every consumer runs a `Schedule` (schedule.py) that
claims each period before firing, so one process fires it, fleet-wide.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from huey import Huey, RedisHuey, SqliteHuey
from huey.api import TaskWrapper
from huey.consumer import Consumer

from trendcache.clock import utcnow
from trendcache.config import Settings
from trendcache.pipeline.heartbeats import HEARTBEAT_SECONDS, record_heartbeat, this_worker
from trendcache.pipeline.sync.spotify_source import SPOTIFY
from trendcache.schedule import Schedule
from trendcache.services import Services

log = logging.getLogger(__name__)
DEBOUNCE_SECONDS = 5.0


class HeartbeatConsumer(Consumer):  # type: ignore[misc]
    """A consumer that records a heartbeat every `HEARTBEAT_SECONDS` while it runs,
    checks the alert conditions every ALERT_CHECK_SECONDS (`pipeline/alerts/watch.py`),
    posts the followed-artist notifications every NOTIFY_CHECK_SECONDS,
    and runs the schedule unless told not to."""

    beat: Callable[[], None] | None = None
    watch_alerts: Callable[[threading.Event], None] | None = None
    deliver_notifications: Callable[[threading.Event], None] | None = None
    schedule: Schedule | None = None

    def start(self) -> None:
        super().start()
        if self.beat is not None:
            beat = self.beat
            threading.Thread(
                target=self._heartbeats, args=(beat,), name="heartbeat", daemon=True
            ).start()
        if self.watch_alerts is not None:
            threading.Thread(
                target=self.watch_alerts, args=(self.stop_flag,), name="alerts", daemon=True
            ).start()
        if self.deliver_notifications is not None:
            threading.Thread(
                target=self.deliver_notifications,
                args=(self.stop_flag,),
                name="notifications",
                daemon=True,
            ).start()
        if self.schedule is not None:
            threading.Thread(
                target=self.schedule.run, args=(self.stop_flag,), name="schedule", daemon=True
            ).start()

    def _heartbeats(self, beat: Callable[[], None]) -> None:
        while True:
            try:
                beat()
            except Exception:
                log.exception("could not record the worker heartbeat")
            if self.stop_flag.wait(HEARTBEAT_SECONDS):  # set by `stop()`
                return


class EmbeddedConsumer(HeartbeatConsumer):
    def _set_signal_handlers(self) -> None:
        """Leave signal handling to the process that embeds us."""


def build_huey(settings: Settings) -> Huey:
    if settings.redis_url:
        return RedisHuey("trendcache", url=settings.redis_url, results=False)
    path = Path(settings.data_dir).resolve() / "queue.sqlite3"
    path.parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey("trendcache", filename=str(path), results=False)


class TaskQueue:
    def __init__(self, settings: Settings, services: Callable[[], Services]) -> None:
        self.settings = settings
        self.huey = build_huey(settings)
        self._services = services
        self._last_request: dict[str, float] = {}  # source → when this process last queued it
        self._lock = threading.Lock()
        self._enriching = threading.Lock()
        self._enrich_wanted = False
        self._sync = self.huey.task(name="sync")(self._run_sync)
        self._enrich = self.huey.task(name="enrich")(self.enrich)
        # What the schedule fires each period (SCHEDULE_SECONDS), given the period's label.
        self.scheduled: dict[str, TaskWrapper] = {
            "sync_due": self.huey.task(name="sync_due")(self.sync_due),
            "enrich_due": self.huey.task(name="enrich_due")(self.enrich_due),
        }

    def ping(self) -> None:
        """Raises when the queue's storage (Redis, or the SQLite file) cannot be read."""
        self.huey.pending_count()

    def _run_sync(
        self,
        trigger: str,
        force: bool = False,
        markets: list[str] | None = None,
        source: str = SPOTIFY,
    ) -> None:
        syncer = self._services().syncers.get(source)
        if syncer is None:
            log.warning("sync of %s asked for, but it is not synced here", source)
            return
        if markets:
            syncer = syncer.for_markets(markets)
        syncer.sync(trigger, force=force, wait=False)  # type: ignore[arg-type]

    def sync_due(self, period: str = "") -> None:
        """Each period (a minute): sync each source whose cache has expired (so Spotify
        every CACHE_DURATION_HOURS, ListenBrainz every LISTENBRAINZ_CACHE_SECONDS); one
        source failing never keeps the others from their turn."""
        log.debug("schedule: sync_due runs for %s", period or "no period")
        if not self.settings.enable_background_sync:
            return
        for name, syncer in self._services().syncers.items():
            try:
                syncer.sync("schedule", wait=False)
            except Exception:
                log.exception("schedule: the %s sync failed", name)

    def enrich_due(self, period: str = "") -> None:
        """Each period (a minute): enrich whatever is due."""
        log.debug("schedule: enrich_due runs for %s", period or "no period")
        self.enrich()

    def fire(self, name: str, period: str) -> None:
        """Queue the scheduled task `name` for `period` (the schedule does, once a period)."""
        self.scheduled[name](period)

    def schedule(self) -> Schedule:
        """This process's schedule: the scheduled tasks, fired through the shared queue."""
        return Schedule(
            lambda: self._services().locks,
            self.settings.schedule_seconds,
            {name: functools.partial(self.fire, name) for name in self.scheduled},
        )

    def enrich(self) -> None:
        """Enrich due albums until none are left (one run at a time per process).

        Several processes may enrich at once: their batches never overlap, and they share
        the MusicBrainz limiter.
        """
        self._enrich_wanted = True
        if not self.settings.enable_enrichment or not self._enriching.acquire(blocking=False):
            return  # the run in progress sees the new request and goes round again
        try:
            while self._enrich_wanted:
                self._enrich_wanted = False
                self._services().enricher.run_until_idle()
        finally:
            self._enriching.release()

    def request_enrichment(self, album_ids: list[str] | None = None) -> None:
        """Queue enrichment (a sync queued new albums, say); never waits for it."""
        self._enrich_wanted = True
        self._enrich()

    def request_sync(
        self,
        trigger: str = "on_demand",
        *,
        force: bool = False,
        markets: list[str] | None = None,
        source: str = SPOTIFY,
    ) -> bool:
        """Queue a sync of `source` (of `markets`, or all) unless this process queued one
        of it moments ago; never waits for it."""
        with self._lock:
            now = time.monotonic()
            last = self._last_request.get(source)
            if not force and last is not None and now - last < DEBOUNCE_SECONDS:
                return False
            self._last_request[source] = now
        self._sync(trigger, force, markets, source)
        return True

    def consumer(self, workers: int = 2, *, schedule: bool = True, embedded: bool = True) -> Any:
        """A huey consumer of this queue; `schedule`: it runs the schedule as well."""
        factory = EmbeddedConsumer if embedded else HeartbeatConsumer
        # huey backs off to `max_delay` between polls of an idle queue; the default 10 s
        # would let an on-demand sync start that late.
        consumer = factory(
            self.huey,
            workers=workers,
            worker_type="thread",
            periodic=False,  # huey's own: ours is `schedule` (see the module's docstring)
            check_worker_health=True,
            max_delay=1.0,
        )
        worker, role, started_at = this_worker(), "serve" if embedded else "worker", utcnow()
        consumer.beat = lambda: record_heartbeat(
            self._services().database, worker, role, started_at
        )
        consumer.watch_alerts = lambda stop: self._services().alerts.run(stop)
        consumer.deliver_notifications = lambda stop: self._services().notifications.run(stop)
        consumer.schedule = self.schedule() if schedule else None
        return consumer
