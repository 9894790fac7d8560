"""The per-client sliding window behind GET /api/spotify/trending's 429s: in memory per
process, or shared by every process through Redis."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient
from redis import Redis

from tests.web.conftest import ClientFactory, wait_for
from trendcache.services import Services
from trendcache.web import ratelimit
from trendcache.web.ratelimit import ClientRateLimiter

URL = "/api/spotify/trending"


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


def test_with_redis_every_app_counts_a_client_in_one_budget(
    make_synced_services: Callable[..., Services],
    make_client: ClientFactory,
    redis_client: Redis,
    redis_url: str,
    tmp_path: Path,
) -> None:
    first, second = (
        make_client(
            make_synced_services(
                api_rate_limit_per_minute=3, redis_url=redis_url, data_dir=tmp_path / name
            )
        )
        for name in ("first", "second")
    )
    statuses = [client.get(URL).status_code for client in (first, second, first, second, first)]
    assert statuses == [200, 200, 200, 429, 429]
    refused = second.get(URL)
    assert 1 <= int(refused.headers["retry-after"]) <= 61
    other = TestClient(first.app, client=("203.0.113.7", 40000))
    assert other.get(URL).status_code == 200  # still a budget per client
    assert redis_client.keys("trendcache:rate:api_client:*")


def test_without_redis_each_app_counts_its_own(
    make_synced_services: Callable[..., Services], make_client: ClientFactory
) -> None:
    first, second = (
        make_client(make_synced_services(api_rate_limit_per_minute=3)) for _ in range(2)
    )
    for client in (first, second):
        assert [client.get(URL).status_code for _ in range(4)] == [200, 200, 200, 429]
