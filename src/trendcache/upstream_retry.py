"""Retrying a request to MusicBrainz or ListenBrainz: bounded attempts, waits each answer
chooses (a jittered exponential backoff for 5xx and network errors, the service's own
word for a 429 or 503).

An attempt raises `Wait(reason, seconds)` to be tried again after `seconds`; `retrying`
runs attempts until one returns, and after the last raises `GaveUp` with the last reason.
(Spotify's session waits differently, through stamina's own backoff and a budget.)
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import stamina

T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    """Attempts per request; backoff for 5xx and network errors (a 429 waits its own)."""

    attempts: int = 6
    backoff_initial: float = 1.0
    backoff_max: float = 60.0

    def pause(self, attempt: int, at_least: float = 0.0) -> float:
        """The wait before attempt `attempt + 1`: doubling, capped, at least `at_least`,
        and 0-25 % longer so that clients that failed together do not retry together."""
        exponential = self.backoff_initial * 2.0 ** (attempt - 1)
        base = max(at_least, min(exponential, self.backoff_max))
        return float(base * random.uniform(1.0, 1.25))


class Wait(Exception):
    def __init__(self, reason: str, seconds: float) -> None:
        super().__init__(f"{reason}; retrying in {seconds:.1f} s")
        self.reason = reason
        self.seconds = seconds


class GaveUp(Exception):
    def __init__(self, reason: str, attempts: int) -> None:
        super().__init__(f"{reason} ({attempts} attempts)")
        self.reason = reason


def _backoff(exc: Exception) -> bool | float:
    return exc.seconds if isinstance(exc, Wait) else False


def retrying(policy: RetryPolicy, attempt: Callable[[int], T]) -> T:
    """`attempt(number)` (from 1) until it returns; `GaveUp` after `policy.attempts`."""
    try:
        for each in stamina.retry_context(
            on=_backoff, attempts=policy.attempts, timeout=None, wait_jitter=0
        ):
            with each:
                return attempt(each.num)
    except Wait as exc:
        raise GaveUp(exc.reason, policy.attempts) from None
    raise AssertionError("unreachable: stamina re-raises the last error")


def header_seconds(value: str | None) -> float:
    """A header's seconds (Retry-After, X-RateLimit-Reset-In); 0 when absent or not a number."""
    try:
        return max(0.0, float(value)) if value is not None else 0.0
    except ValueError:
        return 0.0
