"""Syncs asked for by web requests: queued without waiting, or joined with a bounded wait.

With a task queue (what `serve` and workers use) a request becomes a queued, debounced job.
An app built without one, as in some tests and embedders, runs the sync in a daemon thread
instead; the syncer's own single-flight lease keeps that to one fetch at a time.

A caller that waits (`/api/spotify/sync`, the first `/api/spotify/trending`) joins this
process's one flight: the sync runs on a small executor of its own, never on the request
thread pool, and however many callers wait, they hold no thread while they do: they await
the flight's future for at most `wait_seconds`, then answer with what is cached.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from trendcache.pipeline.sync.syncer import SyncResult, Trigger
from trendcache.services import Services
from trendcache.tasks import DEBOUNCE_SECONDS, TaskQueue

log = logging.getLogger(__name__)


# How long a caller of a waiting sync waits before answering with what is cached.
WAIT_SECONDS = 30.0


class SyncRequests:
    def __init__(
        self, services: Services, queue: TaskQueue | None, *, wait_seconds: float = WAIT_SECONDS
    ) -> None:
        self.services = services
        self.queue = queue
        self.wait_seconds = wait_seconds
        self._lock = threading.Lock()
        self._last = -DEBOUNCE_SECONDS
        # One flight per kind (normal, forced); a forced one needs its own sync.
        self._flights: dict[bool, asyncio.Future[SyncResult]] = {}
        self._executor: ThreadPoolExecutor | None = None  # made on first use, again after close
        self.on_synced: list[Callable[[], object]] = []

    async def join(self, trigger: Trigger, *, force: bool = False) -> SyncResult | None:
        """This process's sync of that kind (started unless one is in flight), awaited for
        at most `wait_seconds`; None if it is still running then (it goes on)."""
        loop = asyncio.get_running_loop()
        flight = self._flights.get(force)
        if flight is None or flight.done() or flight.get_loop() is not loop:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="web-sync")
            flight = loop.run_in_executor(self._executor, self._run_and_announce, trigger, force)
            flight.add_done_callback(_retrieved)
            self._flights[force] = flight
        try:
            return await asyncio.wait_for(asyncio.shield(flight), self.wait_seconds)
        except TimeoutError:
            return None

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None

    def _run_and_announce(self, trigger: Trigger, force: bool) -> SyncResult:
        result = self.run(trigger, force=force)
        for callback in self.on_synced:
            callback()
        return result

    def request(
        self,
        *,
        force: bool = False,
        trigger: Trigger = "on_demand",
        markets: list[str] | None = None,
    ) -> bool:
        """Queue a background sync (of `markets`, or all); False if one was asked for
        moments ago (a forced one is always queued)."""
        if self.queue is not None:
            return self.queue.request_sync(trigger, force=force, markets=markets)
        with self._lock:
            now = time.monotonic()
            if not force and now - self._last < DEBOUNCE_SECONDS:
                return False
            self._last = now
        threading.Thread(
            target=self._sync_quietly, args=(force, trigger, markets), name="web-sync", daemon=True
        ).start()
        return True

    def run(self, trigger: Trigger, *, force: bool = False) -> SyncResult:
        """A sync that the caller waits for (blocking: call it from a worker thread)."""
        return self.services.syncer.sync(trigger, force=force, wait=True)

    def _sync_quietly(self, force: bool, trigger: Trigger, markets: list[str] | None) -> None:
        syncer = self.services.syncer
        try:
            (syncer.for_markets(markets) if markets else syncer).sync(
                trigger, force=force, wait=False
            )
        except Exception:
            log.exception("background sync failed")


def _retrieved(flight: asyncio.Future[SyncResult]) -> None:
    """Mark a flight's failure as seen: callers that timed out never await it."""
    if not flight.cancelled():
        flight.exception()
