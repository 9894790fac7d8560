"""Hostile upstream text and refused writes, measured as an operator would see them.

    uv run python benchmarks/hostile_text.py [--seconds 75] [--postgres URL]

The Spotify emulator runs in a process of its own with its ``hostile_names`` fault on
(NUL bytes, control and bidi characters, zero-width characters, 20 KB names).

- page size: the browse page's bytes after a sync of clean names, then of hostile ones
  (SQLite, one market, 100 new releases: the defaults);
- poisoned write: ``trendcache serve`` on a fresh PostgreSQL database with hostile names,
  one browser tab's worth of polling (``/`` once, then ``/fragments/status`` every second)
  for ``--seconds``: Spotify requests sent, sync runs by status, and what
  ``/api/spotify/sync`` answers at the end;
- refused write: the same with clean names on a database whose ``albums`` table refuses
  every write (a trigger), so every sync's write fails.
"""

from __future__ import annotations

import argparse
import collections
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx2
from fastapi.testclient import TestClient
from sqlalchemy import select, text

from processes import EmulatorProcess, free_port, fresh_postgres
from trendcache.config import Settings
from trendcache.db import Database
from trendcache.db.migrate import upgrade
from trendcache.db.models import SyncRun
from trendcache.services import Services
from trendcache.web.app import create_app

DEMO_ID, DEMO_SECRET = "trendcache-demo", "trendcache-demo-secret"  # the emulator's defaults
POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
REFUSE = [
    "CREATE FUNCTION refuse_albums() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN RAISE EXCEPTION 'albums are read-only today'; END $$",
    "CREATE TRIGGER refuse_albums BEFORE INSERT OR UPDATE ON albums "
    "FOR EACH ROW EXECUTE FUNCTION refuse_albums()",
]


def environment(emulator: EmulatorProcess, database_url: str, data_dir: Path) -> dict[str, str]:
    return {
        "SPOTIFY_CLIENT_ID": DEMO_ID,
        "SPOTIFY_CLIENT_SECRET": DEMO_SECRET,
        "SPOTIFY_API_BASE_URL": emulator.base_url,
        "SPOTIFY_ACCOUNTS_BASE_URL": emulator.root,
        "DATABASE_URL": database_url,
        "DATA_DIR": str(data_dir),
        "ENABLE_ENRICHMENT": "false",
        "MUSICBRAINZ_BASE_URL": "http://127.0.0.1:9/ws/2",  # never reached: enrichment off
    }


def page_size(emulator: EmulatorProcess, hostile: bool) -> int:
    emulator.faults(hostile_names=hostile)
    with tempfile.TemporaryDirectory() as folder:
        values = environment(emulator, f"sqlite:///{folder}/db.sqlite3", Path(folder))
        settings = Settings(_env_file=None, **{k.lower(): v for k, v in values.items()})  # type: ignore[call-arg]
        database = Database(settings.resolved_database_url)
        upgrade(database)
        services = Services(settings, database=database)
        try:
            result = services.syncer.sync("cli")
            if result.error:
                print(f"  (sync: {result.error})")
            with TestClient(create_app(services, None)) as client:
                return len(client.get("/").content)
        finally:
            services.close()


def served(
    emulator: EmulatorProcess, database_url: str, seconds: float, *, hostile: bool, refuse: bool
) -> tuple[int, dict[str, int], str]:
    """Spotify requests during `seconds` of an open page, runs by status, the API's answer."""
    database = Database(database_url)
    upgrade(database)
    if refuse:
        with database.engine.begin() as connection:
            for statement in REFUSE:
                connection.execute(text(statement))
    emulator.faults(hostile_names=hostile)
    port = free_port()
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, **environment(emulator, database_url, Path(folder))}
        command = [sys.executable, "-m", "trendcache", "serve", "--port", str(port)]
        server = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        base = f"http://127.0.0.1:{port}"
        try:
            with httpx2.Client(base_url=base, timeout=30) as client:
                deadline = time.monotonic() + 30
                while True:
                    try:
                        client.get("/healthz")
                        break
                    except httpx2.TransportError:
                        if time.monotonic() > deadline:
                            raise SystemExit("trendcache serve did not start") from None
                        time.sleep(0.2)
                start = time.monotonic()
                client.get("/")
                while time.monotonic() - start < seconds:
                    time.sleep(1.0)
                    client.get("/fragments/status")
                sent = emulator.requests()
                answer = client.get("/api/spotify/sync")
                body = answer.json() if answer.status_code == 200 else {}
                api = f"{answer.status_code} error={str(body.get('error'))[:60]!r}"
        finally:
            server.terminate()
            server.wait(15)
    with database.session() as session:
        statuses = collections.Counter(session.scalars(select(SyncRun.status)).all())
    database.dispose()
    return sent, dict(statuses), api


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=75.0)
    parser.add_argument("--postgres", default=POSTGRES, help="an admin URL to create DBs with")
    args = parser.parse_args()
    emulator = EmulatorProcess()
    try:
        clean, hostile = page_size(emulator, False), page_size(emulator, True)
        print(f"browse page: {clean:,} bytes with clean names, {hostile:,} with hostile ones")
        for label, hostile_names, refuse in (
            ("poisoned write (hostile names)", True, False),
            ("refused write (albums trigger)", False, True),
        ):
            url = fresh_postgres(args.postgres, "trendcache_bench_hostile")
            sent, statuses, api = served(
                emulator, url, args.seconds, hostile=hostile_names, refuse=refuse
            )
            print(
                f"{label}, PostgreSQL, {args.seconds:.0f} s of an open page: "
                f"{sent} Spotify requests, runs {statuses}, /api/spotify/sync {api}"
            )
    finally:
        emulator.stop()


if __name__ == "__main__":
    main()
