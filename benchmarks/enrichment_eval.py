"""How well, how cheaply and how politely albums are matched to MusicBrainz.

    uv run python benchmarks/enrichment_eval.py [--skip-catalog]

Against the Spotify and MusicBrainz emulators (the latter enforcing 1 request/s per client
and counting every request that arrives too early), with the ground truth the MusicBrainz
emulator keeps for each album. Each row starts from a fresh SQLite database, synced from
Spotify, and times only the enrichment:

- 100 new albums, one worker, at MusicBrainz's 1 request/s;
- the URL-linked ones among them alone (the cheap path);
- the same 100 albums with two worker processes at once;
- the whole released catalog (~1,200 albums) at a mirror's rate, for precision and recall
  at scale (skipped with --skip-catalog).

Precision: accepted matches that are the true release. Recall: true releases found, over
albums MusicBrainz has. Targets: precision >= 0.99, recall >= 0.95, <= 0.1 requests per
album when URL-linked and <= 0.5 overall, 100 albums in <= 20 s at 1/s, zero violations.
"""

from __future__ import annotations

import argparse
import multiprocessing
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete, select

from trendcache.clock import utcnow
from trendcache.config import Settings
from trendcache.db.migrate import upgrade
from trendcache.db.models import EnrichmentState, SpotifyAlbum
from trendcache.db.upsert import upsert
from trendcache.emulators.musicbrainz import MusicBrainzEmulator
from trendcache.emulators.spotify import SpotifyEmulator
from trendcache.emulators.spotify.markets import HOME_MARKETS
from trendcache.pipeline.budget import DailyBudget
from trendcache.services import Services

USER_AGENT = "trendcache-eval/0.1 ( https://github.com/trendcache/trendcache )"


@dataclass
class Row:
    name: str
    albums: int
    present: int
    accepted: int
    correct: int
    review: int
    requests: int
    seconds: float
    violations: int

    @property
    def precision(self) -> float:
        return self.correct / self.accepted if self.accepted else 1.0

    @property
    def recall(self) -> float:
        return self.correct / self.present if self.present else 1.0


def settings_for(
    spotify: SpotifyEmulator, mb: MusicBrainzEmulator, folder: Path, **extra: object
) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        spotify_client_id=spotify.client_id,
        spotify_client_secret=spotify.client_secret,
        spotify_api_base_url=spotify.base_url,
        spotify_accounts_base_url=spotify.accounts_url,
        spotify_markets=",".join(HOME_MARKETS),
        spotify_new_releases_limit=100,
        musicbrainz_base_url=mb.base_url,
        musicbrainz_user_agent=USER_AGENT,
        data_dir=folder,
        **extra,
    )


def _enrich_in_child(settings: Settings) -> None:
    services = Services(settings)
    services.enricher.run_until_idle(max_batches=1000)
    services.close()


def run(
    name: str,
    spotify: SpotifyEmulator,
    mb: MusicBrainzEmulator,
    *,
    workers: int = 1,
    only: str | None = None,
    catalog: bool = False,
    rate: float = 1.0,
    batch: int = 100,
) -> Row:
    with tempfile.TemporaryDirectory() as folder:
        extra: dict[str, object] = {"musicbrainz_rate": rate, "enrichment_batch_size": batch}
        settings = settings_for(spotify, mb, Path(folder), **extra)
        services = Services(settings)
        upgrade(services.database)
        if catalog:
            _queue_whole_catalog(services, spotify)
        elif services.syncer.sync("cli", force=True).error:
            raise SystemExit(f"{name}: the sync failed")
        if only is not None:
            keep = [a for a, t in mb.truth.items() if t.linked_by == only]
            with services.database.writer() as session:
                unwanted = EnrichmentState.album_id.not_in(keep)
                session.execute(delete(EnrichmentState).where(unwanted))
        mb.reset()
        mb.requests_per_second = max(1.0, rate)
        started = time.perf_counter()
        if workers == 1:
            services.enricher.run_until_idle(max_batches=1000)
        else:
            context = multiprocessing.get_context("fork")
            children = [
                context.Process(target=_enrich_in_child, args=(settings,)) for _ in range(workers)
            ]
            for child in children:
                child.start()
            for child in children:
                child.join()
        seconds = time.perf_counter() - started
        row = _score(name, services, mb, seconds)
        services.close()
        return row


def _queue_whole_catalog(services: Services, spotify: SpotifyEmulator) -> None:
    """Every released album, hydrated through the real client and queued as a sync would."""
    client = services.connector.client(DailyBudget(services.database, "spotify", 10**6))
    albums = client.albums([album.id for album in spotify.catalog.released_albums()], None)
    client.close()
    now = utcnow()
    details = [{"id": i, "data": d, "fetched_at": now} for i, d in albums.items()]
    queued = [
        {"album_id": i, "status": "pending", "attempts": 0, "next_attempt_at": now,
         "queued_at": now, "updated_at": now}
        for i in albums
    ]  # fmt: skip
    with services.database.writer() as session:
        upsert(session, SpotifyAlbum, details, ["id"], ("data",))
        upsert(session, EnrichmentState, queued, ["album_id"])


def _score(name: str, services: Services, mb: MusicBrainzEmulator, seconds: float) -> Row:
    with services.database.session() as session:
        rows = session.execute(
            select(EnrichmentState.album_id, EnrichmentState.status, EnrichmentState.release_mbid)
        ).all()
    truth = mb.truth
    accepted = [(a, mbid) for a, status, mbid in rows if status == "matched"]
    return Row(
        name=name,
        albums=len(rows),
        present=sum(1 for a, _, _ in rows if truth[a].release_mbid),
        accepted=len(accepted),
        correct=sum(1 for a, mbid in accepted if truth[a].release_mbid == mbid),
        review=sum(1 for _, status, _ in rows if status == "needs_review"),
        requests=len(mb.stats.requests),
        seconds=seconds,
        violations=len(mb.stats.violations),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--skip-catalog", action="store_true", help="skip the ~1,200-album row")
    arguments = parser.parse_args()
    with SpotifyEmulator() as spotify, MusicBrainzEmulator(spotify.catalog) as mb:
        rows = [
            run("100 new albums, 1 worker, 1 req/s", spotify, mb),
            run("  of which URL-linked only", spotify, mb, only="url"),
            run("100 new albums, 2 workers, 1 req/s", spotify, mb, workers=2, batch=50),
        ]
        if not arguments.skip_catalog:
            rows.append(
                run("whole catalog, 1 worker, 50 req/s", spotify, mb, catalog=True, rate=50)
            )
    header = (
        f"{'run':38} {'albums':>6} {'in MB':>6} {'precision':>9} {'recall':>7} {'review':>6} "
        f"{'requests':>8} {'req/album':>9} {'seconds':>8} {'violations':>10}"
    )
    print(header)
    print("-" * len(header))
    for r in rows:
        print(
            f"{r.name:38} {r.albums:>6} {r.present:>6} {r.precision:>9.3f} {r.recall:>7.3f} "
            f"{r.review:>6} {r.requests:>8} {r.requests / max(1, r.albums):>9.3f} "
            f"{r.seconds:>8.1f} {r.violations:>10}"
        )
    print(
        "\ntargets: precision >= 0.99, recall >= 0.95, req/album <= 0.1 URL-linked and <= 0.5 "
        "overall, 100 albums <= 20 s at 1/s, 0 violations"
    )


if __name__ == "__main__":
    main()
