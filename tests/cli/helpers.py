"""Running the `trendcache` command as a user does: a real subprocess, a clean environment."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

from trendcache.emulators.spotify import SpotifyEmulator

COMMAND = [sys.executable, "-m", "trendcache"]


def run(
    args: list[str], cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*COMMAND, *args], cwd=cwd, env=_env(env), capture_output=True, text=True, timeout=120
    )


def _env(extra: dict[str, str] | None) -> dict[str, str]:
    """The test's environment; ListenBrainz off unless `extra` turns it on (and points it
    at the emulator): no test reaches the internet."""
    keep = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SPOTIFY_", "DATABASE_", "LISTENBRAINZ_"))
    }
    off = {"LISTENBRAINZ_ENABLED": "false"}
    return {**keep, **off, "PYTHONUNBUFFERED": "1", **(extra or {})}


def emulator_env(emulator: SpotifyEmulator, **extra: str) -> dict[str, str]:
    return {
        "SPOTIFY_CLIENT_ID": emulator.client_id,
        "SPOTIFY_CLIENT_SECRET": emulator.client_secret,
        "SPOTIFY_API_BASE_URL": emulator.base_url,
        "SPOTIFY_ACCOUNTS_BASE_URL": emulator.accounts_url,
        **extra,
    }


def listenbrainz_env(emulator: Any) -> dict[str, str]:
    """ListenBrainz on, at `emulator` (a ListenBrainzEmulator), paced for a test."""
    return {
        "MUSICBRAINZ_USER_AGENT": "trendcache-tests/0.1 ( tests@trendcache.invalid )",
        "LISTENBRAINZ_ENABLED": "true",
        "LISTENBRAINZ_BASE_URL": emulator.base_url,
        "LISTENBRAINZ_RATE": "50",
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
