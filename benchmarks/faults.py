"""The fault scenarios that held, at a bigger size than CI runs them, in one table.

    uv run python benchmarks/faults.py [--reads 6000] [--calls 500] [--postgres URL]
                                       [--redis URL]

The same scenarios as `tests/faults/test_outage_under_load.py`,
`test_single_flight_processes.py` and `test_quota_pause.py` (`tests/faults/scenarios.py`),
with each server a real `python -m trendcache serve` in a new interpreter, the Spotify
emulator in this process (its faults switched and its request log read directly):

- outage under load: stale data, Spotify down (connections dropped; every answer a 503;
  every answer later than our 0.5 s timeout), `--reads` reads over 32 connections of
  `/api/cache/trending`, `/`, `/api/spotify/trending?market=US` and `/api/status` while the
  server's sync fails, then a tenth as many once it has failed and an anonymous sync;
- single flight: two servers on one SQLite file, one PostgreSQL database, and one
  PostgreSQL database with Redis for locks and queue; the data goes stale under them and
  `--calls` anonymous `/api/spotify/sync?wait=true` arrive at once, spread across both;
- quota pause: Spotify's 429 QUOTA_EXCEEDED recorded as a pause, then a healthy Spotify,
  the failure aged past every backoff, reads (anonymous waiting syncs among them) and the
  scheduler's minute job: none may reach Spotify.

Columns: reads (or sync calls) sent to our servers, those not answered 200 with data,
requests that reached Spotify (token requests included, dropped ones too), sync runs the
scenario recorded by status, and the wall time of the scenario (server start included).
Held means: 0 failures; one failed sync and its retries during an outage; exactly one sync
(`ok: 1`, one sync's listing requests) per burst; no Spotify request during the pause.
Measured, and checked: a row that did not hold is marked.

`--redis` names a Redis database the benchmark empties (the default is the tests' own).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from redis import Redis

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.faults.scenarios

from tests.faults.scenarios import Figures, outage_under_load, quota_pause, single_flight

from processes import fresh_postgres
from trendcache.emulators.spotify import SpotifyEmulator

POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
REDIS = "redis://127.0.0.1:6379/15"
BENCH_DB = "trendcache_bench_faults"


def empty_redis(url: str) -> str:
    client = Redis.from_url(url)
    client.flushdb()
    client.close()
    return url


def held(row: Figures) -> str:
    """What did not hold in `row`, or "" (the same rules as the tests, without the detail)."""
    problems = []
    if row.failures:
        problems.append(f"{row.failures} failed reads")
    details = row.details
    if row.scenario.startswith("outage"):
        if row.syncs != {"failed": 1}:
            problems.append(f"syncs {row.syncs}")
    elif row.scenario.startswith("single flight"):
        if row.syncs != {"ok": 1}:
            problems.append(f"syncs {row.syncs}")
        if details["listing_requests"] != details["one_sync_listing_requests"]:
            problems.append("more than one sync's listing requests")
    elif row.upstream != details["upstream_at_pause"]:
        problems.append("Spotify requests during the pause")
    return "; ".join(problems)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--reads", type=int, default=6000, help="reads of the outage burst")
    parser.add_argument("--calls", type=int, default=500, help="sync calls per burst")
    parser.add_argument("--postgres", default=POSTGRES, help="an admin URL to create DBs with")
    parser.add_argument("--redis", default=REDIS, help="a Redis database it may empty")
    args = parser.parse_args()
    small = max(100, args.reads // 3)
    runs: list[tuple[str, Callable[[SpotifyEmulator, Path], Figures]]] = [
        (
            "outage",
            lambda e, f: outage_under_load(
                e, f, fault="outage", reads=args.reads, connections=32, interpreter=True
            ),
        ),
        (
            "503s",
            lambda e, f: outage_under_load(
                e, f, fault="server_error", reads=small, connections=32, interpreter=True
            ),
        ),
        (
            "timeouts",
            lambda e, f: outage_under_load(
                e, f, fault="slow", reads=small, connections=32, interpreter=True
            ),
        ),
        (
            "SQLite",
            lambda e, f: single_flight(e, f, calls=args.calls, label="SQLite", interpreter=True),
        ),
        (
            "PostgreSQL",
            lambda e, f: single_flight(
                e,
                f,
                calls=args.calls,
                database_url=fresh_postgres(args.postgres, BENCH_DB),
                label="PostgreSQL",
                interpreter=True,
            ),
        ),
        (
            "PostgreSQL + Redis",
            lambda e, f: single_flight(
                e,
                f,
                calls=args.calls,
                database_url=fresh_postgres(args.postgres, BENCH_DB),
                redis_url=empty_redis(args.redis),
                label="PostgreSQL + Redis",
                interpreter=True,
            ),
        ),
        (
            "quota",
            lambda e, f: quota_pause(e, f, reads=small, connections=16, interpreter=True),
        ),
    ]
    header = ("scenario", "requests", "failures", "upstream", "syncs", "p99 ms", "seconds")
    rows: list[tuple[str, ...]] = []
    notes: list[str] = []
    began = time.monotonic()
    with SpotifyEmulator() as emulator:
        for label, run in runs:
            print(f"running: {label}…", file=sys.stderr, flush=True)
            with tempfile.TemporaryDirectory() as folder:
                row = run(emulator, Path(folder))
            problem = held(row)
            if problem:
                notes.append(f"{row.scenario}: did not hold: {problem}; {row.examples[:2]}")
            syncs = ", ".join(f"{status} {count}" for status, count in row.syncs.items())
            rows.append(
                (
                    row.scenario + (" (!)" if problem else ""),
                    f"{row.requests:,}",
                    f"{row.failures:,}",
                    f"{row.upstream:,}",
                    syncs or "none",
                    f"{row.percentile(0.99) * 1000:,.0f}",
                    f"{row.seconds:.1f}",
                )
            )
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for index, row_cells in enumerate([header, *rows]):
        print("  ".join(cell.ljust(width) for cell, width in zip(row_cells, widths, strict=True)))
        if index == 0:
            print("  ".join("-" * width for width in widths))
    print(f"\n{time.monotonic() - began:.0f} s in all; p99: of the requests' response times")
    for note in notes:
        print(note)


if __name__ == "__main__":
    main()
