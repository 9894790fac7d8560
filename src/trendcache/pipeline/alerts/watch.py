"""The alert loop every serve and worker process runs, and what `/api/status` shows.

Each check reads the facts, records the queue depth, decides which conditions hold, claims
any start or end in the database (`transitions.py`: one process wins each) and delivers the
webhook posts owed (`outbox.py`). Every process checks, so alerts keep coming while any one
of them runs; the claims make that cost nothing in duplicate posts.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from trendcache.clock import utcnow
from trendcache.config import Settings
from trendcache.db import Database
from trendcache.pipeline.alerts.backlog import QueueSample, record_sample
from trendcache.pipeline.alerts.conditions import Alert, evaluate
from trendcache.pipeline.alerts.facts import read_facts
from trendcache.pipeline.alerts.outbox import ALERT_OUTBOX, PendingEvent
from trendcache.pipeline.alerts.refusals import note_refusals, refusals_total
from trendcache.pipeline.alerts.transitions import (
    StoredAlert,
    claim_end,
    claim_start,
    mark_clear,
    read_states,
)
from trendcache.pipeline.alerts.webhook import Webhook
from trendcache.pipeline.state import StateStore

log = logging.getLogger(__name__)
# How long a firing alert's condition must stay clear before it ends (Prometheus's
# `keep_firing_for`): a budget or a queue hovering on its threshold would otherwise post a
# start and an end at every other check.
KEEP_FIRING_FOR = timedelta(minutes=5)


def current_alerts(database: Database, settings: Settings, sources: Sequence[str]) -> list[Alert]:
    """The conditions that hold now, each `since` when the alert loop first saw it fire
    (when it has), else since when the facts say. Reads only: safe on the read path."""
    alerts = evaluate(read_facts(database, settings, sources, utcnow()))
    stored = read_states(database)
    return [_since_stored(alert, stored) for alert in alerts]


def _since_stored(alert: Alert, stored: dict[str, StoredAlert]) -> Alert:
    state = stored.get(alert.name)
    if state is None or not state.firing or state.started_at is None:
        return alert
    return replace(alert, since=state.started_at)


class AlertWatch:
    def __init__(
        self,
        database: Database,
        settings: Settings,
        sources: Sequence[str],
        *,
        webhook: Webhook | None = None,
        keep_firing_for: timedelta = KEEP_FIRING_FOR,
    ) -> None:
        self.database = database
        self.keep_firing_for = keep_firing_for
        self.settings = settings
        self.sources = tuple(sources)
        url = settings.alert_webhook_url
        self.webhook = webhook or (Webhook(url.get_secret_value()) if url else None)

    def current(self) -> list[Alert]:
        return current_alerts(self.database, self.settings, self.sources)

    def run(self, stop: threading.Event) -> None:
        """Check every ALERT_CHECK_SECONDS until `stop` is set."""
        while not stop.is_set():
            try:
                self.check(stop)
            except Exception:
                log.exception("could not check the alert conditions")
            if stop.wait(self.settings.alert_check_seconds):
                return

    def check(self, stop: threading.Event | None = None) -> list[Alert]:
        """One round: evaluate, claim what changed, post what is owed; the alerts firing."""
        now = utcnow()
        state = StateStore(self.database)
        note_refusals(state, refusals_total(self.database), now)
        facts = read_facts(self.database, self.settings, self.sources, now)
        sample = QueueSample(now, facts.queue.due)
        record_sample(state, sample)
        # This check's own depth counts, whether or not it was kept in the series.
        alerts = evaluate(replace(facts, queue_samples=[*facts.queue_samples, sample]))
        self.settle(alerts, now)
        self.deliver(stop or threading.Event())
        return alerts

    def settle(self, alerts: list[Alert], now: datetime) -> None:
        """Claim the starts of `alerts` and the ends of those that stayed clear long enough."""
        notify = self.webhook is not None
        stored = read_states(self.database)
        for alert in alerts:
            known = stored.get(alert.name)
            if known is not None and known.firing:
                if known.clear_since is not None:  # back before it ended: one episode
                    mark_clear(self.database, alert.name, None)
            elif claim_start(self.database, alert, now, notify=notify):
                log.warning("alert %s started: %s", alert.name, alert.summary)
        firing = {alert.name for alert in alerts}
        for name, state in stored.items():
            if not state.firing or name in firing:
                continue
            clear_since = state.clear_since
            if clear_since is None:
                clear_since = now
                mark_clear(self.database, name, now)
            if now - clear_since >= self.keep_firing_for and claim_end(
                self.database, name, now, notify=notify
            ):
                log.info("alert %s ended", name)

    def deliver(self, stop: threading.Event) -> None:
        """Post the events owed, oldest first; an alert whose earlier event is still out
        (being posted elsewhere, or failing) waits, so a receiver sees start before end."""
        webhook = self.webhook
        if webhook is None:
            return

        def post(event: PendingEvent, stop: threading.Event) -> str | None:
            return webhook.post(event.payload, stop)

        lease = timedelta(seconds=webhook.longest_seconds + 30)
        ALERT_OUTBOX.deliver(self.database, post, lease, stop)
