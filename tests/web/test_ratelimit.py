"""The per-client sliding window behind GET /api/spotify/trending's 429s."""

from __future__ import annotations

from tests.web.conftest import wait_for
from trendcache.web import ratelimit
from trendcache.web.ratelimit import ClientRateLimiter


def test_each_client_has_its_own_window() -> None:
    limiter = ClientRateLimiter(3)
    assert [limiter.acquire("a") for _ in range(3)] == [None, None, None]
    retry_after = limiter.acquire("a")
    assert retry_after is not None
    assert 1 <= retry_after <= 61
    assert limiter.acquire("b") is None


def test_the_window_slides() -> None:
    limiter = ClientRateLimiter(2, window_seconds=0.3)
    assert limiter.acquire("a") is None
    assert limiter.acquire("a") is None
    assert limiter.acquire("a") == 1  # whole seconds, rounded up
    assert wait_for(lambda: limiter.acquire("a") is None)


def test_idle_clients_are_forgotten() -> None:
    limiter = ClientRateLimiter(5, window_seconds=0.05)
    for n in range(50):
        limiter.acquire(f"10.0.0.{n}")
    assert limiter.clients == 50

    def pruned() -> bool:
        for _ in range(ratelimit.PRUNE_EVERY):  # every so many calls, idle buckets go
            limiter.acquire("busy")
        return limiter.clients <= 1

    assert wait_for(pruned)
