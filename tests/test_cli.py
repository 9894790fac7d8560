"""The `trendcache` command as a user runs it: real subprocesses, real servers."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2
import pytest

from tests.pipeline.helpers import cache_row
from trendcache.emulators.spotify import SpotifyEmulator
from trendcache.pipeline.keys import trending_key
from trendcache.services import Services
from trendcache.tasks import TaskQueue

COMMAND = [sys.executable, "-m", "trendcache"]


def run(
    args: list[str], cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*COMMAND, *args], cwd=cwd, env=_env(env), capture_output=True, text=True, timeout=120
    )


def _env(extra: dict[str, str] | None) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("SPOTIFY_", "DATABASE_"))}
    return {**keep, "PYTHONUNBUFFERED": "1", **(extra or {})}


def emulator_env(emulator: SpotifyEmulator, **extra: str) -> dict[str, str]:
    return {
        "SPOTIFY_CLIENT_ID": emulator.client_id,
        "SPOTIFY_CLIENT_SECRET": emulator.client_secret,
        "SPOTIFY_API_BASE_URL": emulator.base_url,
        "SPOTIFY_ACCOUNTS_BASE_URL": emulator.accounts_url,
        **extra,
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize(
    ("variable", "value"),
    [("CACHE_DURATION_HOURS", "six"), ("SPOTIFY_MARKETS", "USA"), ("DATABASE_URL", "mysql://x")],
)
def test_invalid_configuration_stops_with_one_line(
    tmp_path: Path, variable: str, value: str
) -> None:
    result = run(["sync"], tmp_path, {variable: value})
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert variable in lines[0]
    assert "Traceback" not in result.stderr


def test_sync_fetches_with_a_summary_and_never_logs_the_secret(
    tmp_path: Path, spotify_emulator: SpotifyEmulator
) -> None:
    env = emulator_env(spotify_emulator, LOG_LEVEL="DEBUG", DATA_DIR=str(tmp_path / "data"))
    result = run(["sync"], tmp_path, env)
    assert result.returncode == 0, result.stderr
    assert "requests" in result.stdout
    assert "extended" in result.stdout
    assert spotify_emulator.client_secret not in result.stdout + result.stderr
    again = run(["sync"], tmp_path, env)
    assert "fresh" in again.stdout
    settings = run(["settings"], tmp_path, env)
    assert "SPOTIFY_CLIENT_SECRET" in settings.stdout
    assert spotify_emulator.client_secret not in settings.stdout


def test_sync_reports_an_upstream_failure_with_exit_status_1(
    tmp_path: Path, spotify_emulator: SpotifyEmulator
) -> None:
    spotify_emulator.faults.outage = True
    env = emulator_env(spotify_emulator, DATA_DIR=str(tmp_path / "data"))
    result = run(["sync"], tmp_path, env)
    assert result.returncode == 1
    assert "unreachable" in result.stderr.splitlines()[-1]
    assert "Traceback" not in result.stderr


def test_sync_and_worker_need_credentials(tmp_path: Path) -> None:
    for command in ("sync", "worker"):
        result = run([command], tmp_path)
        assert result.returncode == 2
        assert "SPOTIFY_CLIENT_ID" in result.stderr


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], str]]:
    port = free_port()
    process = subprocess.Popen(
        [*COMMAND, "serve", "--port", str(port)],
        cwd=tmp_path,
        env=_env({"DATA_DIR": str(tmp_path / "data")}),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    yield process, f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(20)


def test_serve_without_credentials_runs_the_demo_and_fills_the_page(
    server: tuple[subprocess.Popen[str], str],
) -> None:
    process, url = server
    assert process.stdout is not None
    notice = ""
    while "demo data" not in notice:
        line = process.stdout.readline()
        assert line, "serve exited before announcing the demo"
        notice = line
    assert "built-in Spotify emulator" in notice
    deadline = time.monotonic() + 60
    body: dict[str, Any] = {}
    while time.monotonic() < deadline and not body.get("newReleases"):
        try:
            body = httpx2.get(f"{url}/api/cache/trending", timeout=2).json()
        except httpx2.TransportError:
            time.sleep(0.1)
    assert body["newReleases"], "the first sync filled the cache by itself"
    page = httpx2.get(url, timeout=5)
    assert page.status_code == 200
    assert body["newReleases"][0]["name"].replace("'", "&#39;") in page.text
    assert "Demo data" in page.text


def test_worker_processes_the_redis_queue_on_postgresql(
    tmp_path: Path,
    spotify_emulator: SpotifyEmulator,
    make_services: Any,
    postgres_database: Any,
    redis_client: Any,
    redis_url: str,
) -> None:
    services: Services = make_services(postgres_database, redis_url=redis_url)
    env = emulator_env(
        spotify_emulator,
        DATABASE_URL=services.settings.resolved_database_url,
        REDIS_URL=redis_url,
        DATA_DIR=str(tmp_path / "data"),
    )
    worker = subprocess.Popen(
        [*COMMAND, "worker", "--workers", "1"],
        cwd=tmp_path,
        env=_env(env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        TaskQueue(services.settings, lambda: services).request_sync("api")
        deadline = time.monotonic() + 60
        while cache_row(services.database, trending_key()) is None:
            assert worker.poll() is None, worker.stdout.read() if worker.stdout else ""
            assert time.monotonic() < deadline, "the worker never synced"
            time.sleep(0.1)
    finally:
        worker.terminate()
        worker.wait(20)


def test_enrich_matches_in_the_foreground_and_refuses_an_anonymous_agent(
    tmp_path: Path, spotify_emulator: SpotifyEmulator, musicbrainz_emulator: Any
) -> None:
    env = emulator_env(
        spotify_emulator,
        DATA_DIR=str(tmp_path / "data"),
        MUSICBRAINZ_BASE_URL=musicbrainz_emulator.base_url,
        MUSICBRAINZ_RATE="50",
        MUSICBRAINZ_USER_AGENT="python-requests/2.32",
    )
    assert run(["sync"], tmp_path, env).returncode == 0
    refused = run(["enrich"], tmp_path, env)
    assert refused.returncode == 2
    assert "MUSICBRAINZ_USER_AGENT" in refused.stderr.splitlines()[-1]
    assert musicbrainz_emulator.stats.requests == []

    env["MUSICBRAINZ_USER_AGENT"] = "trendcache-tests/0.1 ( tests@trendcache.invalid )"
    enriched = run(["enrich"], tmp_path, env)
    assert enriched.returncode == 0, enriched.stderr
    assert "matched" in enriched.stdout
    assert "MusicBrainz requests" in enriched.stdout
    assert musicbrainz_emulator.stats.violations == []
