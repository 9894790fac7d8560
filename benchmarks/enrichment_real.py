"""How the matcher does on real MusicBrainz releases: precision, recall, review, requests.

    uv run python benchmarks/enrichment_real.py [--quiet]

Cases come from the 20 real release lookups in `tests/reference/musicbrainz/eval/`
(`benchmarks/mbreal/cases.py` says how each kind is built and what its truth is), served
by a ws/2 stand-in on 127.0.0.1 (`benchmarks/mbreal/standin.py`). Each round starts from a
fresh SQLite database holding the round's Spotify-shaped albums and their tracks (ISRCs
included), queued as a sync would; the project's own Enricher then runs its batches
against the stand-in, as `benchmarks/enrichment_eval.py` does against the emulator.

Two levels of truth. Release: the album is matched to the very release it was derived from
(for a product not in the catalogue, any release is wrong). Release group: the group the
album was matched to (its release's, or the group alone when the release is unknown) is
the source's. Precision: correct among the albums matched at that level or finer (a
group-only match claims no release); recall: correct among albums whose release (group)
is in the catalogue; review: needs_review over all albums; requests: what the stand-in
received, per album.

It prints, never asserts: the targets of issue 8 are printed beside the figures, and every
wrong or missed release is listed with the candidates the matcher weighed.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # benchmarks.mbreal

from benchmarks.mbreal.cases import KINDS, Case, Round, build_rounds
from benchmarks.mbreal.catalogue import Json, load_releases
from benchmarks.mbreal.standin import Catalogue, StandIn
from sqlalchemy import select

from trendcache.clock import utcnow
from trendcache.config import Settings
from trendcache.db.migrate import upgrade
from trendcache.db.models import EnrichmentState, SpotifyAlbum, SpotifyTrack
from trendcache.db.upsert import upsert
from trendcache.services import Services

USER_AGENT = "trendcache-eval/0.1 ( https://github.com/trendcache/trendcache )"
NOWHERE = "http://127.0.0.1:9"  # Spotify: every track's ISRC is stored, nothing is asked


@dataclass
class Outcome:
    case: Case
    status: str
    release: str | None
    group: str | None  # of the chosen release, from the catalogue
    result: Json


@dataclass
class Tally:
    albums: int = 0
    release_present: int = 0
    group_present: int = 0
    matched: int = 0
    with_release: int = 0  # matched at release level
    release_correct: int = 0
    group_correct: int = 0
    review: int = 0
    requests: int = 0
    outcomes: list[Outcome] = field(default_factory=list)

    def add(self, outcome: Outcome) -> None:
        case = outcome.case
        self.albums += 1
        self.release_present += case.release is not None
        self.group_present += case.group is not None
        self.review += outcome.status == "needs_review"
        if outcome.status == "matched":
            self.matched += 1
            self.with_release += outcome.release is not None
            self.release_correct += outcome.release is not None and outcome.release == case.release
            self.group_correct += case.group is not None and outcome.group == case.group
        self.outcomes.append(outcome)


def _ratio(part: int, whole: int) -> str:
    return f"{part / whole:.3f}" if whole else "  -  "


@contextmanager
def enriched(round_: Round, releases: dict[str, Json], mb: StandIn) -> Iterator[Services]:
    """The round's albums stored, queued and enriched against the stand-in serving the
    round's catalogue, in a fresh SQLite database: the services, until the block ends."""
    served = {i: r for i, r in releases.items() if i not in round_.removed}
    mb.reset(Catalogue(served, round_.links))
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            spotify_client_id="unused",
            spotify_client_secret="unused",
            spotify_api_base_url=f"{NOWHERE}/v1",
            spotify_accounts_base_url=NOWHERE,
            musicbrainz_base_url=mb.base_url,
            musicbrainz_user_agent=USER_AGENT,
            musicbrainz_rate=100,
            enrichment_batch_size=100,
            data_dir=Path(folder),
        )
        services = Services(settings)
        try:
            upgrade(services.database)
            _queue(services, round_.cases)
            mb.reset()
            services.enricher.run_until_idle(max_batches=20)
            yield services
        finally:
            services.close()


def run_round(round_: Round, releases: dict[str, Json], mb: StandIn) -> tuple[list[Outcome], int]:
    served = {i: r for i, r in releases.items() if i not in round_.removed}
    with enriched(round_, releases, mb) as services:
        requests = len(mb.requests)
        with services.database.session() as session:
            rows = {row.album_id: row for row in session.scalars(select(EnrichmentState)).all()}
        outcomes = []
        for case in round_.cases:
            row = rows[case.album["id"]]
            chosen = served.get(row.release_mbid or "")
            group = chosen["release-group"]["id"] if chosen else row.release_group_mbid
            outcomes.append(Outcome(case, row.status, row.release_mbid, group, row.result or {}))
    return outcomes, requests


def _queue(services: Services, cases: list[Case]) -> None:
    """The albums and their tracks stored, and queued for enrichment, as a sync leaves them."""
    now = utcnow()
    albums = [{"id": c.album["id"], "data": c.album, "fetched_at": now} for c in cases]
    tracks = [
        {"id": t["id"], "album_id": c.album["id"], "isrc": t["external_ids"].get("isrc"),
         "data": t, "fetched_at": now}
        for c in cases for t in c.tracks
    ]  # fmt: skip
    queued = [
        {"album_id": c.album["id"], "status": "pending", "attempts": 0, "next_attempt_at": now,
         "queued_at": now, "updated_at": now}
        for c in cases
    ]  # fmt: skip
    with services.database.writer() as session:
        upsert(session, SpotifyAlbum, albums, ["id"], ("data",))
        upsert(session, SpotifyTrack, tracks, ["id"], ("isrc", "data", "album_id"))
        upsert(session, EnrichmentState, queued, ["album_id"])


def _release_label(releases: dict[str, Json], mbid: str | None) -> str:
    if not mbid:
        return "none"
    release = releases.get(mbid)
    if release is None:
        return mbid[:8]
    return (
        f"{mbid[:8]} {release['title'][:28]!r} {release.get('country') or '--'} "
        f"{release.get('date') or '----'} bc={release.get('barcode') or '-'} "
        f"dis={release.get('disambiguation') or '-'!r}"
    )


def _candidates(result: dict[str, Any]) -> list[str]:
    lines = []
    for candidate in result.get("candidates", [])[:4]:
        parts = " ".join(f"{k}={v:.2f}" for k, v in candidate.get("parts", {}).items())
        lines.append(f"      {candidate['mbid'][:8]} {candidate['score']:.3f}  {parts}")
    return lines


def explain(outcome: Outcome, releases: dict[str, Json]) -> list[str]:
    case, result = outcome.case, outcome.result
    album = case.album
    head = (
        f"  [{case.kind}] {album['name']!r} upc={album['external_ids'].get('upc') or '-'} "
        f"from {_release_label(releases, case.source)}"
    )
    got = (
        f"    -> {outcome.status} ({result.get('level') or '-'}) by {result.get('method') or '-'} "
        f"conf={result.get('confidence')}: {_release_label(releases, outcome.release)}"
        f"{'  note: ' + result['note'] if result.get('note') else ''}"
    )
    right = (
        f"    right release: {_release_label(releases, case.release)}; "
        f"group {(case.group or 'none')[:8]}, chosen group {(outcome.group or 'none')[:8]}"
    )
    return [head, got, right, *_candidates(result)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quiet", action="store_true", help="the table only")
    arguments = parser.parse_args()
    releases = load_releases()
    rounds = build_rounds(releases)
    tallies: dict[str, Tally] = defaultdict(Tally)
    with StandIn(Catalogue(releases)) as mb:
        for round_ in rounds:
            outcomes, requests = run_round(round_, releases, mb)
            tallies[round_.kind].requests += requests
            for outcome in outcomes:
                tallies[round_.kind].add(outcome)
    total = Tally()
    for tally in tallies.values():
        total.requests += tally.requests
        for outcome in tally.outcomes:
            total.add(outcome)
    header = (
        f"{'kind':13} {'albums':>6} {'rel in':>6} {'rel':>4} {'rel ok':>6} "
        f"{'rel prec':>8} {'rel rec':>7} {'rg in':>5} {'rg':>4} {'rg ok':>5} {'rg prec':>7} "
        f"{'rg rec':>6} {'review':>6} {'req/album':>9}"
    )
    print(header)
    print("-" * len(header))
    for name, t in [*((k, tallies[k]) for k in KINDS if k in tallies), ("all", total)]:
        if name == "all":
            print("-" * len(header))
        print(
            f"{name:13} {t.albums:>6} {t.release_present:>6} {t.with_release:>4} "
            f"{t.release_correct:>6} {_ratio(t.release_correct, t.with_release):>8} "
            f"{_ratio(t.release_correct, t.release_present):>7} {t.group_present:>5} "
            f"{t.matched:>4} {t.group_correct:>5} {_ratio(t.group_correct, t.matched):>7} "
            f"{_ratio(t.group_correct, t.group_present):>6} {_ratio(t.review, t.albums):>6} "
            f"{t.requests / max(1, t.albums):>9.2f}"
        )
    print(
        "\ntargets (issue 8): release precision >= 0.99, release recall >= 0.95, "
        "release-group recall >= 0.98, review <= 0.05, <= 0.5 requests per album"
    )
    if arguments.quiet:
        return
    matched = [o for o in total.outcomes if o.status == "matched"]
    lists = {
        "wrong releases": [o for o in matched if o.release and o.release != o.case.release],
        "wrong groups": [o for o in matched if o.group != o.case.group],
        "missed releases": [o for o in total.outcomes if o.case.release and not o.release],
        "missed groups": [o for o in total.outcomes if o.case.group and o.status != "matched"],
    }
    for title, found in lists.items():
        print(f"\n{title} ({len(found)}):")
        for outcome in found:
            print("\n".join(explain(outcome, releases)))


if __name__ == "__main__":
    main()
