"""Two levels of truth, stored and reported: real releases served by the real-data stand-in.

Spotify's own digital releases of real albums whose CD pressings (other barcodes, other
countries) are all MusicBrainz holds: each album is stored as its release group, release
unknown, asked about again when MusicBrainz may have gained the release, and counted apart
wherever enrichment is reported.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from benchmarks.enrichment_real import enriched
from benchmarks.mbreal.cases import Round, build_rounds
from benchmarks.mbreal.catalogue import load_releases
from benchmarks.mbreal.standin import Catalogue, StandIn
from sqlalchemy import select, update

from trendcache.clock import utcnow
from trendcache.db.models import EnrichmentState
from trendcache.pipeline.enrichment.claims import claim_batch
from trendcache.pipeline.enrichment.status import read_enrichment_status
from trendcache.pipeline.enrichment.store import REVIEW_AGAIN


@pytest.fixture(scope="module")
def releases() -> dict[str, Any]:
    return load_releases()


@pytest.fixture(scope="module")
def standin(releases: dict[str, Any]) -> Iterator[StandIn]:
    with StandIn(Catalogue(releases)) as server:
        yield server


def digital_round(releases: dict[str, Any]) -> Round:
    (found,) = [r for r in build_rounds(releases) if r.kind == "digital"]
    return found


def test_other_pressings_only_store_the_release_group(
    releases: dict[str, Any], standin: StandIn
) -> None:
    round_ = digital_round(releases)
    group_only = [case for case in round_.cases if case.release is None]
    assert len(group_only) >= 15
    with enriched(round_, releases, standin) as services:
        before = utcnow()
        with services.database.session() as session:
            rows = {row.album_id: row for row in session.scalars(select(EnrichmentState))}
        for case in group_only:
            row = rows[case.album["id"]]
            assert (row.status, row.level, row.release_mbid) == ("matched", "release_group", None)
            assert row.release_group_mbid == case.group
            assert row.result is not None and row.result["level"] == "release_group"
            assert row.result["artistMbids"], "the group's artists are known"
            # MusicBrainz may gain this very release: asked about again, as reviews are.
            assert before < row.next_attempt_at <= before + REVIEW_AGAIN
        status = read_enrichment_status(services.database)
        assert status.levels["release_group"] == len(group_only)
        assert status.levels["release"] == len(round_.cases) - len(group_only)
        assert status.as_json()["levels"] == status.levels

        # When that time comes the album is due again, like any undecided one.
        album_id = group_only[0].album["id"]
        with services.database.writer() as session:
            session.execute(
                update(EnrichmentState)
                .where(EnrichmentState.album_id == album_id)
                .values(next_attempt_at=utcnow() - timedelta(seconds=1))
            )
        assert read_enrichment_status(services.database).due == 1
        _batch, claimed = claim_batch(services.database, 10)
        assert claimed == [album_id]
