import multiprocessing
import time
from pathlib import Path
from typing import Any

import pytest
from pyrate_limiter import Rate, RateItem

from trendcache.config import Settings
from trendcache.ratelimit import (
    KeyedLimiter,
    RateLimitTimeout,
    ReloadingRedisBucket,
    per_second,
    shared_limiter,
)

RATE, WINDOW = 10, 1.0


def _settings(data_dir: Path, redis_url: str | None) -> Settings:
    return Settings(_env_file=None, data_dir=data_dir, redis_url=redis_url)  # type: ignore[call-arg]


def _fire(
    data_dir: Path, redis_url: str | None, count: int, out: "multiprocessing.Queue[Any]"
) -> None:
    limiter = shared_limiter("test", [per_second(RATE, WINDOW)], _settings(data_dir, redis_url))
    stamps = []
    for _ in range(count):
        limiter.wait(timeout=30)
        stamps.append(time.time())
    out.put(stamps)


@pytest.mark.parametrize("backend", ["sqlite", "redis"])
def test_processes_share_one_limit(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """Three processes each want 12 slots of a 10-per-second limit: no window sees more."""
    redis_url = None
    if backend == "redis":
        request.getfixturevalue("redis_client")  # an empty test database
        redis_url = request.getfixturevalue("redis_url")
    context = multiprocessing.get_context("fork")
    out: multiprocessing.Queue[Any] = context.Queue()
    workers = [context.Process(target=_fire, args=(tmp_path, redis_url, 12, out)) for _ in range(3)]
    for worker in workers:
        worker.start()
    stamps = sorted(stamp for _ in workers for stamp in out.get(timeout=60))
    for worker in workers:
        worker.join(10)
    assert len(stamps) == 36
    for index, stamp in enumerate(stamps):
        in_window = [s for s in stamps[index:] if s - stamp < WINDOW]
        assert len(in_window) <= RATE, f"{len(in_window)} requests within {WINDOW} s"
    assert stamps[-1] - stamps[0] >= 2 * WINDOW, "36 slots at 10/s need more than 2 s"


def test_a_limiter_that_cannot_grant_in_time_says_so(tmp_path: Path) -> None:
    limiter = shared_limiter("tight", [per_second(1, 60)], _settings(tmp_path, None))
    limiter.wait(timeout=1)
    with pytest.raises(RateLimitTimeout):
        limiter.wait(timeout=0.2)


def _try_keys(
    data_dir: Path, redis_url: str | None, attempts: int, out: "multiprocessing.Queue[Any]"
) -> None:
    limiter = KeyedLimiter("test_keys", [Rate(10, 60_000)], _settings(data_dir, redis_url))
    out.put([limiter.try_acquire("one key") is None for _ in range(attempts)])
    limiter.close()


@pytest.mark.parametrize("backend", ["sqlite", "redis"])
def test_keyed_limits_are_per_key_and_shared_by_processes(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """Two processes try one key 7 times each against 10 a minute: 10 allowed in all."""
    redis_url = None
    if backend == "redis":
        request.getfixturevalue("redis_client")
        redis_url = request.getfixturevalue("redis_url")
    context = multiprocessing.get_context("fork")
    out: multiprocessing.Queue[Any] = context.Queue()
    workers = [context.Process(target=_try_keys, args=(tmp_path, redis_url, 7, out)) for _ in "ab"]
    for worker in workers:
        worker.start()
    allowed = [ok for _ in workers for ok in out.get(timeout=60)]
    for worker in workers:
        worker.join(10)
    assert allowed.count(True) == 10
    limiter = KeyedLimiter("test_keys", [Rate(10, 60_000)], _settings(tmp_path, redis_url))
    wait = limiter.try_acquire("one key")
    assert wait is not None and 1 <= wait <= 60
    assert limiter.try_acquire("another key") is None  # every key has its own count
    limiter.close()


def test_keyed_limits_free_up_as_the_window_slides(tmp_path: Path) -> None:
    limiter = KeyedLimiter("sliding", [Rate(2, 300)], _settings(tmp_path, None))
    first, second, third = (limiter.try_acquire("k") for _ in range(3))
    assert (first, second, third) == (None, None, 1)
    time.sleep(0.35)
    assert limiter.try_acquire("k") is None
    limiter.close()


def test_keyed_redis_buckets_expire_with_their_window(
    redis_client: Any, redis_url: str, tmp_path: Path
) -> None:
    limiter = KeyedLimiter("expiring", [Rate(5, 60_000)], _settings(tmp_path, redis_url))
    assert limiter.try_acquire("someone") is None
    [key] = redis_client.keys("trendcache:rate:expiring:*")
    assert b"someone" not in key  # hashed: no user-chosen text in key names
    assert 0 < redis_client.pttl(key) <= 60_000
    limiter.close()


def test_keyed_limits_load_their_script_when_redis_has_none(
    redis_client: Any, redis_url: str, tmp_path: Path
) -> None:
    """As after a Redis restart or failover: no script is loaded before the first attempt."""
    limiter = KeyedLimiter("reloading", [Rate(2, 60_000)], _settings(tmp_path, redis_url))
    redis_client.script_flush()
    assert limiter.try_acquire("someone") is None
    redis_client.script_flush()
    assert limiter.try_acquire("someone") is None
    assert limiter.try_acquire("someone") is not None  # both attempts were counted
    limiter.close()


def test_a_redis_window_counts_items_stamped_after_the_askers_own(redis_client: Any) -> None:
    """Processes stamp before they send: one stamped later may reach Redis first. Counting
    only up to the asker's stamp let 61 to 63 of 60 through with 4 processes racing."""
    bucket = ReloadingRedisBucket.connect([Rate(1, 60_000)], redis_client, "trendcache:rate:race")
    now = time.time_ns() // 1_000_000
    assert bucket.put(RateItem("later", now + 5)) is True  # arrived first
    assert bucket.put(RateItem("earlier", now)) is False  # the window already holds one
