"""Requests and time of a first and a repeat sync of 100 new albums, in each access tier.

Runs against the Spotify emulator, in a process of its own (as Spotify is), with 100 ms of
latency on every response, a fresh SQLite database per tier, and production settings
(retry policy, shared rate limiter, budget).

    uv run python benchmarks/sync_requests.py

"Necessary" is the least the endpoints' limits allow: extended, 100 albums / 50 per
new-releases page + 100 / 20 per albums batch + artists / 50 per artists batch;
development, 100 / 10 per search page + one GET /albums/{id} per album. The token request
goes to the accounts service and is listed apart.
"""

from __future__ import annotations

import math
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import update

from processes import EmulatorProcess
from trendcache.clock import utcnow
from trendcache.config import Settings
from trendcache.db.migrate import upgrade
from trendcache.db.models import CacheData
from trendcache.emulators.spotify.markets import HOME_MARKETS
from trendcache.services import Services

LATENCY = 0.1
DEMO_ID, DEMO_SECRET = "trendcache-demo", "trendcache-demo-secret"  # the emulator's defaults
ALBUMS = 100


def necessary(tier: str, albums: int, artists: int, first: bool) -> int:
    if tier == "extended":
        listing = math.ceil(albums / 50)
        return listing + (math.ceil(albums / 20) + math.ceil(artists / 50) if first else 0)
    return math.ceil(albums / 10) + (albums if first else 0)


def run_tier(tier: str) -> list[tuple[str, ...]]:
    rows = []
    emulator = EmulatorProcess(tier, LATENCY)
    try:
        with tempfile.TemporaryDirectory() as folder:
            rows = _syncs(tier, emulator, Path(folder))
    finally:
        emulator.stop()
    return rows


def _syncs(tier: str, emulator: EmulatorProcess, folder: Path) -> list[tuple[str, ...]]:
    # Extended: one editorial list for every market; all markets together make it 100
    # albums. Development: one market's tag:new search, 100 deep.
    markets = ",".join(HOME_MARKETS) if tier == "extended" else "US"
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        spotify_client_id=DEMO_ID,
        spotify_client_secret=DEMO_SECRET,
        spotify_api_base_url=emulator.base_url,
        spotify_accounts_base_url=emulator.root,
        spotify_access_tier=tier,
        spotify_markets=markets,
        spotify_new_releases_limit=ALBUMS,
        data_dir=folder,
    )
    services = Services(settings)
    upgrade(services.database)
    rows = []
    for label in ("first", "repeat"):
        emulator.clear()
        started = time.perf_counter()
        result = services.syncer.sync("cli", force=True)
        elapsed = time.perf_counter() - started
        if result.error:
            sys.exit(f"{tier} {label} sync failed: {result.error}")
        endpoints = emulator.by_endpoint()
        needed = necessary(tier, result.albums, _artist_count(services), label == "first")
        rows.append(
            (
                tier,
                label,
                str(result.albums),
                str(result.hydrated),
                str(result.requests),
                str(needed),
                str(endpoints.get("/api/token", 0)),
                f"{elapsed:.2f}",
                ", ".join(f"{k} {v}" for k, v in sorted(endpoints.items())),
            )
        )
        with services.database.writer() as session:
            session.execute(update(CacheData).values(expires=utcnow()))
    services.close()
    return rows


def _artist_count(services: Services) -> int:
    from sqlalchemy import func, select

    from trendcache.db.models import SpotifyArtist

    with services.database.session() as session:
        return int(session.scalar(select(func.count()).select_from(SpotifyArtist)) or 0)


def main() -> None:
    header = (
        "tier",
        "sync",
        "albums",
        "hydrated",
        "requests",
        "necessary",
        "token",
        "seconds",
        "by endpoint",
    )
    rows = [header, *run_tier("extended"), *run_tier("development")]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    for index, row in enumerate(rows):
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
        if index == 0:
            print("  ".join("-" * width for width in widths))
    print(f"\nemulator latency {LATENCY * 1000:.0f} ms per response; target: extended first < 1 s")


if __name__ == "__main__":
    main()
