"""What the per-client API limit costs a request, and what N processes allow one client.

    uv run python benchmarks/client_limits.py [--redis redis://127.0.0.1:6379/14] [--processes 4]

- cost: microseconds per `acquire` of the in-memory limiter (no REDIS_URL) and of the
  Redis-shared one (REDIS_URL), over 200 client addresses;
- budget: `--processes` processes, each with its own limiter (as each web process has),
  each asking 2x the limit for one client at once; how many were allowed in all. The
  in-memory limiter allows each process the whole limit; the shared one, the limit once.

Uses (and empties) the given Redis database; only 127.0.0.1 is contacted. Measured, never
asserted: tests/web/test_ratelimit.py asserts the sharing.
"""

from __future__ import annotations

import argparse
import multiprocessing
import tempfile
import time
from pathlib import Path

from redis import Redis

from trendcache.config import Settings
from trendcache.web.ratelimit import ClientLimiter, ClientRateLimiter, SharedClientRateLimiter

LIMIT = 60
CALLS = 3000


def limiter(kind: str, limit: int, redis_url: str) -> ClientLimiter:
    if kind == "memory":
        return ClientRateLimiter(limit)
    settings = Settings(_env_file=None, redis_url=redis_url, data_dir=Path(tempfile.mkdtemp()))  # type: ignore[call-arg]
    return SharedClientRateLimiter(limit, settings)


def cost(kind: str, redis_url: str) -> float:
    """Microseconds per acquire, the client addresses spread over 200."""
    chosen = limiter(kind, 10**9, redis_url)
    for n in range(200):
        chosen.acquire(f"10.0.{n}.1")
    start = time.perf_counter()
    for n in range(CALLS):
        chosen.acquire(f"10.0.{n % 200}.1")
    elapsed = time.perf_counter() - start
    chosen.close()
    return elapsed / CALLS * 1e6


def ask(kind: str, redis_url: str, start: float, out: multiprocessing.Queue[int]) -> None:
    chosen = limiter(kind, LIMIT, redis_url)
    time.sleep(max(0.0, start - time.time()))
    out.put(sum(chosen.acquire("203.0.113.9") is None for _ in range(2 * LIMIT)))
    chosen.close()


def budget(kind: str, redis_url: str, processes: int) -> int:
    """Requests of one client allowed by `processes` processes together."""
    out: multiprocessing.Queue[int] = multiprocessing.Queue()
    start = time.time() + 1.0  # all begin together, once imported
    workers = [
        multiprocessing.Process(target=ask, args=(kind, redis_url, start, out))
        for _ in range(processes)
    ]
    for worker in workers:
        worker.start()
    allowed = sum(out.get(timeout=60) for _ in workers)
    for worker in workers:
        worker.join(timeout=10)
    return allowed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/14")
    parser.add_argument("--processes", type=int, default=4)
    args = parser.parse_args()
    redis = Redis.from_url(args.redis)
    redis.flushdb()
    print(
        f"| limiter | µs per acquire | allowed of {args.processes} x {2 * LIMIT} (limit {LIMIT}) |"
    )
    print("|---|---|---|")
    for kind in ("memory", "redis"):
        micros = cost(kind, args.redis)
        redis.flushdb()
        allowed = budget(kind, args.redis, args.processes)
        redis.flushdb()
        print(f"| {kind} | {micros:.0f} | {allowed} |")
    redis.close()


if __name__ == "__main__":
    main()
