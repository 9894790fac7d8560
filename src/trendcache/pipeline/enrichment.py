"""The seed's `enrichNextAlbum`, in batches: claim due albums, match, record, repeat.

Runs in any number of workers at once: claims keep them on different albums, and the
limiter they share keeps MusicBrainz at MUSICBRAINZ_RATE from all of them together.
Without a valid MUSICBRAINZ_USER_AGENT nothing is sent and the reason is recorded for the
status page; the rest of trendcache carries on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select

from trendcache.config import Settings
from trendcache.db import Database
from trendcache.db.models import EnrichmentState
from trendcache.db.types import utcnow
from trendcache.musicbrainz.connector import MusicBrainzConnector
from trendcache.musicbrainz.errors import MusicBrainzError, UserAgentError
from trendcache.musicbrainz.matcher import Matcher, Outcome
from trendcache.pipeline.budget import DailyBudget
from trendcache.pipeline.claims import LEASE, ClaimKeeper, claim_batch
from trendcache.pipeline.enrichment_status import DISABLED
from trendcache.pipeline.enrichment_store import (
    NOT_HYDRATED_AGAIN,
    refresh_seed_metadata,
    release,
    step_done,
    steps_done,
    store_outcomes,
)
from trendcache.pipeline.facts import TrackIsrcs, album_facts
from trendcache.pipeline.mbcache import DatabaseResponseCache
from trendcache.pipeline.state import TIER, StateStore
from trendcache.spotify.client import SpotifyClient
from trendcache.spotify.connector import SpotifyConnector

log = logging.getLogger(__name__)


@dataclass
class BatchResult:
    batch_id: str
    albums: int
    decided: dict[str, int] = field(default_factory=dict)
    requests: int = 0
    cached: int = 0
    error: str | None = None


class Enricher:
    def __init__(
        self,
        database: Database,
        settings: Settings,
        spotify: SpotifyConnector | None,
        musicbrainz: Callable[[], MusicBrainzConnector] | None = None,
        on_change: Callable[[], None] = lambda: None,
        claim_lease: timedelta = LEASE,
    ) -> None:
        self.database = database
        self.claim_lease = claim_lease
        self.settings = settings
        self.spotify = spotify
        self.state = StateStore(database)
        self.on_change = on_change
        self._connect = musicbrainz or (lambda: MusicBrainzConnector(settings))
        self._connector: MusicBrainzConnector | None = None

    def connector(self) -> MusicBrainzConnector | None:
        """The MusicBrainz connection, or None (and the reason recorded) if we may not use it."""
        if self._connector is None:
            try:
                self._connector = self._connect()
            except UserAgentError as exc:
                self.state.set(DISABLED, {"reason": str(exc)})
                log.error("MusicBrainz enrichment is off: %s", exc)
                return None
            self.state.delete(DISABLED)
        return self._connector

    def run_batch(self) -> BatchResult | None:
        """Enrich one batch of due albums; None when nothing is due or enrichment is off."""
        connector = self.connector()
        if connector is None:
            return None
        size = self.settings.enrichment_batch_size
        batch_id, album_ids = claim_batch(self.database, size, self.claim_lease)
        if not album_ids:
            return None
        result = BatchResult(batch_id, len(album_ids))
        facts = album_facts(self.database, album_ids)
        done = steps_done(self.database, batch_id)
        cache = DatabaseResponseCache(self.database)
        client = connector.client(cache)

        def store(outcomes: list[Outcome]) -> None:
            """Each step's decisions land at once, so pages fill in while the batch runs."""
            with self.database.writer() as session:
                store_outcomes(session, {o.album_id: o for o in outcomes}, utcnow())
                refresh_seed_metadata(session)
            for outcome in outcomes:
                status = outcome.decision.status
                result.decided[status] = result.decided.get(status, 0) + 1
            self.on_change()

        with ClaimKeeper(self.database, batch_id, self.claim_lease):
            try:
                ordered = sorted(facts.values(), key=lambda album: album.id)  # same questions
                Matcher(client, self._isrcs(), self._claimed).match(
                    ordered, store, lambda method: step_done(self.database, batch_id, method), done
                )
            except MusicBrainzError as exc:
                result.error = str(exc)
                log.warning("enrichment batch %s failed: %s", batch_id, exc)
            finally:
                result.requests = client.session.sent
                result.cached = cache.hits
        with self.database.writer() as session:  # the undecided: unhydrated, or cut short
            release(session, batch_id, NOT_HYDRATED_AGAIN, error=result.error)
        log.info("enrichment batch %s: %s, %s requests", batch_id, result.decided, result.requests)
        return result

    def run_until_idle(
        self, max_batches: int = 50, on_batch: Callable[[BatchResult], None] | None = None
    ) -> list[BatchResult]:
        results = []
        for _ in range(max_batches):
            result = self.run_batch()
            if result is None:
                break
            results.append(result)
            if on_batch is not None:
                on_batch(result)
            if result.error is not None:
                break
        return results

    def _isrcs(self) -> TrackIsrcs:
        tier = (self.state.get(TIER) or {}).get("tier", self.settings.spotify_access_tier)
        return TrackIsrcs(self.database, self._spotify_client, str(tier))

    def _spotify_client(self) -> SpotifyClient | None:
        if self.spotify is None:
            return None
        budget = DailyBudget(self.database, "spotify", self.settings.spotify_daily_request_budget)
        return self.spotify.client(budget)

    def _claimed(self, mbids: list[str]) -> dict[str, str]:
        with self.database.session() as session:
            rows = session.execute(
                select(EnrichmentState.release_mbid, EnrichmentState.album_id).where(
                    EnrichmentState.release_mbid.in_(mbids),
                    EnrichmentState.status == "matched",
                )
            ).all()
        return {mbid: album_id for mbid, album_id in rows if mbid}

    def close(self) -> None:
        if self._connector is not None:
            self._connector.close()
