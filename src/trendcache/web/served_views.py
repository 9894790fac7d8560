"""The trending views, pre-encoded in memory, so the read path never touches the database.

Per scope (every configured market, and `None` for all markets together) a `ServedView`
holds the response body of `/api/cache/trending` as bytes, compressed once per snapshot in
each encoding offered (`encodings.py`), each with its strong ETag and headers, and the
decoded document the browse page renders. A background thread rebuilds them when
`read_status(...).version` moves (polled about twice a second, or at once when a syncer
or enricher reports a change: this process's directly, another's through the change bus,
`changes.py`) and when the data's `expires` passes, so `stale` flips on time. The poll is
the safety net for an announcement lost, and on SQLite (no bus) the only way another
process's change arrives. A request is a dict lookup.

ListenBrainz's served view (`LISTENBRAINZ_VIEW`, written by its own sync) is read with
the trending rows and made the browse page's Listeners' chart (`listeners_view.py`), with
its albums' joins to Spotify albums read at the same time; its row's `updated_at` is polled
beside the sync status, since that status is Spotify's alone.

MusicBrainz matches come from each row's `metadata`, written by the enricher (which bumps
the row, and so the version); see `web/enrichment_view.py`. The thread also keeps `enrichment`
(is it off, is anything due or being worked on) for the browse page, which polls faster
while matches may land: read at every rebuild, else every ENRICHMENT_POLL_SECONDS, since
each read holds the GIL for a few milliseconds that the read path would wait out.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from trendcache.clock import utcnow
from trendcache.db.models import CacheData
from trendcache.pipeline.cache_reads import cached_rows, updated_at
from trendcache.pipeline.enrichment.status import read_enrichment_status
from trendcache.pipeline.history.joined import joined_ids
from trendcache.pipeline.history.movement import previous_positions
from trendcache.pipeline.keys import (
    LISTENBRAINZ_TOP,
    LISTENBRAINZ_VIEW,
    WORLDWIDE,
    trending_key,
)
from trendcache.pipeline.sync.status import SyncStatus, read_status
from trendcache.services import Services
from trendcache.web.enrichment_view import EnrichmentActivity, Links, activity_of, annotate_view
from trendcache.web.headers import JSON_HEADERS
from trendcache.web.listeners_view import ListenersView, album_ids, build_listeners_view
from trendcache.web.prepared import Prepared, Variant, prepare

log = logging.getLogger(__name__)
POLL_SECONDS = 0.5
ENRICHMENT_POLL_SECONDS = 2.0
READ_ATTEMPTS = 3


@dataclass(frozen=True)
class ServedView:
    scope: str | None
    document: dict[str, Any]
    prepared: Prepared  # the JSON in every encoding offered
    expires: datetime | None
    fetched_at: datetime | None
    listeners: ListenersView | None = None  # ListenBrainz's week; None before its first sync

    @property
    def sections_tag(self) -> str:
        """What the browse page's sections show: the trending view and ListenBrainz's."""
        return self.etag + (f"~{self.listeners.identity}" if self.listeners else "")

    @property
    def has_data(self) -> bool:
        return self.fetched_at is not None

    @property
    def variants(self) -> dict[str, Variant]:
        return self.prepared.variants

    @property
    def body(self) -> bytes:
        """The JSON, uncompressed."""
        return self.prepared.body

    @property
    def etag(self) -> str:
        """The identity body's ETag; each encoding's is this with `-<encoding>` inside."""
        return self.prepared.etag


def empty_view(scope: str | None, markets: list[str], tier: str | None) -> dict[str, Any]:
    """The view before the first sync: the same shape, nothing in it."""
    return {
        "scope": scope or "all",
        "markets": [scope] if scope else markets,
        "tier": tier,
        "generatedAt": None,
        "newReleases": [],
        "popularAlbums": [],
        "trendingArtists": [],
    }


def build_view(
    scope: str | None,
    row: CacheData | None,
    status: SyncStatus,
    markets: list[str],
    now: datetime,
    links: Links,
    listeners: ListenersView | None = None,
) -> ServedView:
    view = row.data if row is not None else empty_view(scope, markets, status.tier)
    view = annotate_view(view, row.meta if row is not None else None, links)
    last = status.last_run or {}
    error = row.error if row is not None else last.get("error")
    document = {
        **view,
        "tier": view.get("tier") or status.tier,
        "fetchedAt": row.fetched_at.isoformat() if row else None,
        "expires": row.expires.isoformat() if row else None,
        "stale": row is None or now >= row.expires,
        "refreshing": status.refreshing,
        "error": error,
        "errorAt": row.error_at.isoformat() if row and row.error_at else None,
        "pausedUntil": status.paused_until.isoformat() if status.paused_until else None,
        "pauseReason": status.pause_reason,
    }
    body = json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode()
    return ServedView(
        scope=scope,
        document=document,
        prepared=prepare(body, b"application/json", headers=JSON_HEADERS),
        expires=row.expires if row else None,
        fetched_at=row.fetched_at if row else None,
        listeners=listeners,
    )


class ServedViews:
    """Every scope's snapshot, and the thread that keeps them current."""

    def __init__(
        self,
        services: Services,
        *,
        poll_seconds: float = POLL_SECONDS,
        on_rebuild: Callable[[str], None] = lambda reason: None,
    ) -> None:
        self.services = services
        self.markets = list(services.settings.spotify_markets)
        self.poll_seconds = poll_seconds
        self.on_rebuild = on_rebuild
        self.links = Links(services.settings.musicbrainz_base_url)
        self.status: SyncStatus | None = None
        self.enrichment: EnrichmentActivity | None = None
        # When the snapshots were last known current: rebuilt, or checked and unchanged.
        self.current_at: datetime | None = None
        self._enrichment_read_at = -ENRICHMENT_POLL_SECONDS
        # Replaced whole, never mutated: readers on the event loop need no lock.
        self._by_scope: dict[str | None, ServedView] = {}
        self._by_query: dict[bytes, ServedView] = {}
        self._version: tuple[Any, ...] | None = None
        self._listeners_stamp: datetime | None = None  # when ListenBrainz's view was written
        self._rebuild_lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._keys = [*(trending_key(s) for s in [None, *self.markets]), LISTENBRAINZ_VIEW]
        services.on_change(self.notify)

    def get(self, scope: str | None) -> ServedView | None:
        return self._by_scope.get(scope)

    def for_query(self, query_string: bytes) -> ServedView | None:
        """The snapshot for a raw query string of the exact form `` or `market=XX`."""
        return self._by_query.get(query_string)

    def notify(self) -> None:
        """Something changed (here, or in another process that announced it): rebuild now
        rather than at the next poll."""
        self._wake.set()

    def refresh(self, *, force: bool = False) -> bool:
        """Rebuild if anything shown changed; True if it did. Safe from any thread."""
        with self._rebuild_lock:
            status = read_status(self.services.syncer)
            now = utcnow()
            reason = self._reason(status, now, force)
            if reason is not None or self._enrichment_stale():
                self._read_enrichment()
            if reason is None:
                self.status, self.current_at = status, now
                return False
            self._rebuild(status, now)
            self.current_at = now
            self.on_rebuild(reason)
            return True

    def _read_rows(self, status: SyncStatus) -> tuple[SyncStatus, dict[str, CacheData]]:
        """The cached views, with a status read around them that matches them.

        A failing sync writes its pause, then its error; rows read between two status reads
        that agree belong to that status, so a page never shows an error without its pause.
        """
        for _ in range(READ_ATTEMPTS):
            rows = cached_rows(self.services.database, self._keys)
            after = read_status(self.services.syncer)
            if after.version == status.version:
                break
            status = after
        return status, rows

    def _enrichment_stale(self) -> bool:
        return time.monotonic() - self._enrichment_read_at >= ENRICHMENT_POLL_SECONDS

    def _read_enrichment(self) -> None:
        enrichment = read_enrichment_status(self.services.database)
        self.enrichment = activity_of(enrichment, self.services.settings)
        self._enrichment_read_at = time.monotonic()

    def _reason(self, status: SyncStatus, now: datetime, force: bool) -> str | None:
        if force or not self._by_scope:
            return "start" if not self._by_scope else "forced"
        if status.version != self._version:
            return "version"
        if updated_at(self.services.database, LISTENBRAINZ_VIEW) != self._listeners_stamp:
            return "listenbrainz"
        if any(s.expires and not s.document["stale"] and now >= s.expires for s in self._scopes()):
            return "expired"
        return None

    def _scopes(self) -> list[ServedView]:
        return list(self._by_scope.values())

    def _rebuild(self, status: SyncStatus, now: datetime) -> None:
        scopes: list[str | None] = [None, *self.markets]
        status, rows = self._read_rows(status)
        listeners = self._listeners(rows.get(LISTENBRAINZ_VIEW))
        built = {
            scope: build_view(
                scope,
                rows.get(trending_key(scope)),
                status,
                self.markets,
                now,
                self.links,
                listeners,
            )
            for scope in scopes
        }
        by_query = {b"": built[None]}
        by_query.update({f"market={m}".encode(): built[m] for m in self.markets})
        self._by_scope, self._by_query = built, by_query
        self.status, self._version = status, status.version

    def _listeners(self, row: CacheData | None) -> ListenersView | None:
        """ListenBrainz's view with its albums' joins read now (after the trending rows,
        so a match that moved their version is in)."""
        self._listeners_stamp = row.updated_at if row is not None else None
        if row is None or not isinstance(row.data, dict):
            return None
        with self.services.database.session() as session:
            joined = joined_ids(session, album_ids(row.data))
            previous = previous_positions(session, LISTENBRAINZ_TOP, WORLDWIDE)
        return build_listeners_view(row.data, joined, previous)

    def start(self) -> None:
        """Build once now (so the first request finds data), then keep rebuilding."""
        self.refresh(force=True)
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="trending-snapshots", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self.poll_seconds)
            self._wake.clear()
            if self._stop.is_set():
                return
            try:
                self.refresh()
            except Exception:  # a database hiccup: keep serving what we have
                log.exception("could not rebuild the trending snapshots")
