"""The seed's `enrichNextAlbum`, in batches: claim due albums, match, record, repeat.

Runs in any number of workers at once: claims keep them on different albums, and the
limiter they share keeps MusicBrainz at MUSICBRAINZ_RATE from all of them together.
Without a valid MUSICBRAINZ_USER_AGENT nothing is sent and the reason is recorded for the
status page; the rest of trendcache carries on.

A write the database refuses is handled like a MusicBrainz failure, never raised out of
the worker: a decision that cannot be stored is an error on its album (tried again in
minutes) while the batch goes on with the rest; any other failure (the response cache
refused, a step's bookkeeping) ends the batch with the error recorded on its undecided
albums. Were even that refused, the claim lapses and the batch is taken up again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from trendcache.clock import utcnow
from trendcache.config import Settings
from trendcache.db import Database
from trendcache.db.errors import database_error
from trendcache.db.models import EnrichmentState
from trendcache.musicbrainz.connector import MusicBrainzConnector
from trendcache.musicbrainz.errors import MusicBrainzError, UserAgentError
from trendcache.musicbrainz.matcher import Matcher
from trendcache.musicbrainz.outcome import Outcome
from trendcache.pipeline.budget import DailyBudget
from trendcache.pipeline.enrichment.claims import LEASE, ClaimKeeper, claim_batch
from trendcache.pipeline.enrichment.facts import TrackIsrcs, album_facts
from trendcache.pipeline.enrichment.response_cache import DatabaseResponseCache
from trendcache.pipeline.enrichment.status import DISABLED
from trendcache.pipeline.enrichment.store import (
    NOT_HYDRATED_AGAIN,
    count_decisions,
    fail,
    refresh_seed_metadata,
    release,
    step_done,
    steps_done,
    store_outcomes,
)
from trendcache.pipeline.state import TIER, StateStore
from trendcache.spotify.client import SpotifyClient
from trendcache.spotify.connector import SpotifyConnector
from trendcache.tally import Tally
from trendcache.text import recordable

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
        tally: Tally | None = None,
    ) -> None:
        self.database = database
        self.tally = tally or Tally()
        self.claim_lease = claim_lease
        self.settings = settings
        self.spotify = spotify
        self.state = StateStore(database)
        self.on_change = on_change
        self._connect = musicbrainz or (lambda: MusicBrainzConnector(settings, tally=self.tally))
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
        log.debug("enrichment batch %s claimed: %s albums", batch_id, len(album_ids))
        result = BatchResult(batch_id, len(album_ids))
        facts = album_facts(self.database, album_ids)
        done = steps_done(self.database, batch_id)
        cache = DatabaseResponseCache(self.database)
        client = connector.client(cache)

        def store(outcomes: list[Outcome]) -> None:
            """Each step's decisions land at once, so pages fill in while the batch runs."""
            stored = self._store(outcomes)
            for outcome in stored:
                status = outcome.decision.status
                result.decided[status] = result.decided.get(status, 0) + 1
            if len(stored) < len(outcomes):
                result.decided["error"] = (
                    result.decided.get("error", 0) + len(outcomes) - len(stored)
                )
            if stored:
                self.on_change()

        with ClaimKeeper(self.database, batch_id, self.claim_lease):
            try:
                ordered = sorted(facts.values(), key=lambda album: album.id)  # same questions
                Matcher(client, self._isrcs(), self._claimed).match(
                    ordered, store, lambda method: step_done(self.database, batch_id, method), done
                )
            except MusicBrainzError as exc:
                result.error = recordable(str(exc))
                log.warning("enrichment batch %s failed: %s", batch_id, result.error)
            except Exception as exc:  # a refused write fails the batch as MusicBrainz would
                result.error = recordable(_failure(exc))
                log.exception("enrichment batch %s failed: %s", batch_id, result.error)
            finally:
                result.requests = client.session.sent
                result.cached = cache.hits
        try:
            with self.database.writer() as session:  # the undecided: unhydrated, or cut short
                release(session, batch_id, NOT_HYDRATED_AGAIN, error=result.error)
        except Exception as exc:
            message = recordable(f"could not hand the batch back ({database_error(exc)})")
            log.exception(
                "enrichment batch %s: %s; taken up again once its claim lapses", batch_id, message
            )
            result.error = result.error or message
        log.info("enrichment batch %s: %s, %s requests", batch_id, result.decided, result.requests)
        return result

    def _store(self, outcomes: list[Outcome]) -> list[Outcome]:
        """The outcomes stored. Should the database refuse them together, each is tried
        alone, and one it refuses is recorded as an error on its album instead."""
        try:
            self._write(outcomes)
            return outcomes
        except Exception as exc:
            if len(outcomes) == 1:
                self._fail(outcomes[0], exc)
                return []
            log.warning(
                "storing %s decisions failed (%s); storing them one by one",
                len(outcomes),
                database_error(exc),
            )
        stored = []
        for outcome in outcomes:
            try:
                self._write([outcome])
            except Exception as exc:
                self._fail(outcome, exc)
            else:
                stored.append(outcome)
        return stored

    def _write(self, outcomes: list[Outcome]) -> None:
        with self.database.writer() as session:
            store_outcomes(session, {o.album_id: o for o in outcomes}, utcnow())
            refresh_seed_metadata(session)
        count_decisions(self.tally, outcomes)

    def _fail(self, outcome: Outcome, exc: Exception) -> None:
        """The album's decision refused: an error on it, tried again later. Raises if even
        that cannot be written (then the batch fails as a whole)."""
        message = recordable(f"could not store the MusicBrainz decision ({database_error(exc)})")
        log.error("enrichment: album %s: %s", outcome.album_id, message)
        with self.database.writer() as session:
            fail(session, [outcome.album_id], message)

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


def _failure(exc: Exception) -> str:
    if isinstance(exc, SQLAlchemyError):
        return f"could not store what MusicBrainz sent ({database_error(exc)})"
    return f"enrichment failed ({database_error(exc)})"
