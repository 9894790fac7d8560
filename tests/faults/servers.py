"""`trendcache serve` as an operator runs it: a process of its own on a real port, its
settings in the environment, pointed at the Spotify emulator; plus the database it starts
from and what it recorded.

Fault scenarios start one or two of these per test, so start-up is kept short: no
enrichment, two markets of 40 new releases, and (for tests) a fork of the test process
rather than a new interpreter (see `start_server`). Output goes to a file: a full pipe
would stall a server under load.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

import httpx2
import uvicorn.loops.uvloop
import uvicorn.protocols.http.httptools_impl
from sqlalchemy import func, select

import trendcache.cli
import trendcache.serve
from trendcache.config import Settings
from trendcache.db import Database
from trendcache.db.migrate import upgrade
from trendcache.db.models import SyncRun
from trendcache.emulators.spotify import SpotifyEmulator
from trendcache.services import Services

COMMAND = [sys.executable, "-m", "trendcache"]
# Imported here, so that a forked server finds them loaded (see `start_server`).
PRELOADED = (trendcache.serve, uvicorn.loops.uvloop, uvicorn.protocols.http.httptools_impl)
START_SECONDS = 60.0
MARKETS = "US,GB"
NEW_RELEASES = 40


def terminate(process: subprocess.Popen[Any]) -> None:
    """SIGTERM, and SIGKILL if it has not ended within 10 s; a no-op if it has already."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def server_env(
    emulator: SpotifyEmulator, database_url: str, data_dir: Path, **extra: str
) -> dict[str, str]:
    """Every setting a fault scenario's server runs with (upper-case, as in a shell)."""
    return {
        "SPOTIFY_CLIENT_ID": emulator.client_id,
        "SPOTIFY_CLIENT_SECRET": emulator.client_secret,
        "SPOTIFY_API_BASE_URL": emulator.base_url,
        "SPOTIFY_ACCOUNTS_BASE_URL": emulator.accounts_url,
        "SPOTIFY_MARKETS": MARKETS,
        "SPOTIFY_NEW_RELEASES_LIMIT": str(NEW_RELEASES),
        "SPOTIFY_REQUESTS_PER_MINUTE": "6000",
        "SPOTIFY_DAILY_REQUEST_BUDGET": "100000",
        "DATABASE_URL": database_url,
        "DATA_DIR": str(data_dir),
        "ENABLE_ENRICHMENT": "false",
        "MUSICBRAINZ_BASE_URL": "http://127.0.0.1:9/ws/2",  # never reached: enrichment off
        "LISTENBRAINZ_ENABLED": "false",  # no test reaches the internet
        # Load comes from one address; the per-client limit has tests of its own.
        "API_RATE_LIMIT_PER_MINUTE": "1000000",
        "LOG_LEVEL": "WARNING",
        **extra,
    }


def settings_of(env: Mapping[str, str]) -> Settings:
    """The settings a server started with `env` reads, for work done in the test process."""
    values: dict[str, Any] = {name.lower(): value for name, value in env.items()}
    return Settings(_env_file=None, **values)


def synced_database(env: Mapping[str, str]) -> None:
    """Migrate the server's database and fill it with one real sync, as a server would
    leave it."""
    settings = settings_of(env)
    services = Services(settings)
    try:
        upgrade(services.database)
        result = services.syncer.sync("cli", force=True)
        assert result.source == "fresh", result.error
    finally:
        services.close()


def sync_runs(database_url: str) -> dict[str, int]:
    """`sync_runs` rows by status."""
    database = Database(database_url)
    try:
        with database.session() as session:
            rows = session.execute(select(SyncRun.status, func.count()).group_by(SyncRun.status))
            return {status: int(count) for status, count in rows}
    finally:
        database.dispose()


@dataclass
class Server:
    """A running `trendcache serve` (or another command: a worker has no `url`); `url` is
    its base URL, `log` its output."""

    process: subprocess.Popen[bytes] | BaseProcess
    url: str
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def exited(self) -> int | None:
        """The exit status once the process has ended, else None."""
        if isinstance(self.process, subprocess.Popen):
            return self.process.poll()
        return None if self.process.is_alive() else self.process.exitcode

    def wait_ready(self, timeout: float = START_SECONDS) -> None:
        """Until `/healthz` answers 200 (migrated, snapshots built); fail with its output."""
        deadline = time.monotonic() + timeout
        with httpx2.Client(timeout=2) as client:
            while True:
                if (status := self.exited()) is not None:
                    raise AssertionError(f"serve exited {status}:\n{self.tail()}")
                try:
                    if client.get(f"{self.url}/healthz").status_code == 200:
                        return
                except httpx2.TransportError:
                    pass
                if time.monotonic() > deadline:
                    raise AssertionError(f"serve not ready in {timeout:.0f} s:\n{self.tail()}")
                time.sleep(0.05)

    def tail(self, lines: int = 40) -> str:
        return "\n".join(self.output().splitlines()[-lines:])

    def kill(self) -> None:
        """SIGKILL, as the OOM killer or a power cut ends it: no shutdown of any kind."""
        if self.process.pid is not None:
            os.kill(self.process.pid, signal.SIGKILL)
        if isinstance(self.process, subprocess.Popen):
            self.process.wait(20)
        else:
            self.process.join(20)

    def stop(self) -> None:
        """SIGTERM (a graceful shutdown), SIGKILL if that takes longer than 20 s."""
        pid = self.process.pid
        if pid is None or self.exited() is not None:
            return
        os.kill(pid, signal.SIGTERM)
        if isinstance(self.process, subprocess.Popen):
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
            return
        self.process.join(20)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(10)


def _environment(env: Mapping[str, str]) -> dict[str, str]:
    """Ours, over a copy of this process's environment without any trendcache setting."""
    settings = {name.upper() for name in Settings.model_fields}
    keep = {name: value for name, value in os.environ.items() if name not in settings}
    return {**keep, "PYTHONUNBUFFERED": "1", **env}


def _run_cli(argv: list[str], env: dict[str, str], folder: Path, log: str) -> None:
    """In a forked child: the `trendcache` command with `argv`, in `folder`, output to `log`."""
    os.chdir(folder)
    out = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    os.dup2(out, 1)
    os.dup2(out, 2)
    os.environ.clear()
    os.environ.update(env)
    sys.argv = ["trendcache", *argv]
    # Not the parent's Python-level streams (pytest's capture, say): the log file.
    with (
        open(1, "w", buffering=1, closefd=False) as stdout,
        open(2, "w", buffering=1, closefd=False) as stderr,
    ):
        sys.stdout, sys.stderr = stdout, stderr
        trendcache.cli.main()


def start_server(env: Mapping[str, str], folder: Path, *, interpreter: bool = False) -> Server:
    """Start `trendcache serve --port N` with `env` (not waiting: see `Server.wait_ready`).

    `interpreter=True` runs `python -m trendcache serve` in a new interpreter, exactly as
    an operator does. By default the command runs in a fork of this process instead: the
    same `trendcache.cli.main` from the same argv and environment, without importing the
    app again, which costs about 4 s of CPU per process (9 s on a loaded CI machine)
    where a forked server answers within a second.
    """
    port = free_port()
    return start_command(["serve", "--port", str(port)], env, folder, interpreter=interpreter)


def start_command(
    argv: list[str],
    env: Mapping[str, str],
    folder: Path,
    *,
    interpreter: bool = False,
    wrapper: Sequence[str] = (),
) -> Server:
    """Start `trendcache ARGV` as `start_server` does (`url`: its `--host` and `--port`'s,
    if any); its output goes to `folder/<command>-<port or pid>.log`. `wrapper` runs the
    new interpreter under a command (`ip netns exec NAME`, which execs it: the process is
    the interpreter's own)."""
    port = argv[argv.index("--port") + 1] if "--port" in argv else None
    host = argv[argv.index("--host") + 1] if "--host" in argv else "127.0.0.1"
    interpreter = interpreter or bool(wrapper)
    folder.mkdir(parents=True, exist_ok=True)
    log = folder / f"{argv[0]}-{port or len(list(folder.glob(f'{argv[0]}-*.log')))}.log"
    process: subprocess.Popen[bytes] | BaseProcess
    if interpreter:
        with log.open("wb") as out:
            process = subprocess.Popen(
                [*wrapper, *COMMAND, *argv],
                cwd=folder,
                env=_environment(env),
                stdout=out,
                stderr=subprocess.STDOUT,
            )
    else:
        log.touch()
        process = multiprocessing.get_context("fork").Process(
            target=_run_cli, args=(argv, _environment(env), folder, str(log)), daemon=False
        )
        process.start()
    return Server(process, f"http://{host}:{port}" if port else "", log)


@contextmanager
def serving(
    *envs: Mapping[str, str], folder: Path, interpreter: bool = False
) -> Iterator[list[Server]]:
    """One started, ready server per `env`, all stopped on the way out."""
    servers: list[Server] = []
    try:
        for index, env in enumerate(envs):
            servers.append(start_server(env, folder / f"server-{index}", interpreter=interpreter))
        for server in servers:
            server.wait_ready()
        yield servers
    finally:
        for server in servers:
            server.stop()
