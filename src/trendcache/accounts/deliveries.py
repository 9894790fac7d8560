"""Posting followed-artist notifications to each user's own webhook URL.

The events are an outbox of the same shape as the alerts' (`pipeline/alerts/outbox.py`):
each is claimed by one process before its post, so however many serve and worker processes
run this loop, a receiver gets each event once. A failed post (after the webhook's own
quick retries) waits 30 s, then twice as long after each further failure, up to an hour;
an event still undelivered after a day is dropped. A user whose receiver is failing does
not hold up the others: their later events wait, everyone else's go.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import select, true

from trendcache.clock import utcnow
from trendcache.db import Database
from trendcache.db.accounts import User
from trendcache.db.follows import NotificationEvent
from trendcache.pipeline.alerts.outbox import Outbox, PendingEvent
from trendcache.pipeline.alerts.webhook import Webhook

log = logging.getLogger(__name__)
FIRST_RETRY = timedelta(seconds=30)
LAST_RETRY = timedelta(hours=1)
NOTIFICATION_OUTBOX = Outbox(
    NotificationEvent,
    NotificationEvent.user_id,
    owed=NotificationEvent.webhook == true(),  # indexable, unlike IS TRUE
    in_order=False,
    failure="could not post a notification of user %s to their webhook URL: %s",
)


def retry_in(attempts: int) -> timedelta:
    """How long an event waits after its `attempts`-th failed post."""
    wait: timedelta = FIRST_RETRY * 2 ** min(max(attempts - 1, 0), 20)
    return min(wait, LAST_RETRY)


class NotificationCourier:
    def __init__(
        self,
        database: Database,
        every_seconds: float,
        *,
        webhook: Webhook | None = None,
        retry: Callable[[int], timedelta | None] = retry_in,
    ) -> None:
        self.database = database
        self.every_seconds = every_seconds
        # Its timeouts and backoff, posted to each user's URL.
        self.webhook = webhook or Webhook("http://unset.invalid/")
        self.retry = retry

    def run(self, stop: threading.Event) -> None:
        """Deliver every `every_seconds` until `stop` is set."""
        while not stop.is_set():
            try:
                self.deliver(stop)
            except Exception:
                log.exception("could not deliver the notifications")
            if stop.wait(self.every_seconds):
                return

    def deliver(self, stop: threading.Event | None = None) -> int:
        """One round: post what is owed; how many were delivered. The events of a user
        who cleared their URL are dropped: nowhere to post them."""
        without_url = select(User.id).where(User.webhook_url.is_(None))
        NOTIFICATION_OUTBOX.abandon(
            self.database, NotificationEvent.user_id.in_(without_url), utcnow()
        )
        urls: dict[str, str | None] = {}

        def post(event: PendingEvent, stop: threading.Event) -> str | None:
            if event.key not in urls:
                urls[event.key] = self._url(event.key)
            url = urls[event.key]
            if url is None:  # cleared this very moment: dropped at the next round
                return "the user has no webhook URL"
            return self.webhook.to(url).post(event.payload, stop)

        lease = timedelta(seconds=self.webhook.longest_seconds + 30)
        return NOTIFICATION_OUTBOX.deliver(
            self.database, post, lease, stop or threading.Event(), self.retry
        )

    def _url(self, user_id: str) -> str | None:
        with self.database.session() as session:
            return session.scalar(select(User.webhook_url).where(User.id == user_id))
