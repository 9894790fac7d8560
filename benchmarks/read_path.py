"""Load-test the read path: `GET /api/cache/trending` against a baseline and a ceiling.

    uv run python benchmarks/read_path.py [--duration 10] [--connections 64]

Fills a SQLite database with one real sync against the built-in Spotify emulator (five
markets, so the all-markets view is about 50 KB), then serves the same bytes three ways,
one uvicorn process each (httptools, uvloop, no access log; ours with the limits on
clients of `trendcache serve`, see `web/server.py`), one at a time, and runs
`wrk -t1 -c64 -d10s --latency` against each, server and wrk pinned to a core each with
`taskset` (else they fight over both cores and the scheduler dominates the tail):

- ours: trendcache's app (`create_app`), answering from its in-memory snapshots (identity,
  and as `Accept-Encoding: br` and `gzip` ask: bodies compressed once per snapshot);
- baseline: a literal port of the seed's read, reading the `spotify_trending` row from the
  database and serialising it again on every request (FastAPI, as one would write it);
- ceiling: a bare Starlette app returning the same bytes, pre-encoded, from memory.

Targets: p99 < 10 ms, ours >= 50x baseline, ours >= 0.5x ceiling. Measured, never asserted.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx2

from processes import free_port

PATH = "/api/cache/trending"
MARKETS = "US,GB,DE,FR,JP"
NEW_RELEASES = 40
# What each server process is measured on. `?via=route` is not one of the exact forms the
# lean path answers, so the same app serves it through FastAPI's routing and Response:
# the row shows what that per-request machinery costs.
# `ours-br` and `ours-gzip` ask for a compressed body (wrk `-H`): compressed once per
# snapshot, so they should cost what identity costs, with fewer bytes to write.
RUNS: dict[str, list[tuple[str, str, str | None]]] = {
    "ours": [
        ("ours", "", None),
        ("ours-br", "", "br"),
        ("ours-gzip", "", "gzip"),
        ("ours-route", "?via=route", None),
    ],
    "baseline": [("baseline", "", None)],
    "ceiling": [("ceiling", "", None)],
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


# --- the three apps, each built inside its own server process -----------------------------


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

    @app.get(PATH)
    def cached_trending() -> dict[str, Any]:
        with database.session() as session:
            row = session.scalar(select(CacheData).where(CacheData.key == "spotify_trending"))
            return {} if row is None else row.data

    return app


def ceiling(folder: Path) -> Any:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    body = (folder / "body.json").read_bytes()

    async def cached_trending(request: Request) -> Response:
        return Response(body, media_type="application/json")

    return Starlette(routes=[Route(PATH, cached_trending)])


def serve(name: str, folder: Path, port: int) -> None:
    import uvicorn

    from trendcache.web.server import server_config

    app = {"ours": ours, "baseline": baseline, "ceiling": ceiling}[name](folder)
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
WRK = ["wrk", "-t1"] if PIN else ["wrk", "-t2"]


def pinned(cpu: str, command: list[str]) -> list[str]:
    return ["taskset", "-c", cpu, *command] if PIN else command


def start(name: str, folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    command = [sys.executable, __file__, "serve", name, str(folder), str(port)]
    process = subprocess.Popen(pinned(SERVER_CPU, command))
    url = f"http://127.0.0.1:{port}{PATH}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx2.get(url, timeout=1).status_code == 200:
                return process, url
        except httpx2.TransportError:
            pass
        if process.poll() is not None:
            raise SystemExit(f"the {name} server exited with {process.returncode}")
        time.sleep(0.1)
    process.terminate()
    raise SystemExit(f"the {name} server did not answer within 30 s")


def milliseconds(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", value).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(
    url: str, duration: int, connections: int, encoding: str | None = None
) -> tuple[float, float, float, str]:
    header = ["-H", f"Accept-Encoding: {encoding}"] if encoding else []
    arguments = [*WRK, *header, f"-c{connections}", f"-d{duration}s", "--latency", url]
    command = pinned(LOAD_CPU, arguments)
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    p50 = milliseconds(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1))  # type: ignore[union-attr]
    p99 = milliseconds(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1))  # type: ignore[union-attr]
    errors = re.search(r"(Socket errors:.*|Non-2xx.*)", output)
    return rps, p50, p99, errors.group(1) if errors else ""


def sent_body(url: str, encoding: str | None) -> bytes:
    """The body as the server sent it, compressed or not (the client decodes nothing)."""
    headers = {"Accept-Encoding": encoding or "identity"}
    with httpx2.stream("GET", url, headers=headers) as response:
        if response.headers.get("content-encoding", "identity") != (encoding or "identity"):
            raise SystemExit(f"{url} did not answer in {encoding}: {response.headers}")
        return b"".join(response.iter_raw())


def measure(server: str, folder: Path, duration: int, connections: int) -> list[Result]:
    process, base = start(server, folder)
    results = []
    try:
        for label, query, encoding in RUNS[server]:
            url = base + query
            header = f" -H 'Accept-Encoding: {encoding}'" if encoding else ""
            print(
                f"{' '.join(pinned(LOAD_CPU, WRK))}{header} -c{connections} -d{duration}s {url}"
                f"  ({label})"
            )
            body = sent_body(url, encoding)
            wrk(url, 2, connections, encoding)  # warm-up
            rps, p50, p99, errors = wrk(url, duration, connections, encoding)
            results.append(Result(label, rps, p50, p99, len(body), errors))
    finally:
        process.terminate()
        process.wait(timeout=10)
    return results


def report(results: dict[str, Result]) -> None:
    print(f"\n{'app':<12}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'body B':>9}  notes")
    for result in results.values():
        print(
            f"{result.name:<12}{result.requests_per_second:>10,.0f}{result.p50_ms:>9.2f}"
            f"{result.p99_ms:>9.2f}{result.body_bytes:>9,}  {result.errors}"
        )
    ours_, base, top = results["ours"], results["baseline"], results["ceiling"]
    vs_base = ours_.requests_per_second / base.requests_per_second
    vs_top = ours_.requests_per_second / top.requests_per_second
    print(f"\nours / baseline: {vs_base:6.1f}x   (target >= 50x)")
    print(f"ours / ceiling:  {vs_top:6.2f}x   (target >= 0.5x)")
    route = results["ours"].requests_per_second / results["ours-route"].requests_per_second
    print(f"lean path / FastAPI route: {route:4.1f}x")
    for encoding in ("br", "gzip"):
        encoded = results[f"ours-{encoding}"]
        speed = encoded.requests_per_second / ours_.requests_per_second
        size = encoded.body_bytes / ours_.body_bytes
        print(f"ours {encoding:<4} / identity: {speed:5.2f}x req/s, {size:5.1%} of the bytes")
    print(f"ours p99:        {ours_.p99_ms:6.2f} ms (target < 10 ms)")
    print(f"ours req/s:      {ours_.requests_per_second:8,.0f} (target >= 10,000)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else "")
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=64)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed; install it with: apt-get install -y wrk")
    with tempfile.TemporaryDirectory(prefix="trendcache-bench-") as name:
        folder = Path(name)
        print(f"syncing {MARKETS} ({NEW_RELEASES} new releases each) from the emulator ...")
        fill_database(folder)
        process, url = start("ours", folder)
        (folder / "body.json").write_bytes(sent_body(url, None))
        process.terminate()
        process.wait(timeout=10)
        results = {}
        for server in RUNS:
            for result in measure(server, folder, args.duration, args.connections):
                results[result.name] = result
        report(results)


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "serve":
        serve(sys.argv[2], Path(sys.argv[3]), int(sys.argv[4]))
    else:
        main()
