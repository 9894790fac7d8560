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

Two levels of truth (``Expected``): the album's own release, and its release group, which
MusicBrainz may know when the release is not there or cannot be told from a twin.
Release level: accepted = matched with a release MBID; precision = those that are the
true release; recall = true releases found, over albums whose release is in MusicBrainz.
Group level: accepted = matched with a release-group MBID (a release match or a group-only
match); precision = those that are the true group; recall = true groups found, over
albums whose group is in MusicBrainz. Review: needs_review over all albums.

A second table splits the largest run by the traps real data showed (``hard_cases``: barcode
twins, twins nothing tells apart, shared-barcode reissues, only another country's pressing,
pressing comments, self-titled nicknames); an album may be in several rows.

Targets, at both levels: precision >= 0.99, recall >= 0.95, <= 0.1 requests per album when
URL-linked and <= 0.5 overall, 100 albums in <= 20 s at 1/s, zero violations.
"""

from __future__ import annotations

import argparse
import multiprocessing
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import delete, select

from trendcache.clock import utcnow
from trendcache.config import Settings
from trendcache.db.migrate import upgrade
from trendcache.db.models import EnrichmentState, SpotifyAlbum
from trendcache.db.upsert import upsert
from trendcache.emulators.musicbrainz import HARD_CASES, Expected, HardCase, MusicBrainzEmulator
from trendcache.emulators.spotify import SpotifyEmulator
from trendcache.emulators.spotify.markets import HOME_MARKETS
from trendcache.pipeline.budget import DailyBudget
from trendcache.services import Services

USER_AGENT = "trendcache-eval/0.1 ( https://github.com/trendcache/trendcache )"


@dataclass
class Tally:
    """Counts at both levels of truth for a set of albums."""

    albums: int = 0
    release_present: int = 0
    group_present: int = 0
    release_accepted: int = 0
    release_correct: int = 0
    group_accepted: int = 0
    group_correct: int = 0
    review: int = 0

    def add(self, status: str, release: str | None, group: str | None, truth: Expected) -> None:
        self.albums += 1
        self.release_present += truth.release_mbid is not None
        self.group_present += truth.release_group_mbid is not None
        self.review += status == "needs_review"
        if status != "matched":
            return
        if release is not None:
            self.release_accepted += 1
            self.release_correct += release == truth.release_mbid
        if group is not None:
            self.group_accepted += 1
            self.group_correct += group == truth.release_group_mbid

    def figures(self) -> str:
        """in MB (release, group), precision and recall (release, group), review rate."""
        return (
            f"{self.release_present:>6} {self.group_present:>6} "
            f"{_ratio(self.release_correct, self.release_accepted):>6} "
            f"{_ratio(self.release_correct, self.release_present):>6} "
            f"{_ratio(self.group_correct, self.group_accepted):>6} "
            f"{_ratio(self.group_correct, self.group_present):>6} "
            f"{_ratio(self.review, self.albums):>6}"
        )


FIGURES = (
    f"{'rel MB':>6} {'grp MB':>6} {'rel P':>6} {'rel R':>6} {'grp P':>6} {'grp R':>6} {'review':>6}"
)


def _ratio(part: int, whole: int) -> str:
    return f"{part / whole:.3f}" if whole else "-"


@dataclass
class Row:
    name: str
    tally: Tally
    requests: int
    seconds: float
    violations: int
    by_case: dict[HardCase, Tally] = field(default_factory=dict)


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
            select(
                EnrichmentState.album_id,
                EnrichmentState.status,
                EnrichmentState.release_mbid,
                EnrichmentState.release_group_mbid,
            )
        ).all()
    truth = mb.truth
    tally, by_case = Tally(), {case: Tally() for case in HARD_CASES}
    for album_id, status, release, group in rows:
        expected = truth[album_id]
        tally.add(status, release, group, expected)
        for case in expected.hard_cases:
            by_case[case].add(status, release, group, expected)
    return Row(
        name=name,
        tally=tally,
        requests=len(mb.stats.requests),
        seconds=seconds,
        violations=len(mb.stats.violations),
        by_case=by_case,
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
        f"{'run':38} {'albums':>6} {FIGURES} {'requests':>8} {'req/album':>9} {'seconds':>7} "
        f"{'violations':>10}"
    )
    print(header)
    print("-" * len(header))
    for r in rows:
        print(
            f"{r.name:38} {r.tally.albums:>6} {r.tally.figures()} {r.requests:>8} "
            f"{r.requests / max(1, r.tally.albums):>9.3f} {r.seconds:>7.1f} {r.violations:>10}"
        )
    print(
        "\ntargets, release and group level: precision >= 0.99, recall >= 0.95, req/album "
        "<= 0.1 URL-linked and <= 0.5 overall, 100 albums <= 20 s at 1/s, 0 violations"
    )
    largest = max(rows, key=lambda r: r.tally.albums)
    header = f"{'hard case (' + largest.name.strip() + ')':52} {'albums':>6} {FIGURES}"
    print(f"\n{header}\n{'-' * len(header)}")
    for case, tally in largest.by_case.items():
        print(f"{case:52} {tally.albums:>6} {tally.figures()}")


if __name__ == "__main__":
    main()
