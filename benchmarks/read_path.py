"""Load-test the read path: the JSON and the browse page, ours against nginx and the code before.

    uv run python benchmarks/read_path.py [--duration 10] [--connections 64] [--before 73d9e61]

Fills a SQLite database with one real sync against the built-in Spotify emulator (five
markets: the all-markets view is about 65 KB of JSON, 115 KB of page), then serves it four
ways, one server process at a time, and runs `wrk -t1 --timeout 10s -c64 -d10s --latency`
(after a 2 s warm-up) against each row, server and wrk pinned to a core each with `taskset`
(else they fight over both cores and the scheduler dominates the tail):

- ours: trendcache's app (`create_app`, one uvicorn process with httptools, uvloop, no access
  log and the limits on clients of `trendcache serve`, see `web/server.py`):
  `/api/cache/trending` (identity, `Accept-Encoding: br`, `gzip`, and through FastAPI's
  routing: `?via=route`), the browse page `/` (identity, br, gzip), `/stats` and one album
  page `/albums/<id>` (identity, br): whatever the code under test does for them,
  pre-rendered and compressed once per snapshot or rendered per request;
- before: the same server on the code of `--before REV` (default 73d9e61, the last commit
  whose `/` renders per request: `revision.py` extracts its `src/` and puts it first on
  PYTHONPATH), on the same database: the JSON and the page as they were;
- baseline: a literal port of the seed's read, reading the `spotify_trending` row from the
  database and serialising it again on every request (FastAPI, as one would write it);
- nginx: Debian's nginx (`static_nginx.py`: one worker on the server's core, access log
  off) serving the exact bytes ours sent, JSON and page, plain and with `gzip_static on`
  (the `.gz` beside each file is the gzip body ours sent; the rows ask with
  `Accept-Encoding: gzip`). Where ours sent no gzip, the benchmark gzips (level 6) and says so.

Targets (issue 12; measured, never asserted): page >= 0.5x the JSON's req/s; p99 < 10 ms at
64 connections for both; ours gzip >= 0.5x nginx gzip_static for JSON and page; JSON >= 50x
baseline and >= 0.5x nginx plain. A visit's transfer for `/` (< 30 KB) is page_paint.py's.
A full run with the defaults takes about 4-5 minutes (18 rows of 12 s, plus start-ups).
"""

from __future__ import annotations

import argparse
import gzip
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx2

import revision
from processes import free_port

JSON, PAGE, STATS, ALBUM = "/api/cache/trending", "/", "/stats", "/albums/{album}"
MARKETS = "US,GB,DE,FR,JP"
NEW_RELEASES = 40
# The files nginx serves: the bytes ours sent for JSON and PAGE (and `.gz` beside them).
NGINX_FILES = {JSON: "trending.json", PAGE: "page.html"}


@dataclass(frozen=True)
class Run:
    """One row: a path asked for with an Accept-Encoding (None: no header, identity)."""

    label: str
    path: str
    encoding: str | None = None


# What each server process is measured on. `?via=route` is not one of the exact forms the
# lean path answers, so the same app serves it through FastAPI's routing and Response:
# the row shows what that per-request machinery costs. The compressed rows should cost
# what identity costs where bodies are compressed once per snapshot.
RUNS: dict[str, list[Run]] = {
    "ours": [
        Run("ours-json", JSON),
        Run("ours-json-br", JSON, "br"),
        Run("ours-json-gzip", JSON, "gzip"),
        Run("ours-json-route", JSON + "?via=route"),
        Run("ours-page", PAGE),
        Run("ours-page-br", PAGE, "br"),
        Run("ours-page-gzip", PAGE, "gzip"),
        Run("ours-stats", STATS),
        Run("ours-stats-br", STATS, "br"),
        Run("ours-album", ALBUM),
        Run("ours-album-br", ALBUM, "br"),
    ],
    "before": [Run("before-json", JSON), Run("before-page", PAGE)],
    "baseline": [Run("baseline", JSON)],
    "nginx": [
        Run("nginx-json", "/" + NGINX_FILES[JSON]),
        Run("nginx-json-gzip_static", "/" + NGINX_FILES[JSON], "gzip"),
        Run("nginx-page", "/" + NGINX_FILES[PAGE]),
        Run("nginx-page-gzip_static", "/" + NGINX_FILES[PAGE], "gzip"),
    ],
}


def settings_for(folder: Path, emulator: Any = None) -> Any:
    from trendcache.config import Settings

    return Settings(
        _env_file=None,
        data_dir=folder / "data",
        database_url=f"sqlite:///{folder / 'trendcache.sqlite3'}",
        spotify_markets=MARKETS,
        spotify_new_releases_limit=NEW_RELEASES,
        spotify_client_id=emulator.client_id if emulator else "benchmark",
        spotify_client_secret=emulator.client_secret if emulator else "benchmark",
        spotify_api_base_url=emulator.base_url if emulator else "http://127.0.0.1:9/v1",
        spotify_accounts_base_url=emulator.accounts_url if emulator else "http://127.0.0.1:9",
        spotify_requests_per_minute=6000,
        spotify_daily_request_budget=100_000,
        enable_background_sync=False,
    )


def fill_database(folder: Path) -> None:
    from trendcache.db import Database
    from trendcache.db.migrate import upgrade
    from trendcache.emulators.spotify import SpotifyEmulator
    from trendcache.services import Services

    with SpotifyEmulator() as emulator:
        settings = settings_for(folder, emulator)
        database = Database(settings.resolved_database_url)
        upgrade(database)
        services = Services(settings, database=database)
        result = services.syncer.sync("cli")
        services.close()
    if result.error or result.source != "fresh":
        raise SystemExit(f"the sync against the emulator failed: {result.error}")


# --- the apps, each built inside its own server process -----------------------------------


def ours(folder: Path) -> Any:
    from trendcache import heap
    from trendcache.services import Services
    from trendcache.web.app import create_app

    app = create_app(Services(settings_for(folder)))
    heap.settle()  # as `trendcache serve` does before serving
    return app


def baseline(folder: Path) -> Any:
    """The seed's `prisma.cacheData.findUnique({where: {key: 'spotify_trending'}})`, ported."""
    from fastapi import FastAPI
    from sqlalchemy import select

    from trendcache.db import Database
    from trendcache.db.models import CacheData

    database = Database(settings_for(folder).resolved_database_url)
    app = FastAPI()

    @app.get(JSON)
    def cached_trending() -> dict[str, Any]:
        with database.session() as session:
            row = session.scalar(select(CacheData).where(CacheData.key == "spotify_trending"))
            return {} if row is None else row.data

    return app


def serve(name: str, folder: Path, port: int) -> None:
    import uvicorn

    from trendcache.web.server import server_config

    app = {"ours": ours, "baseline": baseline}[name](folder)
    if name == "ours":  # as `trendcache serve` runs it: its limits on clients included
        uvicorn.Server(server_config(app, settings_for(folder), "127.0.0.1", port)).run()
        return
    uvicorn.run(
        app,
        host="127.0.0.1",
        port=port,
        http="httptools",
        loop="uvloop",
        access_log=False,
        log_level="warning",
    )


# --- measuring ------------------------------------------------------------------------------


@dataclass
class Result:
    name: str
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    body_bytes: int
    errors: str


# On this 2-core box the load generator and the server fight for the same cores; pinning
# each to its own core (one wrk thread) measures the server, not the scheduler.
CPUS = os.cpu_count() or 1
PIN = shutil.which("taskset") is not None and CPUS >= 2
SERVER_CPU, LOAD_CPU = "0", "1"
# A page rendered per request takes seconds at 64 connections: past wrk's default timeout
# (2 s) a request counts as an error and leaves the latencies, which would hide that tail.
WRK = ["wrk", "-t1" if PIN else "-t2", "--timeout", "10s"]


def pinned(cpu: str, command: list[str]) -> list[str]:
    return ["taskset", "-c", cpu, *command] if PIN else command


@contextmanager
def running(name: str, folder: Path, env: dict[str, str] | None = None) -> Iterator[str]:
    """Server `name` (`ours` or `baseline`) in a process of its own, answering; its base
    URL. `env` (default: ours) decides which trendcache it imports. Stopped after."""
    port = free_port()
    command = [sys.executable, __file__, "serve", name, str(folder), str(port)]
    process = subprocess.Popen(pinned(SERVER_CPU, command), env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx2.get(base + JSON, timeout=1).status_code == 200:
                    break
            except httpx2.TransportError:
                pass
            if process.poll() is not None:
                raise SystemExit(f"the {name} server exited with {process.returncode}")
            if time.monotonic() > deadline:
                raise SystemExit(f"the {name} server did not answer within 30 s")
            time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def milliseconds(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", value).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(
    url: str, duration: int, connections: int, encoding: str | None = None
) -> tuple[float, float, float, str]:
    header = ["-H", f"Accept-Encoding: {encoding}"] if encoding else []
    arguments = [*WRK, *header, f"-c{connections}", f"-d{duration}s", "--latency", url]
    command = pinned(LOAD_CPU, arguments)
    return wrk_figures(subprocess.run(command, capture_output=True, text=True, check=True).stdout)


def wrk_figures(output: str) -> tuple[float, float, float, str]:
    """Requests/s, p50 and p99 in ms, and any errors, from `wrk --latency`'s output."""
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    p50 = milliseconds(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1))  # type: ignore[union-attr]
    p99 = milliseconds(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1))  # type: ignore[union-attr]
    errors = re.search(r"(Socket errors:.*|Non-2xx.*)", output)
    return rps, p50, p99, errors.group(1) if errors else ""


def sent_body(url: str, encoding: str | None) -> tuple[bytes, str]:
    """The body as the server sent it, compressed or not (the client decodes nothing), and
    the encoding it was sent in."""
    headers = {"Accept-Encoding": encoding or "identity"}
    with httpx2.stream("GET", url, headers=headers) as response:
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        return b"".join(response.iter_raw()), response.headers.get("content-encoding", "identity")


def measure(
    base: str, runs: list[Run], album: str, duration: int, connections: int
) -> list[Result]:
    results = []
    for run in runs:
        url = base + run.path.format(album=album)
        header = f" -H 'Accept-Encoding: {run.encoding}'" if run.encoding else ""
        command = " ".join(pinned(LOAD_CPU, WRK))
        print(f"{command}{header} -c{connections} -d{duration}s --latency {url}  ({run.label})")
        body, sent = sent_body(url, run.encoding)
        note = "" if sent == (run.encoding or "identity") else f"sent {sent}"
        wrk(url, 2, connections, run.encoding)  # warm-up
        rps, p50, p99, errors = wrk(url, duration, connections, run.encoding)
        notes = "; ".join(filter(None, [note, errors]))
        results.append(Result(run.label, rps, p50, p99, len(body), notes))
    return results


def nginx_files(base: str, files: Path) -> list[str]:
    """The JSON and the page as ours sent them, plain and gzip, written for nginx; notes."""
    files.mkdir()
    notes = []
    for path, name in NGINX_FILES.items():
        plain, _ = sent_body(base + path, None)
        packed, sent = sent_body(base + path, "gzip")
        if sent != "gzip":
            packed = gzip.compress(plain, compresslevel=6)
            notes.append(f"ours sent {path} uncompressed: {name}.gz made here (gzip -6)")
        (files / name).write_bytes(plain)
        (files / f"{name}.gz").write_bytes(packed)
    return notes


def first_album(base: str) -> str:
    document = httpx2.get(base + JSON).json()
    return str(document["newReleases"][0]["id"])


# --- the report -----------------------------------------------------------------------------


def ratio(top: Result, bottom: Result) -> float:
    return top.requests_per_second / bottom.requests_per_second


def report(results: dict[str, Result], connections: int) -> None:
    print(f"\n{'row':<24}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'body B':>10}  notes")
    for result in results.values():
        print(
            f"{result.name:<24}{result.requests_per_second:>10,.0f}{result.p50_ms:>9.2f}"
            f"{result.p99_ms:>9.2f}{result.body_bytes:>10,}  {result.errors}"
        )
    json_, page = results["ours-json"], results["ours-page"]
    print()
    say("page / json, req/s", f"{ratio(page, json_):.3f}x", "target >= 0.5x")
    for name in ("ours-json", "ours-page", "ours-page-br"):
        say(
            f"{name} p99 at {connections} connections",
            f"{results[name].p99_ms:.2f} ms",
            "target < 10 ms",
        )
    for kind in ("json", "page"):
        ours_gzip, nginx_gzip = results[f"ours-{kind}-gzip"], results[f"nginx-{kind}-gzip_static"]
        say(
            f"ours {kind} gzip / nginx gzip_static",
            f"{ratio(ours_gzip, nginx_gzip):.2f}x",
            "target >= 0.5x",
        )
    say("page / before-page (render per request)", f"{ratio(page, results['before-page']):.1f}x")
    say("json / before-json", f"{ratio(json_, results['before-json']):.2f}x")
    say(
        "json / baseline (the seed's read)",
        f"{ratio(json_, results['baseline']):.1f}x",
        "target >= 50x",
    )
    say("json / nginx plain", f"{ratio(json_, results['nginx-json']):.2f}x", "target >= 0.5x")
    say("json req/s", f"{json_.requests_per_second:,.0f}", "target >= 10,000")
    say("lean path / FastAPI route", f"{ratio(json_, results['ours-json-route']):.1f}x")
    for kind in ("json", "page"):
        plain = results[f"ours-{kind}"]
        for encoding in ("br", "gzip"):
            encoded = results[f"ours-{kind}-{encoding}"]
            say(
                f"ours {kind} {encoding} / identity",
                f"{ratio(encoded, plain):.2f}x",
                f"req/s; {encoded.body_bytes:,} B = {encoded.body_bytes / plain.body_bytes:.1%} "
                f"of {plain.body_bytes:,} B",
            )


def say(what: str, value: str, note: str = "") -> None:
    """One line after the table: what, the figure, and its target or a remark."""
    print(f"{what:<42}{value:>11}  {note}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else "")
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument(
        "--before", default=revision.BEFORE, help="the commit whose code the before rows run"
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed; install it with: apt-get install -y wrk")
    began = time.monotonic()
    measuring = (args.duration, args.connections)
    with tempfile.TemporaryDirectory(prefix="trendcache-bench-") as name:
        folder = Path(name)
        print(f"syncing {MARKETS} ({NEW_RELEASES} new releases each) from the emulator ...")
        fill_database(folder)
        results = []
        with running("ours", folder) as base:
            album = first_album(base)
            notes = nginx_files(base, folder / "files")
            results += measure(base, RUNS["ours"], album, *measuring)
        source = revision.extract(args.before, folder / "before")
        before = revision.environment(source)
        url = settings_for(folder).resolved_database_url
        print(f"before = {args.before}: {revision.check(source, url, before)}")
        with running("ours", folder, before) as base:
            results += measure(base, RUNS["before"], album, *measuring)
        with running("baseline", folder) as base:
            results += measure(base, RUNS["baseline"], album, *measuring)
        import static_nginx  # here: the server processes import nothing from tests/

        prefix = pinned(SERVER_CPU, [])
        with static_nginx.serving(folder / "files", folder / "nginx", prefix) as base:
            results += measure(base, RUNS["nginx"], album, *measuring)
        report({result.name: result for result in results}, args.connections)
        for note in notes:
            print(f"note: {note}")
    print(f"\nthe whole run took {time.monotonic() - began:.0f} s")


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "serve":
        serve(sys.argv[2], Path(sys.argv[3]), int(sys.argv[4]))
    else:
        main()
