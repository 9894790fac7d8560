"""An album that needs review, stored as the matcher stores one, between real releases of
the MusicBrainz emulator (it decides few albums that way on its own, and none of a small
listing)."""

from __future__ import annotations

from sqlalchemy import select

from trendcache.clock import utcnow
from trendcache.db.models import EnrichmentState
from trendcache.musicbrainz.outcome import Outcome
from trendcache.musicbrainz.scoring import Decision, score
from trendcache.pipeline.enrichment.facts import album_facts
from trendcache.pipeline.enrichment.store import refresh_seed_metadata, store_outcomes
from trendcache.services import Services


def released_albums(services: Services) -> list[str]:
    """Albums enrichment matched to their very release, in id order."""
    with services.database.session() as session:
        return list(
            session.scalars(
                select(EnrichmentState.album_id)
                .where(EnrichmentState.status == "matched", EnrichmentState.level == "release")
                .order_by(EnrichmentState.album_id)
            )
        )


def release_of(services: Services, album_id: str) -> str:
    with services.database.session() as session:
        row = session.get_one(EnrichmentState, album_id)
        assert row.release_mbid is not None
        return row.release_mbid


def make_needs_review(services: Services, album_id: str, rival_id: str) -> tuple[str, str]:
    """`album_id` (matched) needs review between its own release and `rival_id`'s; the two
    candidates' MBIDs (its own first)."""
    connector = services.enricher.connector()
    assert connector is not None
    client = connector.client()
    own = client.release(release_of(services, album_id))
    rival = client.release(release_of(services, rival_id))
    assert own is not None and rival is not None
    facts = album_facts(services.database, [album_id])[album_id]
    weighed = tuple(sorted((score(facts, r) for r in (own, rival)), key=lambda s: -s.total))
    decision = Decision("needs_review", "fuzzy", round(weighed[0].total, 3), None, weighed)
    with services.database.writer() as session:
        store_outcomes(session, {album_id: Outcome(album_id, decision)}, utcnow())
        refresh_seed_metadata(session)
    return own.id, rival.id
