"""What the benchmarks start besides the code they measure: the Spotify emulator as a
process of its own (driven through its control surface, over HTTP only), free ports and
PostgreSQL databases of their own."""

from __future__ import annotations

import socket
import subprocess
import sys
from typing import Any

import httpx2
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from trendcache.db import Database
from trendcache.db.migrate import upgrade


class EmulatorProcess:
    """`python -m trendcache.emulators.spotify` (its default tier unless `tier` is given)."""

    def __init__(self, tier: str | None = None, latency: float = 0.0) -> None:
        command = [sys.executable, "-m", "trendcache.emulators.spotify"]
        if tier is not None:
            command += ["--tier", tier]
        command += ["--latency", str(latency)]
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
        assert self.process.stdout is not None
        self.base_url = self.process.stdout.readline().strip()
        if not self.base_url:
            raise SystemExit("the Spotify emulator did not start")
        self.root = self.base_url.removesuffix("/v1")

    def clear(self) -> None:
        """Faults off, request log emptied."""
        httpx2.post(f"{self.root}/_emulator/reset").raise_for_status()

    def faults(self, **body: Any) -> None:
        """Clear, then switch on the faults `body` names (the control surface's JSON)."""
        self.clear()
        if body:
            httpx2.post(f"{self.root}/_emulator/faults", json=body).raise_for_status()

    def stats(self) -> dict[str, Any]:
        stats: dict[str, Any] = httpx2.get(f"{self.root}/_emulator/stats").json()
        return stats

    def requests(self) -> int:
        return int(self.stats()["total"])

    def by_endpoint(self) -> dict[str, int]:
        return dict(self.stats()["by_endpoint"])

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fresh_postgres(admin_url: str, name: str) -> str:
    """An empty, migrated PostgreSQL database `name` (made anew); its URL."""
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    database = Database(url)
    upgrade(database)
    database.dispose()
    return url
