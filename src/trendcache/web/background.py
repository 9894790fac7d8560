"""Asking for a sync from the web process without ever waiting for it.

With a task queue (what `serve` and workers use) a request becomes a queued, debounced job.
An app built without one, as in some tests and embedders, runs the sync in a daemon thread
instead; the syncer's own single-flight lease keeps that to one fetch at a time.
"""

from __future__ import annotations

import logging
import threading
import time

from trendcache.pipeline.sync import SyncResult, Trigger
from trendcache.services import Services
from trendcache.tasks import DEBOUNCE_SECONDS, TaskQueue

log = logging.getLogger(__name__)


class SyncRequests:
    def __init__(self, services: Services, queue: TaskQueue | None) -> None:
        self.services = services
        self.queue = queue
        self._lock = threading.Lock()
        self._last = -DEBOUNCE_SECONDS

    def request(self, *, force: bool = False) -> bool:
        """Queue a background sync; False if one was asked for moments ago."""
        if self.queue is not None:
            return self.queue.request_sync("on_demand", force=force)
        with self._lock:
            now = time.monotonic()
            if not force and now - self._last < DEBOUNCE_SECONDS:
                return False
            self._last = now
        threading.Thread(
            target=self._sync_quietly, args=(force,), name="web-sync", daemon=True
        ).start()
        return True

    def run(self, trigger: Trigger, *, force: bool = False) -> SyncResult:
        """A sync that the caller waits for (blocking: call it from a worker thread)."""
        return self.services.syncer.sync(trigger, force=force, wait=True)

    def _sync_quietly(self, force: bool) -> None:
        try:
            self.services.syncer.sync("on_demand", force=force, wait=False)
        except Exception:
            log.exception("background sync failed")
