"""Posting one event to a webhook (ALERT_WEBHOOK_URL, or a user's own): a timeout on each
try, a few tries with growing waits between them, and the last error if none got a 2xx.
Runs on the alert (or notification) thread only, never on a request; the waits end early
when the process stops."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

import httpx2

TIMEOUT_SECONDS = 5.0
BACKOFF_SECONDS = (1.0, 2.0, 4.0)  # waits before the second, third and fourth try


class Webhook:
    def __init__(
        self,
        url: str,
        *,
        timeout: float = TIMEOUT_SECONDS,
        backoff: Sequence[float] = BACKOFF_SECONDS,
    ) -> None:
        self.url = url
        self.timeout = timeout
        self.backoff = tuple(backoff)

    def to(self, url: str) -> Webhook:
        """The same timeouts and backoff, for another URL (a user's own)."""
        return Webhook(url, timeout=self.timeout, backoff=self.backoff)

    @property
    def longest_seconds(self) -> float:
        """The longest one `post` can take, every try timing out."""
        return self.timeout * (len(self.backoff) + 1) + sum(self.backoff)

    def post(self, body: dict[str, Any], stop: threading.Event) -> str | None:
        """None once the receiver answered 2xx; else why the last try failed."""
        error = "not tried"
        with httpx2.Client(timeout=self.timeout, follow_redirects=False) as client:
            for wait in (0.0, *self.backoff):
                if wait and stop.wait(wait):
                    return f"{error}; stopped before trying again"
                try:
                    response = client.post(self.url, json=body)
                except httpx2.HTTPError as exc:
                    error = f"{type(exc).__name__}: {exc}"
                    continue
                if response.is_success:
                    return None
                error = f"HTTP {response.status_code}"
        return error
