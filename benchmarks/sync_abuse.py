"""`/api/spotify/sync` abused, as an operator would see it: a stampede of waiting callers
while Spotify times out, and anonymous callers forcing syncs.

    uv run python benchmarks/sync_abuse.py [--callers 60] [--forcers 150]

A real `trendcache serve` (SQLite, one market) against the Spotify emulator in a process of
its own, both driven over HTTP only, so the script runs against any checkout (copy it and
`hostile_text.py` into an older one to measure before a change).

- stampede: stale data, every Spotify request answered after 3 s while the client gives up
  after 2 s (SPOTIFY_TIMEOUT_SECONDS), `--callers` concurrent `GET /api/spotify/sync`;
  meanwhile `/healthz`, `/api/status` and `/` are probed every 0.5 s. Reported: the slowest
  probe, the longest a caller was held, sync runs started, Spotify requests;
- anonymous force: fresh data, a healthy Spotify, `--forcers` sequential anonymous
  `GET /api/spotify/sync?force=true`: answers by status, sync runs, Spotify requests.
"""

from __future__ import annotations

import argparse
import collections
import os
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx2

from hostile_text import environment
from processes import EmulatorProcess, free_port

PROBES = ("/healthz", "/api/status", "/")


class Server:
    """`trendcache serve` on a SQLite file in `folder`, against `emulator`."""

    def __init__(self, emulator: EmulatorProcess, folder: Path, **extra: str) -> None:
        self.database = folder / "trendcache.sqlite3"
        self.env = {
            **os.environ,
            **environment(emulator, f"sqlite:///{self.database}", folder),
            **extra,
        }
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def cli(self, *args: str) -> None:
        command = [sys.executable, "-m", "trendcache", *args]
        subprocess.run(command, env=self.env, check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        command = [sys.executable, "-m", "trendcache", "serve", "--port", str(self.port)]
        self.process = subprocess.Popen(
            command, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx2.get(f"{self.base}/healthz", timeout=2).status_code == 200:
                    return
            except httpx2.TransportError:
                pass
            time.sleep(0.2)
        raise SystemExit("trendcache serve did not become healthy")

    def runs(self) -> int:
        with sqlite3.connect(self.database) as connection:
            return int(connection.execute("SELECT count(*) FROM sync_runs").fetchone()[0])

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(30)


def stampede(emulator: EmulatorProcess, callers: int) -> dict[str, str]:
    with tempfile.TemporaryDirectory() as folder:
        server = Server(
            emulator,
            Path(folder),
            CACHE_DURATION_HOURS="0.0003",  # about a second: stale by the time we ask
            SPOTIFY_TIMEOUT_SECONDS="2",
            ENABLE_BACKGROUND_SYNC="false",
        )
        emulator.clear()
        server.cli("sync")
        server.start()
        try:
            time.sleep(2)
            emulator.faults(latency=3.0)
            before_runs, before_requests = server.runs(), emulator.requests()
            slowest = dict.fromkeys(PROBES, 0.0)
            held: list[float] = []
            statuses: collections.Counter[int] = collections.Counter()
            done = threading.Event()

            def call() -> None:
                started = time.monotonic()
                try:
                    response = httpx2.get(f"{server.base}/api/spotify/sync", timeout=180)
                    statuses[response.status_code] += 1
                except httpx2.TransportError:
                    statuses[0] += 1
                held.append(time.monotonic() - started)

            def probe() -> None:
                with httpx2.Client(base_url=server.base, timeout=180) as client:
                    while not done.is_set():
                        for path in PROBES:
                            started = time.monotonic()
                            client.get(path)
                            slowest[path] = max(slowest[path], time.monotonic() - started)
                        time.sleep(0.5)

            prober = threading.Thread(target=probe)
            started = time.monotonic()
            with ThreadPoolExecutor(max_workers=callers) as pool:
                prober.start()
                for future in [pool.submit(call) for _ in range(callers)]:
                    future.result()
            done.set()
            prober.join()
            took = time.monotonic() - started
            return {
                "callers": str(callers),
                "answers": ", ".join(f"{s}: {n}" for s, n in sorted(statuses.items())),
                "longest caller held (s)": f"{max(held):.1f}",
                "slowest /healthz (s)": f"{slowest['/healthz']:.1f}",
                "slowest /api/status (s)": f"{slowest['/api/status']:.1f}",
                "slowest / (s)": f"{slowest['/']:.1f}",
                "sync runs started": str(server.runs() - before_runs),
                "Spotify requests": str(emulator.requests() - before_requests),
                "duration (s)": f"{took:.1f}",
            }
        finally:
            emulator.clear()
            server.stop()


def anonymous_force(emulator: EmulatorProcess, forcers: int) -> dict[str, str]:
    with tempfile.TemporaryDirectory() as folder:
        server = Server(emulator, Path(folder), ENABLE_BACKGROUND_SYNC="false")
        emulator.clear()
        server.cli("sync")
        server.start()
        try:
            before_runs, before_requests = server.runs(), emulator.requests()
            statuses: collections.Counter[int] = collections.Counter()
            with httpx2.Client(base_url=server.base, timeout=120) as client:
                for _ in range(forcers):
                    response = client.get("/api/spotify/sync", params={"force": "true"})
                    statuses[response.status_code] += 1
            return {
                "anonymous force=true calls": str(forcers),
                "answers": ", ".join(f"{s}: {n}" for s, n in sorted(statuses.items())),
                "sync runs started": str(server.runs() - before_runs),
                "Spotify requests": str(emulator.requests() - before_requests),
            }
        finally:
            server.stop()


def table(title: str, rows: dict[str, str]) -> None:
    width = max(len(key) for key in rows)
    print(f"\n{title}")
    for key, value in rows.items():
        print(f"  {key:<{width}}  {value}")


def main() -> None:
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--callers", type=int, default=60)
    arguments.add_argument("--forcers", type=int, default=150)
    options = arguments.parse_args()
    emulator = EmulatorProcess()
    try:
        table("stampede while Spotify times out", stampede(emulator, options.callers))
        table("anonymous force=true", anonymous_force(emulator, options.forcers))
    finally:
        emulator.stop()


if __name__ == "__main__":
    main()
