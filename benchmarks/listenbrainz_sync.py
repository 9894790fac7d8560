"""Requests and wall time of a ListenBrainz sync, at ListenBrainz's own pace (1 request/s).

Runs against the ListenBrainz emulator (in this process, on loopback), with production
settings but LISTENBRAINZ_RATE at its default of 1: a fresh SQLite database per chart
size, three forced syncs each (the second and third wait for the limiter's slot left by
the one before, as back-to-back syncs would).

    uv run python benchmarks/listenbrainz_sync.py

A sync needs two requests whatever LISTENBRAINZ_CHART_SIZE is (the chart and the fresh
releases); its time is about one second of pacing plus the history write of its albums.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from trendcache.config import Settings
from trendcache.db import Database
from trendcache.db.migrate import upgrade
from trendcache.emulators.listenbrainz import ListenBrainzEmulator
from trendcache.pipeline.keys import LISTENBRAINZ
from trendcache.services import Services

AGENT = "trendcache-benchmark/0.1 ( benchmarks@trendcache.invalid )"
SYNCS = 3


def main() -> None:
    print(f"{'chart size':>10}  {'sync':>4}  {'requests':>8}  {'albums':>6}  {'wall s':>6}")
    with ListenBrainzEmulator() as emulator, tempfile.TemporaryDirectory() as folder:
        for size in (100, 1000):
            settings = Settings(
                _env_file=None,  # type: ignore[call-arg]
                spotify_client_id="unused",
                spotify_client_secret="unused",
                data_dir=Path(folder) / f"data-{size}",
                database_url=f"sqlite:///{folder}/listenbrainz-{size}.sqlite3",
                musicbrainz_user_agent=AGENT,
                listenbrainz_base_url=emulator.base_url,
                listenbrainz_chart_size=size,
            )
            database = Database(settings.resolved_database_url)
            upgrade(database)
            services = Services(settings, database=database)
            try:
                for number in range(1, SYNCS + 1):
                    emulator.reset()
                    start = time.perf_counter()
                    result = services.syncers[LISTENBRAINZ].sync("cli", force=True)
                    wall = time.perf_counter() - start
                    assert result.error is None, result.error
                    sent = len(emulator.stats.requests)
                    print(f"{size:>10}  {number:>4}  {sent:>8}  {result.albums:>6}  {wall:>6.2f}")
            finally:
                services.close()


if __name__ == "__main__":
    main()
