"""Throughput of the fleet: reads with 1, 2 and 4 web processes behind nginx, and
enrichment with 1 and 2 workers at MusicBrainz's 1 request/s.

    uv run python benchmarks/fleet.py [--duration 8] [--connections 64] [--enrich-seconds 45]
        [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/postgres]
        [--redis redis://127.0.0.1:6379/13]

On PostgreSQL (a database of its own, made anew) and Redis (the given database, emptied),
against the Spotify and MusicBrainz emulators run in this process, filled by one sync:

- reads: N `python -m trendcache web` processes (each a new interpreter, each on its own
  port) behind nginx round-robin (tests/fleet/nginx.py); `wrk -t2 -cC -dDs --latency`
  on `/api/cache/trending` and `/` (the browse page) through nginx, after a 2 s warm-up;
- enrichment: N `python -m trendcache worker` processes on a fresh database whose one
  sync queued its albums, MUSICBRAINZ_RATE=1 and the emulator enforcing 1 request/s per
  client (the workers share one address and User-Agent, as on one host): albums decided
  per minute and MusicBrainz requests per second over `--enrich-seconds`, and requests the
  emulator counted as too fast (violations).

What to expect. Reads: on this 2-core machine everything (nginx, the web processes, wrk)
shares two cores, so 2 processes gain over 1 only the core one process leaves idle, and 4
gain nothing more (four processes time-slice two cores; p99 grows). On a machine with C
cores to spare for web processes, read throughput grows about linearly up to C processes:
every process answers from its own in-memory snapshot, nothing is shared on the read path.
Enrichment: it must NOT get faster with a second worker. MusicBrainz allows one request per
second per client and the limiter is shared through Redis, so 2 workers send the same
1 req/s as one (albums per minute equal within noise); a second worker buys failover, not
speed. Faster enrichment needs a MusicBrainz mirror of one's own (and MUSICBRAINZ_RATE).

Measured, never asserted: tests/fleet/ asserts the behaviour. Only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from redis import Redis
from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.faults, tests.fleet

from tests.faults.servers import Server, server_env, settings_of, start_command
from tests.fixtures.musicbrainz import USER_AGENT
from tests.fleet.nginx import start_nginx

from processes import free_port, fresh_postgres
from read_path import wrk_figures
from trendcache.db import Database
from trendcache.db.models import EnrichmentState
from trendcache.emulators.musicbrainz import MusicBrainzEmulator
from trendcache.emulators.spotify import SpotifyEmulator
from trendcache.services import Services

PATHS = ("/api/cache/trending", "/")
WEB_PROCESSES = (1, 2, 4)
WORKERS = (1, 2)
MARKETS = "US,GB,DE,FR,JP"
DATABASE = "trendcache_bench_fleet"


@dataclass
class Row:
    what: str
    processes: int
    rate: float  # req/s, or albums/min
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    notes: str = ""


def environment(
    spotify: SpotifyEmulator, mb: MusicBrainzEmulator, database_url: str, redis_url: str, data: Path
) -> dict[str, str]:
    return server_env(
        spotify,
        database_url,
        data,
        SPOTIFY_MARKETS=MARKETS,
        REDIS_URL=redis_url,
        ENABLE_ENRICHMENT="true",
        ENABLE_BACKGROUND_SYNC="false",
        MUSICBRAINZ_BASE_URL=mb.base_url,
        MUSICBRAINZ_USER_AGENT=USER_AGENT,
        MUSICBRAINZ_RATE="1",
        ENRICHMENT_BATCH_SIZE="5",
        SCHEDULE_SECONDS="2",
    )


def synced(env: dict[str, str]) -> None:
    """One sync, as `trendcache sync` would (it queues the albums for enrichment)."""
    services = Services(settings_of(env))
    try:
        result = services.syncer.sync("cli", force=True)
    finally:
        services.close()
    if result.source != "fresh":
        raise SystemExit(f"the sync against the emulator failed: {result.error}")


@contextmanager
def started(argvs: list[list[str]], env: dict[str, str], folder: Path) -> Iterator[list[Server]]:
    """`python -m trendcache ARGV` each (a new interpreter), stopped on the way out."""
    servers = [
        start_command(argv, env, folder / f"{argv[0]}-{index}", interpreter=True)
        for index, argv in enumerate(argvs)
    ]
    try:
        yield servers
    finally:
        for server in servers:
            server.stop()


def wrk(url: str, duration: int, connections: int) -> tuple[float, float, float, str]:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", url]
    return wrk_figures(subprocess.run(command, capture_output=True, text=True, check=True).stdout)


def reads(env: dict[str, str], folder: Path, duration: int, connections: int) -> list[Row]:
    rows = []
    for count in WEB_PROCESSES:
        ports = [free_port() for _ in range(count)]
        argvs = [["web", "--port", str(port)] for port in ports]
        with started(argvs, env, folder / f"web-{count}") as web:
            for server in web:
                server.wait_ready()
            nginx = start_nginx([server.url for server in web], folder / f"nginx-{count}")
            try:
                for path in PATHS:
                    url = nginx.url + path
                    print(f"wrk -t2 -c{connections} -d{duration}s --latency {url}  ({count} web)")
                    wrk(url, 2, connections)  # warm-up
                    rps, p50, p99, errors = wrk(url, duration, connections)
                    rows.append(Row(f"GET {path}", count, rps, p50, p99, errors))
            finally:
                nginx.stop()
    return rows


def decided(database_url: str) -> tuple[int, int]:
    """(albums decided, albums in all)."""
    database = Database(database_url)
    try:
        with database.session() as session:
            total = session.scalar(select(func.count()).select_from(EnrichmentState)) or 0
            pending = (
                session.scalar(
                    select(func.count())
                    .select_from(EnrichmentState)
                    .where(EnrichmentState.status == "pending")
                )
                or 0
            )
    finally:
        database.dispose()
    return total - pending, total


def enrichment(
    spotify: SpotifyEmulator,
    mb: MusicBrainzEmulator,
    admin_url: str,
    redis: Redis,
    redis_url: str,
    folder: Path,
    seconds: int,
) -> list[Row]:
    rows = []
    for count in WORKERS:
        database_url = fresh_postgres(admin_url, f"{DATABASE}_enrich_{count}")
        redis.flushdb()
        data = folder / f"enrich-{count}"
        data.mkdir()
        env = environment(spotify, mb, database_url, redis_url, data)
        synced(env)
        mb.reset()
        mb.requests_per_second = 1.0
        argvs = [["worker", "--workers", "2"] for _ in range(count)]
        print(f"{count} worker(s) enriching for {seconds} s at MUSICBRAINZ_RATE=1 ...")
        with started(argvs, env, data) as workers:
            deadline = time.monotonic() + 60
            while not all("schedule on" in worker.output() for worker in workers):
                if time.monotonic() > deadline or any(w.exited() is not None for w in workers):
                    raise SystemExit("a worker did not start:\n" + workers[0].tail())
                time.sleep(0.1)
            began, at_start = time.monotonic(), decided(database_url)[0]
            time.sleep(seconds)
            done, total = decided(database_url)
            elapsed = time.monotonic() - began
        stats = mb.stats
        requests = stats.total
        rows.append(
            Row(
                "enrichment",
                count,
                (done - at_start) / elapsed * 60,
                notes=f"{done}/{total} albums decided, MusicBrainz {requests / elapsed:.2f} "
                f"req/s, {len(stats.violations)} violations",
            )
        )
    return rows


def report(rows: list[Row]) -> None:
    print(f"\n{'measure':<24}{'processes':>10}{'rate':>18}{'p50 ms':>9}{'p99 ms':>9}  notes")
    for row in rows:
        if row.what == "enrichment":
            rate, timing = f"{row.rate:,.1f} albums/min", " " * 18
        else:
            rate, timing = f"{row.rate:,.0f} req/s", f"{row.p50_ms:>9.2f}{row.p99_ms:>9.2f}"
        print(f"{row.what:<24}{row.processes:>10}{rate:>18}{timing}  {row.notes}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else "")
    parser.add_argument("--duration", type=int, default=8, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--enrich-seconds", type=int, default=45)
    parser.add_argument(
        "--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    )
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/13")
    args = parser.parse_args()
    for tool in ("wrk", "nginx"):
        if shutil.which(tool) is None and not os.access(f"/usr/sbin/{tool}", os.X_OK):
            raise SystemExit(f"{tool} is not installed; apt-get install -y {tool}")
    redis = Redis.from_url(args.redis)
    redis.flushdb()
    rows: list[Row] = []
    with (
        tempfile.TemporaryDirectory(prefix="trendcache-fleet-") as name,
        SpotifyEmulator() as spotify,
        MusicBrainzEmulator(spotify.catalog, requests_per_second=1.0) as mb,
    ):
        folder = Path(name)
        spotify.tier = "extended"
        database_url = fresh_postgres(args.postgres, f"{DATABASE}_reads")
        (folder / "data").mkdir()
        env = environment(spotify, mb, database_url, args.redis, folder / "data")
        env["ENABLE_ENRICHMENT"] = "false"  # reads alone
        print(f"syncing {MARKETS} from the emulator ...")
        synced(env)
        rows += reads(env, folder, args.duration, args.connections)
        rows += enrichment(
            spotify, mb, args.postgres, redis, args.redis, folder, args.enrich_seconds
        )
    redis.flushdb()
    report(rows)


if __name__ == "__main__":
    main()
