"""History at scale: the two history endpoints, and a sync's history write, on big histories.

    uv run python benchmarks/history_scale.py [--sqlite 10x250] [--postgres 25x1000]
                                              [--requests 400] [--skip-postgres]
                                              [--listenbrainz] [--skip-plateau]

`MARKETSxDAYS`: that many markets, four 100-album snapshots a day for that many days:
10x250 is 1M appearances (SQLite), 25x1000 is 10M (PostgreSQL). The history is generated
by benchmarks/history_data.py with trendcache's own chart rules, then:

- endpoints: trendcache's app in its own uvicorn process on that database, asked one
  request at a time (latency, not throughput): `GET /api/albums/appearances/{id}` for
  `--requests` random albums, and `GET /api/stats/trending` (`--requests` cold and a quarter
  as many warm per row, so that p99 is not just the worst of a hundred) for windows of 7,
  30, 90 days and the whole history,
  over all markets and over one — "cold" with a distinct window every time (computed for
  each request, from the rollups and what the process keeps between requests in use: the
  albums' facts and the newest snapshots' listings), "warm" repeating one (the answer
  served from the stats cache until a new snapshot lands);
- history write: a sync's write of one 100-album snapshot (`record_listing`), with its
  rollups, on an empty database, on SQLite histories of a tenth, a quarter and four times
  the size, and on the big histories: the time must not grow with the history.

The app is served as `trendcache serve` serves it: its statistics warmed up (albums' facts
mirrored, the default window computed) and its heap settled (`trendcache/heap.py`).

`--listenbrainz` adds a daily ListenBrainz top over the same days (benchmarks/
history_listenbrainz.py), part of it matched to the Spotify albums: the statistics then
read three sources and join two ("On both").

Target: p99 < 50 ms for both endpoints. Measured, never asserted.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx2

sys.path.insert(0, str(Path(__file__).resolve().parent))
from processes import free_port

POSTGRES_ADMIN = os.environ.get(
    "TRENDCACHE_BENCH_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
BENCH_DB = "trendcache_bench_history"
END = datetime(2026, 11, 28, tzinfo=UTC)
WINDOWS = {"7 days": 7, "30 days": 30, "90 days": 90, "all": None}


def settings_for(url: str, markets: list[str], folder: Path) -> Any:
    from trendcache.config import Settings

    return Settings(
        _env_file=None,
        data_dir=folder / "data",
        database_url=url,
        spotify_markets=",".join(markets),
        spotify_client_id="benchmark",
        spotify_client_secret="benchmark",
        spotify_api_base_url="http://127.0.0.1:9/v1",
        spotify_accounts_base_url="http://127.0.0.1:9",
        enable_background_sync=False,
        enable_enrichment=False,
    )


def drop_postgres(*names: str) -> None:
    from sqlalchemy import create_engine, text

    admin = create_engine(POSTGRES_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        for name in names:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def postgres_url(name: str = BENCH_DB) -> str:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin = create_engine(POSTGRES_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(POSTGRES_ADMIN).set(database=name).render_as_string(False)


def build(url: str, markets: int, days: int, listenbrainz: bool = False) -> tuple[Any, float]:
    from history_data import generate
    from history_listenbrainz import add_listenbrainz_top
    from trendcache.db import Database
    from trendcache.db.migrate import upgrade

    database = Database(url)
    upgrade(database)
    started = time.perf_counter()
    history = generate(database, markets, days, END)
    if listenbrainz:
        matched = add_listenbrainz_top(database, END, days)
        print(f"ListenBrainz top: {days} daily snapshots, {matched:,} Spotify albums matched")
    return history, time.perf_counter() - started


def write_times(url: str, market: str, albums: list[str], rounds: int = 20) -> list[float]:
    """Milliseconds per `record_listing` of a 100-album snapshot, a sync's history write."""
    from trendcache.db import Database
    from trendcache.pipeline.history.recording import record_listing
    from trendcache.pipeline.keys import NEW_RELEASES

    database = Database(url)
    rng = random.Random(3)
    times = []
    for step in range(rounds):
        chart = rng.sample(albums, 100)
        items = [{"id": album_id} for album_id in chart]
        at = END + timedelta(hours=6 * (step + 1))
        started = time.perf_counter()
        with database.writer() as session:
            record_listing(session, NEW_RELEASES, market, items, at)
        times.append((time.perf_counter() - started) * 1000)
        if database.checkpointer is not None:  # syncs are hours apart: its log is copied by then
            database.checkpointer.wait_idle(60)
    database.dispose()
    return times


def serve(url: str, markets: str, folder: str, port: int) -> None:
    import uvicorn

    from trendcache import heap
    from trendcache.services import Services
    from trendcache.web.app import create_app

    settings = settings_for(url, markets.split(","), Path(folder))
    app = create_app(Services(settings))
    app.context.stats.warm()  # as `trendcache serve` does
    heap.settle()
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


def timed(client: httpx2.Client, paths: list[str]) -> list[float]:
    times = []
    for path in paths:
        started = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{path}: {response.status_code} {response.text[:300]}")
    return times


def endpoint_rows(
    url: str, history: Any, folder: Path, requests: int
) -> list[tuple[str, list[float]]]:
    port = free_port()
    command = [
        sys.executable,
        __file__,
        "--serve",
        url,
        ",".join(history.markets),
        str(folder),
        str(port),
    ]
    server = subprocess.Popen(command)
    rng = random.Random(5)
    rows: list[tuple[str, list[float]]] = []
    try:
        with httpx2.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if client.get("/healthz").status_code < 500:
                        break
                except httpx2.TransportError:
                    pass
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("the app did not start")
                time.sleep(0.2)
            albums = rng.sample(history.charted, min(requests, len(history.charted)))
            paths = [f"/api/albums/appearances/{album_id}" for album_id in albums]
            timed(client, paths[:10])  # warm the connection and the imports
            rows.append(("album appearances", timed(client, paths)))
            for label, days in WINDOWS.items():
                for market in (None, history.markets[0]):
                    rows.extend(_stats_rows(client, rng, label, days, market, requests))
    finally:
        server.terminate()
        server.wait(timeout=10)
    return rows


def _stats_rows(
    client: httpx2.Client,
    rng: random.Random,
    label: str,
    days: int | None,
    market: str | None,
    count: int,
) -> list[tuple[str, list[float]]]:
    def path(shift: int) -> str:
        until = END + timedelta(hours=1, seconds=shift)
        since = until - timedelta(days=days) if days else END - timedelta(days=5000)
        query = f"since={since.isoformat()}&until={until.isoformat()}".replace("+", "%2B")
        return f"/api/stats/trending?{query}" + (f"&market={market}" if market else "")

    cold = timed(client, [path(shift) for shift in rng.sample(range(1, 86_400), count)])
    timed(client, [path(0)])  # computed once, then served from the stats cache
    warm = timed(client, [path(0)] * (count // 4))
    scope = market or "all markets"
    return [(f"stats {label}, {scope}, cold", cold), (f"stats {label}, {scope}, warm", warm)]


def summary(label: str, times: list[float]) -> str:
    ordered = sorted(times)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return (
        f"{label:<40} {len(times):>6} {statistics.median(times):>9.1f} {p99:>9.1f} "
        f"{max(times):>9.1f}"
    )


def write_plateau(markets: int, sizes: list[int], folder: Path) -> None:
    """The history write on SQLite histories of growing size (MARKETS x each of `sizes`
    days): it must stay flat."""
    for days in sizes:
        url = f"sqlite:///{folder / f'plateau-{days}.sqlite3'}"
        history, _ = build(url, markets, days)
        times = write_times(url, history.markets[0], history.charted)
        print(summary(f"history write, SQLite {history.appearances:,}", times))


def run_backend(
    name: str,
    url: str,
    markets: int,
    days: int,
    requests: int,
    folder: Path,
    listenbrainz: bool = False,
) -> None:
    history, seconds = build(url, markets, days, listenbrainz)
    print(
        f"\n{name}: {history.appearances:,} appearances, {history.snapshots:,} snapshots, "
        f"{len(history.charted):,} albums, {len(history.markets)} markets, {days} days "
        f"(generated in {seconds:.0f} s)"
    )
    print(f"{'request':<40} {'n':>6} {'p50 ms':>9} {'p99 ms':>9} {'max ms':>9}")
    for label, times in endpoint_rows(url, history, folder, requests):
        print(summary(label, times))
    # After the endpoints: its snapshots would end the history after the windows asked for.
    big = write_times(url, history.markets[0], history.charted)
    print(summary("history write, this history", big))


def empty_write(label: str, url: str) -> None:
    """The same write on an empty, migrated database: the baseline it must stay near."""
    from trendcache.db import Database
    from trendcache.db.migrate import upgrade

    database = Database(url)
    upgrade(database)
    database.dispose()
    albums = [f"{i:022d}" for i in range(400)]
    print(summary(f"history write, empty {label}", write_times(url, "US", albums)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sqlite", default="10x250", help="MARKETSxDAYS on SQLite")
    parser.add_argument("--postgres", default="25x1000", help="MARKETSxDAYS on PostgreSQL")
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument(
        "--listenbrainz",
        action="store_true",
        help="add a daily ListenBrainz top, matched in part to the Spotify albums",
    )
    parser.add_argument("--skip-plateau", action="store_true", help="no history-write plateau")
    parser.add_argument("--serve", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve[0], args.serve[1], args.serve[2], int(args.serve[3]))
        return
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder)
        print(f"{'request':<40} {'n':>6} {'p50 ms':>9} {'p99 ms':>9} {'max ms':>9}")
        if not args.skip_sqlite:
            empty_write("SQLite", f"sqlite:///{path / 'empty.sqlite3'}")
        if not args.skip_postgres:
            empty_write("PostgreSQL", postgres_url(f"{BENCH_DB}_empty"))
        if not args.skip_sqlite:
            markets, days = (int(x) for x in args.sqlite.split("x"))
            if not args.skip_plateau:
                write_plateau(markets, [days // 10, days // 4, days * 4], path)
            url = f"sqlite:///{path / 'history.sqlite3'}"
            run_backend("SQLite", url, markets, days, args.requests, path, args.listenbrainz)
        if not args.skip_postgres:
            markets, days = (int(x) for x in args.postgres.split("x"))
            try:
                url, lb = postgres_url(), args.listenbrainz
                run_backend("PostgreSQL", url, markets, days, args.requests, path, lb)
            finally:
                drop_postgres(BENCH_DB, f"{BENCH_DB}_empty")
    print("\ntarget: p99 < 50 ms for both endpoints; the history write flat in history size")


if __name__ == "__main__":
    main()
